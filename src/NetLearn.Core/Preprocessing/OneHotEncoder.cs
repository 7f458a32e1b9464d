using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>What <see cref="OneHotEncoder"/> does with a category not seen during fitting.</summary>
public enum HandleUnknown
{
    /// <summary>Throw an <see cref="UnknownCategoryException"/> naming the row, column and value.</summary>
    Error,

    /// <summary>Encode it as all zeros.</summary>
    Ignore,

    /// <summary>Encode it as the infrequent category when the feature has one (<see cref="OneHotEncoderOptions.MinFrequency"/>), else as all zeros.</summary>
    InfrequentIfExist,
}

/// <summary>Which indicator column <see cref="OneHotEncoder"/> drops per feature.</summary>
public enum DropCategory
{
    /// <summary>Keep all indicators.</summary>
    None,

    /// <summary>Drop the first category's indicator (avoids collinearity for unpenalised linear models).</summary>
    First,

    /// <summary>Drop the first indicator only for features with exactly two categories.</summary>
    IfBinary,
}

/// <summary>Hyperparameters of <see cref="OneHotEncoder"/>.</summary>
public sealed record OneHotEncoderOptions : EstimatorOptions
{
    /// <summary>Unknown categories at transform time (<c>handle_unknown</c>).</summary>
    public HandleUnknown HandleUnknown { get; init; } = HandleUnknown.Error;

    /// <summary>Indicator to drop per feature (<c>drop</c>).</summary>
    public DropCategory Drop { get; init; } = DropCategory.None;

    /// <summary>
    /// Categories seen fewer times are grouped into one <c>infrequent_sklearn</c> column (<c>min_frequency</c>):
    /// a value of at least 1 is a count of rows, a value below 1 a fraction of the rows; <c>null</c> disables grouping.
    /// </summary>
    public double? MinFrequency { get; init; }

    /// <summary>At most this many output columns per feature, the rarest categories grouped as infrequent (<c>max_categories</c>).</summary>
    public int? MaxCategories { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (MinFrequency is { } f && !(f > 0))
        {
            throw new HyperparameterException("min_frequency", "give a positive count (>= 1) or a fraction of rows in (0, 1)");
        }

        if (MaxCategories is < 1)
        {
            throw new HyperparameterException("max_categories", "give at least 1");
        }
    }
}

/// <summary>
/// Encodes each input column as 0/1 indicator columns, one per category seen during fitting (sorted: numbers
/// numerically, text ordinally; a missing value seen during fitting becomes its own category <c>nan</c>, last).
/// Output columns are named <c>{column}_{category}</c>, as scikit-learn's <c>get_feature_names_out</c>.
/// </summary>
public sealed class OneHotEncoder(OneHotEncoderOptions? options = null)
    : Estimator<OneHotEncoderOptions, OneHotEncoderModel>(options ?? new OneHotEncoderOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "one_hot_encoder";

    /// <summary>The category name of missing values.</summary>
    public const string MissingCategory = "nan";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override OneHotEncoderModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "OneHotEncoder");
        var categories = new string[features.ColumnCount][];
        var infrequent = new int[features.ColumnCount][];
        for (int c = 0; c < categories.Length; c++)
        {
            var column = features[c];
            categories[c] = CategoriesOf(column);
            infrequent[c] = Infrequent(column, categories[c]);
        }

        return new OneHotEncoderModel(Options, features.Schema, categories, infrequent);
    }

    /// <summary>The sorted categories of a column (numbers numerically, text ordinally), with <c>nan</c> last when values are missing.</summary>
    internal static string[] CategoriesOf(Column column)
    {
        var labels = ClassLabels.FromTarget(column).Classes;
        var list = Enumerable.Range(0, labels.Length).Select(i => labels.FormatValue(i)!).ToList();
        if (column.MissingCount > 0)
        {
            list.Add(MissingCategory);
        }

        return [.. list];
    }

    // scikit-learn's _identify_infrequent: below min_frequency, then the rarest beyond max_categories - 1 (stable by count).
    private int[] Infrequent(Column column, string[] categories)
    {
        if (Options.MinFrequency is null && Options.MaxCategories is null)
        {
            return [];
        }

        var index = categories.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i, StringComparer.Ordinal);
        var counts = new int[categories.Length];
        for (int i = 0; i < column.Length; i++)
        {
            counts[index[column.FormatValue(i) ?? MissingCategory]]++;
        }

        var infrequent = new bool[categories.Length];
        if (Options.MinFrequency is { } f)
        {
            double threshold = f >= 1 ? Math.Floor(f) : f * column.Length;
            for (int k = 0; k < counts.Length; k++)
            {
                infrequent[k] = counts[k] < threshold;
            }
        }

        int current = counts.Length - infrequent.Count(b => b) + 1;
        if (Options.MaxCategories is { } max && max < current)
        {
            int[] order = [.. Enumerable.Range(0, counts.Length).OrderBy(k => counts[k])];
            foreach (int k in order.Take(counts.Length - max + 1))
            {
                infrequent[k] = true;
            }
        }

        return [.. Enumerable.Range(0, counts.Length).Where(k => infrequent[k])];
    }
}

/// <summary>A fitted <see cref="OneHotEncoder"/>.</summary>
public sealed class OneHotEncoderModel : FittedModel<OneHotEncoderOptions>, ITransformerModel
{
    /// <summary>The output name of the grouped infrequent categories (scikit-learn's).</summary>
    public const string InfrequentCategory = "infrequent_sklearn";

    private readonly string[][] _categories;
    private readonly int[][] _infrequent;
    private readonly int[][] _slot;
    private readonly int[] _slotCount;
    private readonly int[] _infrequentSlot;
    private readonly int[] _dropped;
    private readonly Dictionary<string, int>[] _index;

    internal OneHotEncoderModel(OneHotEncoderOptions options, Schema inputSchema, string[][] categories, int[][]? infrequent = null)
        : base(options, inputSchema)
    {
        _categories = categories;
        _infrequent = infrequent ?? [.. categories.Select(_ => Array.Empty<int>())];
        _index = [.. categories.Select(c => c.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i, StringComparer.Ordinal))];

        // Output slots per feature: the frequent categories in order, then one slot for all infrequent ones.
        _slot = new int[categories.Length][];
        _slotCount = new int[categories.Length];
        _infrequentSlot = new int[categories.Length];
        var slotNames = new List<string>[categories.Length];
        for (int c = 0; c < categories.Length; c++)
        {
            var rare = new HashSet<int>(_infrequent[c]);
            _slot[c] = new int[categories[c].Length];
            slotNames[c] = [];
            for (int k = 0; k < categories[c].Length; k++)
            {
                if (!rare.Contains(k))
                {
                    _slot[c][k] = slotNames[c].Count;
                    slotNames[c].Add(categories[c][k]);
                }
            }

            _infrequentSlot[c] = rare.Count > 0 ? slotNames[c].Count : -1;
            if (rare.Count > 0)
            {
                foreach (int k in rare)
                {
                    _slot[c][k] = _infrequentSlot[c];
                }

                slotNames[c].Add(InfrequentCategory);
            }

            _slotCount[c] = slotNames[c].Count;
        }

        _dropped = [.. _slotCount.Select(n => options.Drop switch
        {
            DropCategory.First => 0,
            DropCategory.IfBinary when n == 2 => 0,
            _ => -1,
        })];
        var names = new List<string>();
        for (int c = 0; c < categories.Length; c++)
        {
            for (int k = 0; k < slotNames[c].Count; k++)
            {
                if (k != _dropped[c])
                {
                    names.Add(string.Create(CultureInfo.InvariantCulture, $"{inputSchema.Columns[c].Name}_{slotNames[c][k]}"));
                }
            }
        }

        FeatureNamesOut = names;
    }

    /// <summary>The indices into <see cref="Categories"/> of each feature's infrequent categories (<c>infrequent_categories_</c>).</summary>
    public IReadOnlyList<IReadOnlyList<int>> InfrequentCategories => _infrequent;

    /// <inheritdoc />
    public override string Kind => OneHotEncoder.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The categories of each input column, in output order (<c>categories_</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Categories => _categories;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut { get; }

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        var output = new List<Column>(FeatureNamesOut.Count);
        int name = 0;
        for (int c = 0; c < _categories.Length; c++)
        {
            var column = input[c];
            var indicators = new double[_slotCount[c]][];
            for (int k = 0; k < indicators.Length; k++)
            {
                indicators[k] = new double[input.RowCount];
            }

            // Categorical input: look each level up once, then map rows by code (no per-row string hashing).
            int[]? levelCategory = null;
            int missingCategory = -1;
            if (column is CategoricalColumn categorical)
            {
                levelCategory = new int[categorical.Levels.Count];
                for (int l = 0; l < levelCategory.Length; l++)
                {
                    levelCategory[l] = _index[c].TryGetValue(categorical.Levels[l], out int known) ? known : -1;
                }

                missingCategory = _index[c].TryGetValue(OneHotEncoder.MissingCategory, out int m) ? m : -1;
            }

            for (int i = 0; i < input.RowCount; i++)
            {
                int k;
                if (levelCategory is not null)
                {
                    int code = ((CategoricalColumn)column).Codes[i];
                    k = code < 0 ? missingCategory : levelCategory[code];
                }
                else
                {
                    k = _index[c].TryGetValue(column.FormatValue(i) ?? OneHotEncoder.MissingCategory, out int known) ? known : -1;
                }

                string Key() => column.FormatValue(i) ?? OneHotEncoder.MissingCategory;
                if (k >= 0)
                {
                    indicators[_slot[c][k]][i] = 1.0;
                }
                else if (Options.HandleUnknown == HandleUnknown.Error)
                {
                    throw new UnknownCategoryException(column.Name, Key(), i);
                }
                else if (Options.HandleUnknown == HandleUnknown.InfrequentIfExist && _infrequentSlot[c] >= 0)
                {
                    indicators[_infrequentSlot[c]][i] = 1.0;
                }
            }

            for (int k = 0; k < indicators.Length; k++)
            {
                if (k != _dropped[c])
                {
                    output.Add(new NumericColumn(FeatureNamesOut[name++], indicators[k]));
                }
            }
        }

        return new Table(output);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var child = writer.Child("categories");
        for (int c = 0; c < _categories.Length; c++)
        {
            child.Write(InputSchema.Columns[c].Name, _categories[c]);
        }

        var rare = writer.Child("infrequent");
        for (int c = 0; c < _categories.Length; c++)
        {
            rare.Write(InputSchema.Columns[c].Name, _infrequent[c]);
        }
    }

    internal static OneHotEncoderModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var child = reader.Child("categories");
        string[][] categories = [.. schema.Columns.Select(c => child.ReadStrings(c.Name).Select(s => s ?? throw reader.Corrupt("a category is null")).ToArray())];
        int[][]? infrequent = null;
        if (reader.Has("infrequent"))
        {
            var rare = reader.Child("infrequent");
            infrequent = [.. schema.Columns.Select(c => rare.ReadInt32s(c.Name))];
        }

        return new OneHotEncoderModel(reader.ReadOptions<OneHotEncoderOptions>(), schema, categories, infrequent);
    }
}
