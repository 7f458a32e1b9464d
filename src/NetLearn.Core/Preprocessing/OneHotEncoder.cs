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
        for (int c = 0; c < categories.Length; c++)
        {
            var column = features[c];
            var labels = ClassLabels.FromTarget(column).Classes;
            var list = Enumerable.Range(0, labels.Length).Select(i => labels.FormatValue(i)!).ToList();
            if (column.MissingCount > 0)
            {
                list.Add(MissingCategory);
            }

            categories[c] = [.. list];
        }

        return new OneHotEncoderModel(Options, features.Schema, categories);
    }
}

/// <summary>A fitted <see cref="OneHotEncoder"/>.</summary>
public sealed class OneHotEncoderModel : FittedModel<OneHotEncoderOptions>, ITransformerModel
{
    private readonly string[][] _categories;
    private readonly int[] _dropped;
    private readonly Dictionary<string, int>[] _index;

    internal OneHotEncoderModel(OneHotEncoderOptions options, Schema inputSchema, string[][] categories)
        : base(options, inputSchema)
    {
        _categories = categories;
        _dropped = [.. categories.Select(c => options.Drop switch
        {
            DropCategory.First => 0,
            DropCategory.IfBinary when c.Length == 2 => 0,
            _ => -1,
        })];
        _index = [.. categories.Select(c => c.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i, StringComparer.Ordinal))];
        var names = new List<string>();
        for (int c = 0; c < categories.Length; c++)
        {
            for (int k = 0; k < categories[c].Length; k++)
            {
                if (k != _dropped[c])
                {
                    names.Add(string.Create(CultureInfo.InvariantCulture, $"{inputSchema.Columns[c].Name}_{categories[c][k]}"));
                }
            }
        }

        FeatureNamesOut = names;
    }

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
            var indicators = new double[_categories[c].Length][];
            for (int k = 0; k < indicators.Length; k++)
            {
                indicators[k] = new double[input.RowCount];
            }

            for (int i = 0; i < input.RowCount; i++)
            {
                string key = column.FormatValue(i) ?? OneHotEncoder.MissingCategory;
                if (_index[c].TryGetValue(key, out int k))
                {
                    indicators[k][i] = 1.0;
                }
                else if (Options.HandleUnknown == HandleUnknown.Error)
                {
                    throw new UnknownCategoryException(column.Name, key, i);
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
    }

    internal static OneHotEncoderModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var child = reader.Child("categories");
        string[][] categories = [.. schema.Columns.Select(c => child.ReadStrings(c.Name).Select(s => s ?? throw reader.Corrupt("a category is null")).ToArray())];
        return new OneHotEncoderModel(reader.ReadOptions<OneHotEncoderOptions>(), schema, categories);
    }
}
