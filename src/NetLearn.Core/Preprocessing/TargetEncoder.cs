using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.FeatureSelection;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>The kind of target <see cref="TargetEncoder"/> encodes against.</summary>
public enum TargetType
{
    /// <summary>Binary when the target has two distinct values, else continuous (numbers only).</summary>
    Auto,

    /// <summary>A number: categories encode to shrunk target means.</summary>
    Continuous,

    /// <summary>Two classes (the larger label is 1): categories encode to shrunk positive rates.</summary>
    Binary,
}

/// <summary>Hyperparameters of <see cref="TargetEncoder"/>.</summary>
public sealed record TargetEncoderOptions : EstimatorOptions
{
    /// <summary>The target kind (<c>target_type</c>).</summary>
    public TargetType TargetType { get; init; } = TargetType.Auto;

    /// <summary>
    /// Shrinkage towards the global mean (<c>smooth</c>): <c>null</c> for scikit-learn's <c>"auto"</c> (an empirical
    /// Bayes weight from the within-category variance), or m ≥ 0 for (sum + m · mean) / (count + m).
    /// </summary>
    public double? Smooth { get; init; }

    /// <summary>Folds of the cross-fitting used on the training data (<c>cv</c>).</summary>
    public int Cv { get; init; } = 5;

    /// <summary>Shuffle rows before making the folds (<c>shuffle</c>).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffle (<c>random_state</c>); <c>null</c> means 0, so fits are reproducible.</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Smooth is { } m && !(m >= 0))
        {
            throw new HyperparameterException("smooth", "give a non-negative number, or null for auto");
        }

        if (Cv < 2)
        {
            throw new HyperparameterException("cv", "give at least 2 folds");
        }
    }
}

/// <summary>
/// Encodes each category by the target mean of its rows, shrunk towards the global mean (Micci-Barreca, "A
/// preprocessing scheme for high-cardinality categorical attributes", SIGKDD Explorations 3, 2001), as scikit-learn 1.3's
/// <c>TargetEncoder</c> (scikit-learn 1.2 has none). On the training data the encoding is <b>cross-fitted</b>: each row
/// is encoded by a model fitted on the other folds, so a row's own target never leaks into its feature; pipelines and
/// column transformers fitting this step use that cross-fitted output (<see cref="IFitTransformEstimator"/>). New data
/// is encoded with the encodings fitted on all rows; unknown categories get the global mean. Missing values are a
/// category of their own.
/// </summary>
public sealed class TargetEncoder(TargetEncoderOptions? options = null)
    : Estimator<TargetEncoderOptions, TargetEncoderModel>(options ?? new TargetEncoderOptions()), IFitTransformEstimator
{
    /// <summary>The model kind.</summary>
    public const string KindName = "target_encoder";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override TargetEncoderModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "TargetEncoder");
        var y = Prepare(features, target, out var type, out var classes);
        int[] all = [.. Enumerable.Range(0, features.RowCount)];
        var (categories, encodings, mean) = Encode(features, y, all);
        return new TargetEncoderModel(Options, features.Schema, type, classes, categories, encodings, mean);
    }

    /// <summary>Fits on all rows and returns the cross-fitted encoding of the training rows (scikit-learn's <c>fit_transform</c>).</summary>
    public (TargetEncoderModel Model, Table Output) FitTransform(Table features, Column? target = null, FitContext? context = null)
    {
        var model = Fit(features, target, context);
        var y = Prepare(features, target, out var type, out _);
        int n = features.RowCount;
        int? seed = Options.Shuffle ? Options.RandomState ?? 0 : null;
        int[][] tests = type == TargetType.Binary
            ? Folds.Stratified(new NumericColumn(target!.Name, y), Options.Cv, seed)
            : Folds.KFold(n, Options.Cv, seed);
        var output = new double[features.ColumnCount][];
        for (int c = 0; c < output.Length; c++)
        {
            output[c] = new double[n];
        }

        foreach (int[] test in tests)
        {
            var (categories, encodings, mean) = Encode(features, y, Folds.Complement(n, test));
            for (int c = 0; c < output.Length; c++)
            {
                var lookup = Lookup(categories[c], encodings[c]);
                foreach (int i in test)
                {
                    output[c][i] = lookup.TryGetValue(Key(features[c], i), out double v) ? v : mean;
                }
            }
        }

        return (model, new Table(features.Columns.Select((col, c) => (Column)new NumericColumn(col.Name, output[c]))));
    }

    /// <inheritdoc />
    (ITransformerModel Model, Table Output) IFitTransformEstimator.FitTransform(Table features, Column? target, FitContext? context) => FitTransform(features, target, context);

    internal static string Key(Column column, int row) => column.FormatValue(row) ?? OneHotEncoder.MissingCategory;

    internal static Dictionary<string, double> Lookup(string[] categories, double[] encodings) =>
        categories.Select((k, i) => (k, i)).ToDictionary(t => t.k, t => encodings[t.i], StringComparer.Ordinal);

    private double[] Prepare(Table features, Column? target, out TargetType type, out string[] classes)
    {
        var y = Checks.Target(features, target, "TargetEncoder");
        var labels = ClassLabels.FromTarget(y);
        type = Options.TargetType;
        if (type == TargetType.Auto)
        {
            type = labels.Count == 2 ? TargetType.Binary
                : y.Kind is ColumnKind.Numeric ? TargetType.Continuous
                : throw new DataValidationException($"TargetEncoder handles numeric and two-class targets; this one has {labels.Count} classes. Use OneHotEncoder, or one binary target per class", column: y.Name);
        }

        if (type == TargetType.Binary)
        {
            if (labels.Count != 2)
            {
                throw new DataValidationException($"target_type=binary needs exactly two classes; the target has {labels.Count}", column: y.Name);
            }

            classes = [.. Enumerable.Range(0, 2).Select(k => labels.Classes.FormatValue(k)!)];
            return [.. labels.Encode(y).Select(k => (double)k)];
        }

        classes = [];
        return Checks.RegressionTarget(features, y, "TargetEncoder");
    }

    // Per column: the categories seen in `rows`, their encodings, and the mean of y over `rows`.
    private (string[][] Categories, double[][] Encodings, double Mean) Encode(Table features, double[] y, int[] rows)
    {
        double mean = rows.Average(i => y[i]);
        double variance = rows.Sum(i => (y[i] - mean) * (y[i] - mean)) / rows.Length;
        var categories = new string[features.ColumnCount][];
        var encodings = new double[features.ColumnCount][];
        for (int c = 0; c < features.ColumnCount; c++)
        {
            var groups = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
            foreach (int i in rows)
            {
                string key = Key(features[c], i);
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }

                list.Add(y[i]);
            }

            categories[c] = [.. groups.Keys];
            encodings[c] = [.. groups.Values.Select(values =>
            {
                double sum = values.Sum(), count = values.Count;
                if (Options.Smooth is { } m)
                {
                    return (sum + (m * mean)) / (count + m);
                }

                double categoryMean = sum / count;
                double squares = values.Sum(v => (v - categoryMean) * (v - categoryMean));
                double lambda = variance * count / ((variance * count) + (squares / count));
                return double.IsNaN(lambda) ? mean : (lambda * categoryMean) + ((1 - lambda) * mean);
            })];
        }

        return (categories, encodings, mean);
    }
}

/// <summary>A fitted <see cref="TargetEncoder"/>.</summary>
public sealed class TargetEncoderModel : FittedModel<TargetEncoderOptions>, ITransformerModel
{
    private readonly string[][] _categories;
    private readonly double[][] _encodings;
    private readonly Dictionary<string, double>[] _lookup;
    private readonly string[] _classes;

    internal TargetEncoderModel(TargetEncoderOptions options, Schema inputSchema, TargetType type, string[] classes, string[][] categories, double[][] encodings, double targetMean)
        : base(options, inputSchema)
    {
        TargetType = type;
        _classes = classes;
        _categories = categories;
        _encodings = encodings;
        TargetMean = targetMean;
        _lookup = [.. categories.Select((c, j) => TargetEncoder.Lookup(c, encodings[j]))];
    }

    /// <inheritdoc />
    public override string Kind => TargetEncoder.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The inferred target type (<c>target_type_</c>).</summary>
    public TargetType TargetType { get; }

    /// <summary>For a binary target, the two labels; the second is encoded as 1 (<c>classes_</c>).</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>The mean of the (0/1-coded) target over all training rows (<c>target_mean_</c>).</summary>
    public double TargetMean { get; }

    /// <summary>The categories of each column, sorted ordinally (<c>categories_</c>; missing is <c>nan</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Categories => _categories;

    /// <summary>The encoding of each category (<c>encodings_</c>).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Encodings => _encodings;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. InputSchema.Names];

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        return new Table(input.Columns.Select((column, c) =>
        {
            var values = new double[column.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = _lookup[c].TryGetValue(TargetEncoder.Key(column, i), out double v) ? v : TargetMean;
            }

            return (Column)new NumericColumn(column.Name, values);
        }));
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target_type", TargetType.ToString());
        writer.Write("classes", _classes);
        writer.Write("target_mean", TargetMean);
        var categories = writer.Child("categories");
        var encodings = writer.Child("encodings");
        for (int c = 0; c < _categories.Length; c++)
        {
            categories.Write(InputSchema.Columns[c].Name, _categories[c]);
            encodings.Write(InputSchema.Columns[c].Name, _encodings[c]);
        }
    }

    internal static TargetEncoderModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var categories = reader.Child("categories");
        var encodings = reader.Child("encodings");
        return new TargetEncoderModel(
            reader.ReadOptions<TargetEncoderOptions>(),
            schema,
            Enum.TryParse<TargetType>(reader.ReadString("target_type"), out var type) ? type : throw reader.Corrupt("unknown target type"),
            [.. reader.ReadStrings("classes").Select(s => s ?? throw reader.Corrupt("a class is null"))],
            [.. schema.Columns.Select(c => categories.ReadStrings(c.Name).Select(s => s ?? throw reader.Corrupt("a category is null")).ToArray())],
            [.. schema.Columns.Select(c => encodings.ReadDoubles(c.Name))],
            reader.ReadDouble("target_mean"));
    }
}
