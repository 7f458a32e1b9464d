using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.Preprocessing;
using NetLearn.Validation;

namespace NetLearn.FeatureSelection;

/// <summary>Fits an estimator and reads its <see cref="IFeatureImportances"/>, aligned with the input columns.</summary>
internal static class Importances
{
    public static (IModel Model, double[] Importances) Fit(IEstimator estimator, Table features, Column? target, FitContext? context, string selector)
    {
        var model = estimator.FitModel(features, target, context);
        if (model is not IFeatureImportances importances)
        {
            throw new HyperparameterException("estimator", $"{selector} needs a model that exposes feature importances (IFeatureImportances); {model.Kind} does not");
        }

        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < importances.ImportanceFeatureNames.Count; i++)
        {
            byName[importances.ImportanceFeatureNames[i]] = importances.FeatureImportances[i];
        }

        double[] values = [.. features.ColumnNames.Select(n => byName.TryGetValue(n, out double v)
            ? v
            : throw new HyperparameterException("estimator", $"{selector}: the importances of {model.Kind} do not name input column '{n}'. Put encoders before the selector, not inside its estimator"))];
        return (model, values);
    }
}

/// <summary>Hyperparameters of <see cref="SelectFromModel"/>.</summary>
public sealed record SelectFromModelOptions : EstimatorOptions
{
    /// <summary>
    /// Keep features whose importance is at least this (<c>threshold</c>): a number, <c>mean</c>, <c>median</c>, or a
    /// scaled form such as <c>1.25*mean</c>.
    /// </summary>
    public string Threshold { get; init; } = "mean";

    /// <summary>At most this many features, the most important first (<c>max_features</c>).</summary>
    public int? MaxFeatures { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        _ = ResolveThreshold(Threshold, [1.0]);
        if (MaxFeatures is < 0)
        {
            throw new HyperparameterException("max_features", "give a non-negative number");
        }
    }

    /// <summary>The numeric threshold for the given importances.</summary>
    internal static double ResolveThreshold(string threshold, double[] importances)
    {
        string text = (threshold ?? "").Trim();
        double scale = 1.0;
        int star = text.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            if (!double.TryParse(text[..star], NumberStyles.Float, CultureInfo.InvariantCulture, out scale))
            {
                throw new HyperparameterException("threshold", $"cannot read '{threshold}'. Use a number, mean, median or a scale such as 1.25*mean");
            }

            text = text[(star + 1)..].Trim();
        }

        if (text == "mean")
        {
            return scale * importances.Average();
        }

        if (text == "median")
        {
            double[] sorted = [.. importances.Order()];
            return scale * NumericData.Percentile(sorted, 50);
        }

        return star < 0 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new HyperparameterException("threshold", $"cannot read '{threshold}'. Use a number, mean, median or a scale such as 1.25*mean");
    }
}

/// <summary>
/// Keeps the features a model finds important (scikit-learn's <c>SelectFromModel</c>): fits the estimator, reads its
/// <see cref="IFeatureImportances"/> and keeps features at or above the threshold (at most <c>max_features</c>).
/// </summary>
public sealed class SelectFromModel : IEstimator<SelectFromModelModel>
{
    /// <summary>The model kind.</summary>
    public const string KindName = "select_from_model";

    /// <summary>Creates the selector around <paramref name="estimator"/>.</summary>
    public SelectFromModel(IEstimator estimator, SelectFromModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        Estimator = estimator;
        Options = options ?? new SelectFromModelOptions();
        Options.Validate();
    }

    /// <summary>The estimator whose importances decide.</summary>
    public IEstimator Estimator { get; }

    /// <summary>The hyperparameters.</summary>
    public SelectFromModelOptions Options { get; }

    /// <inheritdoc />
    EstimatorOptions IEstimator.Options => Options;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public SelectFromModelModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "SelectFromModel");
        var (model, importances) = Importances.Fit(Estimator, features, target, context, "SelectFromModel");
        double threshold = SelectFromModelOptions.ResolveThreshold(Options.Threshold, importances);
        var support = importances.Select(v => v >= threshold).ToArray();
        if (Options.MaxFeatures is { } max)
        {
            int[] top = [.. Enumerable.Range(0, importances.Length).OrderByDescending(j => importances[j]).Take(max)];
            var allowed = new bool[importances.Length];
            foreach (int j in top)
            {
                allowed[j] = true;
            }

            for (int j = 0; j < support.Length; j++)
            {
                support[j] &= allowed[j];
            }
        }

        if (!support.Any(s => s))
        {
            throw FeatureSelectorModel<SelectFromModelOptions>.NothingSelected(string.Create(CultureInfo.InvariantCulture, $"no importance reaches the threshold {threshold:G6}"));
        }

        return new SelectFromModelModel(Options, features.Schema, support, model, threshold);
    }

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <summary>A copy with one hyperparameter changed: <c>threshold</c>/<c>max_features</c>, or <c>estimator.name</c> for the inner estimator.</summary>
    public IEstimator WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name.StartsWith("estimator.", StringComparison.Ordinal)
            ? new SelectFromModel(Estimator.WithParameter(name["estimator.".Length..], value), Options)
            : new SelectFromModel(Estimator, HyperParameters.With(Options, name, value));
    }
}

/// <summary>A fitted <see cref="SelectFromModel"/>.</summary>
public sealed class SelectFromModelModel : FeatureSelectorModel<SelectFromModelOptions>, ICompositeModel
{
    internal SelectFromModelModel(SelectFromModelOptions options, Schema inputSchema, bool[] support, IModel estimator, double threshold)
        : base(options, inputSchema, support)
    {
        Estimator = estimator;
        Threshold = threshold;
    }

    /// <inheritdoc />
    public override string Kind => SelectFromModel.KindName;

    /// <summary>The fitted estimator (<c>estimator_</c>).</summary>
    public IModel Estimator { get; }

    /// <summary>The numeric threshold used (<c>threshold_</c>).</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public IEnumerable<(string Name, IModel Model)> Children => [("estimator", Estimator)];

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        WriteSupport(writer);
        writer.Write("threshold", Threshold);
        writer.Write("estimator", Estimator);
    }

    internal static SelectFromModelModel Load(ModelReader reader) => new(
        reader.ReadOptions<SelectFromModelOptions>(), reader.ReadSchema("input_schema"), ReadSupport(reader), reader.ReadModel("estimator"), reader.ReadDouble("threshold"));
}

/// <summary>Hyperparameters of <see cref="Rfe"/>.</summary>
public sealed record RfeOptions : EstimatorOptions
{
    /// <summary>Features to keep (<c>n_features_to_select</c>): a count (≥ 1), a fraction in (0, 1), or <c>null</c> for half.</summary>
    public double? NFeaturesToSelect { get; init; }

    /// <summary>Features removed per round (<c>step</c>): a count (≥ 1) or a fraction in (0, 1).</summary>
    public double Step { get; init; } = 1;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Step > 0))
        {
            throw new HyperparameterException("step", "give a positive count or a fraction in (0, 1)");
        }

        if (NFeaturesToSelect is { } n && !(n > 0))
        {
            throw new HyperparameterException("n_features_to_select", "give a positive count or a fraction in (0, 1)");
        }
    }

    internal int StepCount(int features) => Step < 1 ? (int)Math.Max(1, Step * features) : (int)Step;
}

/// <summary>
/// Recursive feature elimination (Guyon, Weston, Barnhill and Vapnik, "Gene selection for cancer classification using
/// support vector machines", Machine Learning 46, 2002), as scikit-learn's <c>RFE</c>: fit, drop the <c>step</c> least
/// important features, refit on the rest, until <c>n_features_to_select</c> remain. Works with any estimator whose
/// model exposes <see cref="IFeatureImportances"/>.
/// </summary>
public sealed class Rfe : IEstimator<RfeModel>
{
    /// <summary>The model kind.</summary>
    public const string KindName = "rfe";

    /// <summary>Creates the eliminator around <paramref name="estimator"/>.</summary>
    public Rfe(IEstimator estimator, RfeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        Estimator = estimator;
        Options = options ?? new RfeOptions();
        Options.Validate();
    }

    /// <summary>The estimator ranking the features.</summary>
    public IEstimator Estimator { get; }

    /// <summary>The hyperparameters.</summary>
    public RfeOptions Options { get; }

    /// <inheritdoc />
    EstimatorOptions IEstimator.Options => Options;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public RfeModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "RFE");
        int p = features.ColumnCount;
        int select = Options.NFeaturesToSelect switch
        {
            null => p / 2,
            < 1 and var f => (int)(p * f),
            var n => (int)n,
        };
        var (support, ranking, model, _) = Eliminate(Estimator, features, target, context, Math.Max(1, Math.Min(select, p)), Options.StepCount(p), null);
        return new RfeModel(KindName, Options, features.Schema, support, ranking, model);
    }

    /// <summary>The elimination loop; <paramref name="score"/> (when given) scores each fitted subset, first to last.</summary>
    internal static (bool[] Support, int[] Ranking, IModel Model, List<double> Scores) Eliminate(
        IEstimator estimator, Table features, Column? target, FitContext? context, int select, int step, Func<IModel, string[], double>? score)
    {
        int p = features.ColumnCount;
        var support = Enumerable.Repeat(true, p).ToArray();
        var ranking = Enumerable.Repeat(1, p).ToArray();
        var scores = new List<double>();
        string[] names = [.. features.ColumnNames];
        while (support.Count(s => s) > select)
        {
            context?.CancellationToken.ThrowIfCancellationRequested();
            int[] kept = [.. Enumerable.Range(0, p).Where(j => support[j])];
            string[] keptNames = [.. kept.Select(j => names[j])];
            var (model, importances) = Importances.Fit(estimator, features.Select(keptNames), target, context, "RFE");
            int[] order = [.. Enumerable.Range(0, kept.Length).OrderBy(j => importances[j])];
            int threshold = Math.Min(step, kept.Length - select);
            if (score is not null)
            {
                scores.Add(score(model, keptNames));
            }

            foreach (int j in order.Take(threshold))
            {
                support[kept[j]] = false;
            }

            for (int j = 0; j < p; j++)
            {
                if (!support[j])
                {
                    ranking[j]++;
                }
            }
        }

        string[] finalNames = [.. Enumerable.Range(0, p).Where(j => support[j]).Select(j => names[j])];
        var final = estimator.FitModel(features.Select(finalNames), target, context);
        if (score is not null)
        {
            scores.Add(score(final, finalNames));
        }

        return (support, ranking, final, scores);
    }

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <summary>A copy with one hyperparameter changed (<c>estimator.name</c> addresses the inner estimator).</summary>
    public IEstimator WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name.StartsWith("estimator.", StringComparison.Ordinal)
            ? new Rfe(Estimator.WithParameter(name["estimator.".Length..], value), Options)
            : new Rfe(Estimator, HyperParameters.With(Options, name, value));
    }
}

/// <summary>Hyperparameters of <see cref="Rfecv"/>.</summary>
public sealed record RfecvOptions : EstimatorOptions
{
    /// <summary>Features removed per round (<c>step</c>).</summary>
    public double Step { get; init; } = 1;

    /// <summary>Never go below this many features (<c>min_features_to_select</c>).</summary>
    public int MinFeaturesToSelect { get; init; } = 1;

    /// <summary>Number of folds (<c>cv</c>): stratified for classifiers, plain k-fold otherwise, unshuffled.</summary>
    public int Cv { get; init; } = 5;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Step > 0))
        {
            throw new HyperparameterException("step", "give a positive count or a fraction in (0, 1)");
        }

        if (MinFeaturesToSelect < 1)
        {
            throw new HyperparameterException("min_features_to_select", "give at least 1");
        }

        if (Cv < 2)
        {
            throw new HyperparameterException("cv", "give at least 2 folds");
        }
    }
}

/// <summary>
/// Recursive feature elimination with the number of features chosen by cross-validation (scikit-learn's <c>RFECV</c>):
/// a numeric target gets k-fold splits, any other target stratified ones (both unshuffled, as scikit-learn's default
/// <c>cv=5</c>); every fold runs the elimination path and scores each subset on its held-out rows (accuracy for classifiers, R² for
/// regressors); the size with the best summed score (ties to fewer features) is then selected on all rows.
/// </summary>
public sealed class Rfecv : IEstimator<RfeModel>
{
    /// <summary>The model kind.</summary>
    public const string KindName = "rfecv";

    /// <summary>Creates the selector around <paramref name="estimator"/>.</summary>
    public Rfecv(IEstimator estimator, RfecvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        Estimator = estimator;
        Options = options ?? new RfecvOptions();
        Options.Validate();
    }

    /// <summary>The estimator ranking and scoring the features.</summary>
    public IEstimator Estimator { get; }

    /// <summary>The hyperparameters.</summary>
    public RfecvOptions Options { get; }

    /// <inheritdoc />
    EstimatorOptions IEstimator.Options => Options;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public RfeModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "RFECV");
        var y = Checks.Target(features, target, "RFECV");
        int p = features.ColumnCount, n = features.RowCount;
        int step = Options.Step < 1 ? (int)Math.Max(1, Options.Step * p) : (int)Options.Step;
        int min = Math.Min(Options.MinFeaturesToSelect, p);
        bool classifier = y.Kind != ColumnKind.Numeric;
        int[][] tests = classifier ? Folds.Stratified(y, Options.Cv) : Folds.KFold(n, Options.Cv);
        List<double>? sums = null;
        foreach (int[] test in tests)
        {
            int[] train = Folds.Complement(n, test);
            var xTest = features.Take(test);
            var yTest = y.Take(test);
            var (_, _, _, scores) = Rfe.Eliminate(Estimator, features.Take(train), y.Take(train), context, min, step, (model, names) => Score(model, xTest.Select(names), yTest));
            sums = sums is null ? scores : [.. sums.Zip(scores, (a, b) => a + b)];
        }

        // The last maximum of the path (from all features down), i.e. the fewest features among ties.
        int best = 0;
        for (int i = 0; i < sums!.Count; i++)
        {
            if (sums[i] >= sums[best])
            {
                best = i;
            }
        }

        int select = Math.Max(p - (best * step), min);
        var (support, ranking, final, _) = Rfe.Eliminate(Estimator, features, y, context, select, step, null);
        double[] meanScores = [.. sums.AsEnumerable().Reverse().Select(s => s / tests.Length)];
        return new RfeModel(KindName, new RfeOptions { NFeaturesToSelect = select, Step = Options.Step }, features.Schema, support, ranking, final, meanScores);
    }

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <summary>A copy with one hyperparameter changed (<c>estimator.name</c> addresses the inner estimator).</summary>
    public IEstimator WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name.StartsWith("estimator.", StringComparison.Ordinal)
            ? new Rfecv(Estimator.WithParameter(name["estimator.".Length..], value), Options)
            : new Rfecv(Estimator, HyperParameters.With(Options, name, value));
    }

    private static double Score(IModel model, Table x, Column y) => model switch
    {
        IClassifier c => ClassificationMetrics.Accuracy(y, c.Predict(x)),
        IPredictor r => RegressionMetrics.R2(y, r.Predict(x)),
        _ => throw new HyperparameterException("estimator", $"RFECV needs a predictor to score subsets; {model.Kind} is not one"),
    };
}

/// <summary>A fitted <see cref="Rfe"/> or <see cref="Rfecv"/>.</summary>
public sealed class RfeModel : FeatureSelectorModel<RfeOptions>, ICompositeModel
{
    private readonly string _kind;
    private readonly int[] _ranking;

    internal RfeModel(string kind, RfeOptions options, Schema inputSchema, bool[] support, int[] ranking, IModel estimator, double[]? meanTestScores = null)
        : base(options, inputSchema, support)
    {
        _kind = kind;
        _ranking = ranking;
        Estimator = estimator;
        MeanTestScores = meanTestScores ?? [];
    }

    /// <inheritdoc />
    public override string Kind => _kind;

    /// <summary>The rank of each input column: 1 for selected ones, higher for those eliminated earlier (<c>ranking_</c>).</summary>
    public IReadOnlyList<int> Ranking => _ranking;

    /// <summary>The number of selected features (<c>n_features_</c>).</summary>
    public int NFeatures => Support.Count(s => s);

    /// <summary>The estimator fitted on the selected features (<c>estimator_</c>).</summary>
    public IModel Estimator { get; }

    /// <summary>RFECV only: the mean held-out score per subset size, from the smallest size up (<c>cv_results_["mean_test_score"]</c>).</summary>
    public IReadOnlyList<double> MeanTestScores { get; }

    /// <inheritdoc />
    public IEnumerable<(string Name, IModel Model)> Children => [("estimator", Estimator)];

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        WriteSupport(writer);
        writer.Write("ranking", _ranking);
        writer.Write("mean_test_scores", [.. MeanTestScores]);
        writer.Write("estimator", Estimator);
    }

    internal static RfeModel LoadRfe(ModelReader reader) => Load(reader, Rfe.KindName);

    internal static RfeModel LoadRfecv(ModelReader reader) => Load(reader, Rfecv.KindName);

    private static RfeModel Load(ModelReader reader, string kind) => new(
        kind, reader.ReadOptions<RfeOptions>(), reader.ReadSchema("input_schema"), ReadSupport(reader), reader.ReadInt32s("ranking"),
        reader.ReadModel("estimator"), reader.ReadDoubles("mean_test_scores"));
}
