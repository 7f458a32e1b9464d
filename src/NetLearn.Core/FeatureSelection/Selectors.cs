using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Preprocessing;
using NetLearn.Validation;

namespace NetLearn.FeatureSelection;

/// <summary>
/// Base class of fitted feature selectors: keeps the selected input columns unchanged (any kind) and drops the others.
/// </summary>
/// <typeparam name="TOptions">The options record of the selector.</typeparam>
public abstract class FeatureSelectorModel<TOptions> : FittedModel<TOptions>, ITransformerModel
    where TOptions : EstimatorOptions
{
    private readonly bool[] _support;

    /// <summary>Stores the options, input schema and selection mask.</summary>
    protected FeatureSelectorModel(TOptions options, Schema inputSchema, bool[] support)
        : base(options, inputSchema)
    {
        ArgumentNullException.ThrowIfNull(support);
        if (support.Length != inputSchema.Count)
        {
            throw new ArgumentException("One flag per input column is needed.", nameof(support));
        }

        _support = support;
        FeatureNamesOut = [.. inputSchema.Names.Where((_, i) => support[i])];
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>Whether each input column is kept (<c>get_support()</c>).</summary>
    public IReadOnlyList<bool> Support => _support;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut { get; }

    /// <inheritdoc />
    public Table Transform(Table features) => features.ConformTo(InputSchema).Select(FeatureNamesOut);

    /// <summary>Writes the mask (subclasses add their own state).</summary>
    protected void WriteSupport(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("support", _support.Select(s => s ? 1 : 0).ToArray().AsSpan());
    }

    /// <summary>Reads the mask written by <see cref="WriteSupport"/>.</summary>
    protected static bool[] ReadSupport(ModelReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return [.. reader.ReadInt32s("support").Select(v => v != 0)];
    }

    internal static DataValidationException NothingSelected(string what) =>
        new($"No feature was selected ({what}). Lower the threshold or ask for more features");
}

/// <summary>Hyperparameters of <see cref="VarianceThreshold"/>.</summary>
public sealed record VarianceThresholdOptions : EstimatorOptions
{
    /// <summary>Columns with a variance not above this are removed (<c>threshold</c>; 0 removes constant columns).</summary>
    public double Threshold { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Threshold >= 0))
        {
            throw new HyperparameterException("threshold", "give a non-negative variance");
        }
    }
}

/// <summary>Removes low-variance (by default: constant) columns (scikit-learn's <c>VarianceThreshold</c>); needs no target.</summary>
public sealed class VarianceThreshold(VarianceThresholdOptions? options = null)
    : Estimator<VarianceThresholdOptions, VarianceThresholdModel>(options ?? new VarianceThresholdOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "variance_threshold";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override VarianceThresholdModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "VarianceThreshold");
        var columns = features.Columns.Select(c => c.ToDoubleArray()).ToArray();
        double[] variances = [.. columns.Select(NumericData.Variance)];
        var support = new bool[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            double v = variances[c];
            if (Options.Threshold == 0)
            {
                // Like scikit-learn, also compare the peak-to-peak range, which is exactly 0 for constant columns.
                double[] present = [.. columns[c].Where(x => !double.IsNaN(x))];
                double range = present.Length == 0 ? double.NaN : present.Max() - present.Min();
                v = double.IsNaN(v) ? range : double.IsNaN(range) ? v : Math.Min(v, range);
            }

            support[c] = v > Options.Threshold;
        }

        if (!support.Any(s => s))
        {
            throw FeatureSelectorModel<VarianceThresholdOptions>.NothingSelected(string.Create(CultureInfo.InvariantCulture, $"no column has a variance above {Options.Threshold}"));
        }

        return new VarianceThresholdModel(Options, features.Schema, support, variances);
    }
}

/// <summary>A fitted <see cref="VarianceThreshold"/>.</summary>
public sealed class VarianceThresholdModel : FeatureSelectorModel<VarianceThresholdOptions>
{
    private readonly double[] _variances;

    internal VarianceThresholdModel(VarianceThresholdOptions options, Schema inputSchema, bool[] support, double[] variances)
        : base(options, inputSchema, support)
    {
        _variances = variances;
    }

    /// <inheritdoc />
    public override string Kind => VarianceThreshold.KindName;

    /// <summary>The population variance of each input column (<c>variances_</c>).</summary>
    public IReadOnlyList<double> Variances => _variances;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        WriteSupport(writer);
        writer.Write("variances", _variances);
    }

    internal static VarianceThresholdModel Load(ModelReader reader) =>
        new(reader.ReadOptions<VarianceThresholdOptions>(), reader.ReadSchema("input_schema"), ReadSupport(reader), reader.ReadDoubles("variances"));
}

/// <summary>The statistic univariate selectors rank features by.</summary>
public enum ScoreFunction
{
    /// <summary>ANOVA F between feature and class (<c>f_classif</c>).</summary>
    FClassif,

    /// <summary>χ² between non-negative feature and class (<c>chi2</c>).</summary>
    Chi2,

    /// <summary>F test of a univariate linear regression (<c>f_regression</c>).</summary>
    FRegression,

    /// <summary>k-NN mutual information with a class (<c>mutual_info_classif</c>).</summary>
    MutualInfoClassif,

    /// <summary>k-NN mutual information with a number (<c>mutual_info_regression</c>).</summary>
    MutualInfoRegression,
}

/// <summary>Hyperparameters shared by <see cref="SelectKBest"/> and <see cref="SelectPercentile"/>.</summary>
public abstract record UnivariateSelectorOptions : EstimatorOptions
{
    /// <summary>The statistic (<c>score_func</c>).</summary>
    public ScoreFunction ScoreFunc { get; init; } = ScoreFunction.FClassif;

    /// <summary>Seed of the tie-breaking noise of the mutual-information scores (<c>random_state</c>).</summary>
    public int RandomState { get; init; }
}

/// <summary>Hyperparameters of <see cref="SelectKBest"/>.</summary>
public sealed record SelectKBestOptions : UnivariateSelectorOptions
{
    /// <summary>How many features to keep (<c>k</c>); <c>null</c> keeps all (scikit-learn's <c>"all"</c>).</summary>
    public int? K { get; init; } = 10;

    /// <inheritdoc />
    public override void Validate()
    {
        if (K is < 0)
        {
            throw new HyperparameterException("k", "give a non-negative number of features, or null for all");
        }
    }
}

/// <summary>Hyperparameters of <see cref="SelectPercentile"/>.</summary>
public sealed record SelectPercentileOptions : UnivariateSelectorOptions
{
    /// <summary>Percent of features to keep (<c>percentile</c>, 0–100).</summary>
    public double Percentile { get; init; } = 10;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Percentile >= 0 && Percentile <= 100))
        {
            throw new HyperparameterException("percentile", "give a percentage between 0 and 100");
        }
    }
}

/// <summary>Univariate scoring shared by the selectors.</summary>
internal static class Univariate
{
    public static FeatureScores Score(Table features, Column? target, ScoreFunction function, int seed, string estimator)
    {
        Checks.NotEmpty(features, estimator);
        var y = Checks.Target(features, target, estimator);
        var columns = NumericData.Columns(features, estimator, allowMissing: false);
        return function switch
        {
            ScoreFunction.FClassif => UnivariateScores.FClassif(columns, y),
            ScoreFunction.Chi2 => UnivariateScores.Chi2(columns, y, features.ColumnNames),
            ScoreFunction.FRegression => UnivariateScores.FRegression(columns, Checks.RegressionTarget(features, y, estimator)),
            ScoreFunction.MutualInfoClassif => new FeatureScores(MutualInformation.Classif(columns, y, seed: seed), null),
            _ => new FeatureScores(MutualInformation.Regression(columns, Checks.RegressionTarget(features, y, estimator), seed: seed), null),
        };
    }

    public static double[] Clean(double[] scores) => [.. scores.Select(s => double.IsNaN(s) ? double.MinValue : s)];
}

/// <summary>Keeps the <c>k</c> highest-scoring features (scikit-learn's <c>SelectKBest</c>); ties keep the later column, as its stable sort does.</summary>
public sealed class SelectKBest(SelectKBestOptions? options = null)
    : Estimator<SelectKBestOptions, UnivariateSelectorModel>(options ?? new SelectKBestOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "select_k_best";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override UnivariateSelectorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var scores = Univariate.Score(features, target, Options.ScoreFunc, Options.RandomState, "SelectKBest");
        int p = scores.Scores.Length;
        int k = Options.K ?? p;
        if (k > p)
        {
            throw new HyperparameterException("k", string.Create(CultureInfo.InvariantCulture, $"asks for {k} features but the data has {p}. Use k <= {p} or null for all"));
        }

        double[] clean = Univariate.Clean(scores.Scores);
        int[] order = [.. Enumerable.Range(0, p).OrderBy(j => clean[j])];
        var support = new bool[p];
        foreach (int j in order.Skip(p - k))
        {
            support[j] = true;
        }

        return new UnivariateSelectorModel(KindName, Options, features.Schema, support, scores);
    }
}

/// <summary>Keeps the highest-scoring percentage of features (scikit-learn's <c>SelectPercentile</c>).</summary>
public sealed class SelectPercentile(SelectPercentileOptions? options = null)
    : Estimator<SelectPercentileOptions, UnivariateSelectorModel>(options ?? new SelectPercentileOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "select_percentile";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override UnivariateSelectorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var scores = Univariate.Score(features, target, Options.ScoreFunc, Options.RandomState, "SelectPercentile");
        int p = scores.Scores.Length;
        var support = new bool[p];
        if (Options.Percentile == 100)
        {
            Array.Fill(support, true);
        }
        else if (Options.Percentile > 0)
        {
            double[] clean = Univariate.Clean(scores.Scores);
            double[] sorted = [.. clean];
            Array.Sort(sorted);
            double threshold = NumericData.Percentile(sorted, 100 - Options.Percentile);
            for (int j = 0; j < p; j++)
            {
                support[j] = clean[j] > threshold;
            }

            int room = (int)(p * Options.Percentile / 100) - support.Count(s => s);
            for (int j = 0; j < p && room > 0; j++)
            {
                if (clean[j] == threshold)
                {
                    support[j] = true;
                    room--;
                }
            }
        }

        return new UnivariateSelectorModel(KindName, Options, features.Schema, support, scores);
    }
}

/// <summary>A fitted <see cref="SelectKBest"/> or <see cref="SelectPercentile"/>.</summary>
public sealed class UnivariateSelectorModel : FeatureSelectorModel<UnivariateSelectorOptions>
{
    private readonly string _kind;

    internal UnivariateSelectorModel(string kind, UnivariateSelectorOptions options, Schema inputSchema, bool[] support, FeatureScores scores)
        : base(options, inputSchema, support)
    {
        _kind = kind;
        Scores = scores.Scores;
        PValues = scores.PValues;
    }

    /// <inheritdoc />
    public override string Kind => _kind;

    /// <summary>The score of each input column (<c>scores_</c>).</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>The p-value of each input column (<c>pvalues_</c>), or <c>null</c> for mutual information.</summary>
    public IReadOnlyList<double>? PValues { get; }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        WriteSupport(writer);
        writer.Write("scores", [.. Scores]);
        if (PValues is not null)
        {
            writer.Write("pvalues", [.. PValues]);
        }
    }

    internal static UnivariateSelectorModel LoadKBest(ModelReader reader) => Load(reader, SelectKBest.KindName, reader.ReadOptions<SelectKBestOptions>());

    internal static UnivariateSelectorModel LoadPercentile(ModelReader reader) => Load(reader, SelectPercentile.KindName, reader.ReadOptions<SelectPercentileOptions>());

    private static UnivariateSelectorModel Load(ModelReader reader, string kind, UnivariateSelectorOptions options) => new(
        kind, options, reader.ReadSchema("input_schema"), ReadSupport(reader),
        new FeatureScores(reader.ReadDoubles("scores"), reader.Has("pvalues") ? reader.ReadDoubles("pvalues") : null));
}
