using System.Collections.Concurrent;
using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.Metrics;

/// <summary>
/// A fitted model, the rows to score it on and their true values; predictions and probabilities are computed once and
/// shared by every scorer that asks for them.
/// </summary>
public sealed class ScoringContext
{
    private readonly Lazy<Column> _predictions;
    private readonly Lazy<Matrix> _probabilities;
    private readonly Lazy<Matrix> _thresholdScores;

    /// <summary>Prepares scoring of <paramref name="model"/> on <paramref name="features"/> against <paramref name="target"/>.</summary>
    public ScoringContext(IPredictor model, Table features, Column target)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Features = features ?? throw new ArgumentNullException(nameof(features));
        Target = target ?? throw new ArgumentNullException(nameof(target));
        _predictions = new Lazy<Column>(() => Model.Predict(Features));
        _probabilities = new Lazy<Matrix>(() => Classifier.PredictProba(Features));
        _thresholdScores = new Lazy<Matrix>(ComputeThresholdScores);
    }

    /// <summary>The fitted model.</summary>
    public IPredictor Model { get; }

    /// <summary>The rows scored.</summary>
    public Table Features { get; }

    /// <summary>The true values.</summary>
    public Column Target { get; }

    /// <summary>The model's predictions (computed on first use).</summary>
    public Column Predictions => _predictions.Value;

    /// <summary>The model as a classifier.</summary>
    /// <exception cref="HyperparameterException">The model is not a classifier.</exception>
    public IClassifier Classifier => Model as IClassifier
        ?? throw new HyperparameterException("scoring", $"this metric needs class probabilities, but the model ({Model.Kind}) is not a classifier. Use a regression metric such as r2 or neg_mean_squared_error");

    /// <summary>The class probabilities (computed on first use).</summary>
    public Matrix Probabilities => _probabilities.Value;

    /// <summary>
    /// Scores to rank a binary classifier's rows by (scikit-learn's threshold scorers): column 1 holds the decision
    /// function where the model has one (column 0 its negation), else the probabilities. Ranking metrics (ROC AUC,
    /// average precision) then work for models without probabilities, such as LinearSVC.
    /// </summary>
    public Matrix ThresholdScores => _thresholdScores.Value;

    private Matrix ComputeThresholdScores()
    {
        if (Classifier.Classes.Length != 2 || DecisionScores.Of(Classifier) is null)
        {
            return Probabilities;
        }

        var decision = DecisionScores.Compute(Classifier, Features);
        var scores = new Matrix(decision.Rows, 2);
        for (int i = 0; i < decision.Rows; i++)
        {
            scores[i, 0] = -decision[i, 0];
            scores[i, 1] = decision[i, 0];
        }

        return scores;
    }

    /// <summary>The positive class of a binary classifier (the larger of its two sorted classes).</summary>
    public string PositiveLabel(string metric) => Classifier.Classes.Length == 2
        ? Classifier.Classes.FormatValue(1)!
        : throw new HyperparameterException("scoring", string.Create(CultureInfo.InvariantCulture, $"'{metric}' is for binary problems but the model has {Classifier.Classes.Length} classes. Use '{metric}_macro', '{metric}_weighted' or another multiclass metric"));
}

/// <summary>
/// A named metric for model selection, with scikit-learn's scorer name and sign convention: larger is always better, so
/// losses are negated and named <c>neg_…</c>.
/// </summary>
/// <param name="Name">scikit-learn's scorer name (<c>accuracy</c>, <c>f1_macro</c>, <c>neg_mean_squared_error</c>).</param>
/// <param name="Sign">+1 for scores, −1 for negated losses.</param>
/// <param name="Task">The task the scorer applies to.</param>
/// <param name="Compute">The metric itself (not negated).</param>
public sealed record Scorer(string Name, int Sign, ModelTask Task, Func<ScoringContext, double> Compute)
{
    /// <summary>The metric's name without <c>neg_</c> (what <c>netlearn evaluate</c> prints).</summary>
    public string MetricName => Name.StartsWith("neg_", StringComparison.Ordinal) ? Name[4..] : Name;

    /// <summary>The score, larger is better (the metric times <see cref="Sign"/>).</summary>
    public double Score(ScoringContext context) => Sign * Compute(context);

    /// <summary>Scores <paramref name="model"/> on labelled rows.</summary>
    public double Score(IPredictor model, Table features, Column target) => Score(new ScoringContext(model, features, target));
}

/// <summary>The scorers by name, shared by cross-validation, hyperparameter search and the command line.</summary>
public static class Scorers
{
    private static readonly ConcurrentDictionary<string, Scorer> Registry = new(StringComparer.Ordinal);

    static Scorers()
    {
        const ModelTask C = ModelTask.Classification;
        const ModelTask R = ModelTask.Regression;
        Add("accuracy", 1, C, c => ClassificationMetrics.Accuracy(c.Target, c.Predictions));
        Add("balanced_accuracy", 1, C, c => ClassificationMetrics.BalancedAccuracy(c.Target, c.Predictions));
        Add("matthews_corrcoef", 1, C, c => ClassificationMetrics.MatthewsCorrelation(c.Target, c.Predictions));
        Add("cohen_kappa", 1, C, c => ClassificationMetrics.CohenKappa(c.Target, c.Predictions));
        Add("top_k_accuracy", 1, C, c => ClassificationMetrics.TopKAccuracy(c.Target, c.Probabilities, c.Classifier.Classes, 2));
        Add("neg_log_loss", -1, C, c => ClassificationMetrics.LogLoss(c.Target, c.Probabilities, c.Classifier.Classes));
        Add("neg_brier_score", -1, C, c => ClassificationMetrics.BrierScore(c.Target, c.Probabilities, c.Classifier.Classes));
        Add("roc_auc", 1, C, c =>
        {
            c.PositiveLabel("roc_auc");
            return ClassificationMetrics.RocAuc(c.Target, c.ThresholdScores, c.Classifier.Classes);
        });
        Add("roc_auc_ovr", 1, C, c => ClassificationMetrics.RocAuc(c.Target, c.Probabilities, c.Classifier.Classes, Average.Macro));
        Add("roc_auc_ovr_weighted", 1, C, c => ClassificationMetrics.RocAuc(c.Target, c.Probabilities, c.Classifier.Classes, Average.Weighted));
        Add("roc_auc_ovo", 1, C, c => ClassificationMetrics.RocAucOneVsOne(c.Target, c.Probabilities, c.Classifier.Classes, Average.Macro));
        Add("roc_auc_ovo_weighted", 1, C, c => ClassificationMetrics.RocAucOneVsOne(c.Target, c.Probabilities, c.Classifier.Classes, Average.Weighted));
        Add("average_precision", 1, C, c =>
        {
            c.PositiveLabel("average_precision");
            return ClassificationMetrics.AveragePrecision(c.Target, c.ThresholdScores, c.Classifier.Classes);
        });
        foreach (var (prefix, metric) in new (string, Func<Column, Column, Average, string?, double>)[]
        {
            ("precision", ClassificationMetrics.Precision),
            ("recall", ClassificationMetrics.Recall),
            ("f1", ClassificationMetrics.F1),
            ("jaccard", ClassificationMetrics.Jaccard),
        })
        {
            Add(prefix, 1, C, c => metric(c.Target, c.Predictions, Average.Binary, c.PositiveLabel(prefix)));
            Add(prefix + "_macro", 1, C, c => metric(c.Target, c.Predictions, Average.Macro, null));
            Add(prefix + "_micro", 1, C, c => metric(c.Target, c.Predictions, Average.Micro, null));
            Add(prefix + "_weighted", 1, C, c => metric(c.Target, c.Predictions, Average.Weighted, null));
        }

        Add("r2", 1, R, c => RegressionMetrics.R2(c.Target, c.Predictions));
        Add("explained_variance", 1, R, c => RegressionMetrics.ExplainedVariance(c.Target, c.Predictions));
        Add("max_error", -1, R, c => RegressionMetrics.MaxError(c.Target, c.Predictions));
        Add("neg_mean_squared_error", -1, R, c => RegressionMetrics.MeanSquaredError(c.Target, c.Predictions));
        Add("neg_root_mean_squared_error", -1, R, c => RegressionMetrics.RootMeanSquaredError(c.Target, c.Predictions));
        Add("neg_mean_absolute_error", -1, R, c => RegressionMetrics.MeanAbsoluteError(c.Target, c.Predictions));
        Add("neg_median_absolute_error", -1, R, c => RegressionMetrics.MedianAbsoluteError(c.Target, c.Predictions));
        Add("neg_mean_absolute_percentage_error", -1, R, c => RegressionMetrics.MeanAbsolutePercentageError(c.Target, c.Predictions));
        Add("neg_mean_squared_log_error", -1, R, c => RegressionMetrics.MeanSquaredLogError(c.Target, c.Predictions));
        Add("neg_mean_poisson_deviance", -1, R, c => RegressionMetrics.MeanPoissonDeviance(c.Target, c.Predictions));
        Add("neg_mean_gamma_deviance", -1, R, c => RegressionMetrics.MeanGammaDeviance(c.Target, c.Predictions));
    }

    /// <summary>The registered scorer names, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. Registry.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Adds or replaces a scorer (for custom metrics).</summary>
    public static void Register(Scorer scorer)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        Registry[scorer.Name] = scorer;
    }

    /// <summary>The scorer called <paramref name="name"/>.</summary>
    /// <exception cref="HyperparameterException">Unknown name; the message lists the scorers of the same kind.</exception>
    public static Scorer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim();
        if (Registry.TryGetValue(key, out var scorer))
        {
            return scorer;
        }

        // max_error is scikit-learn's one loss scorer without the neg_ prefix; accept the other spellings people type.
        if (key == "neg_max_error" && Registry.TryGetValue("max_error", out scorer))
        {
            return scorer;
        }

        string hint = Registry.ContainsKey("neg_" + key) ? $" Did you mean 'neg_{key}' (losses are negated so that larger is better)?" : string.Empty;
        throw new HyperparameterException("scoring", $"unknown scorer '{name}'.{hint} Available: {string.Join(", ", Names)}");
    }

    /// <summary>The default scorer of a task: accuracy for classification, R² for regression.</summary>
    public static Scorer Default(ModelTask task) => Get(task == ModelTask.Classification ? "accuracy" : "r2");

    /// <summary>Parses a comma-separated list of scorer names (empty or null gives the task's default).</summary>
    public static IReadOnlyList<Scorer> Parse(string? names, ModelTask task)
    {
        if (string.IsNullOrWhiteSpace(names))
        {
            return [Default(task)];
        }

        var list = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Get).ToList();
        foreach (var scorer in list.Where(s => s.Task != task))
        {
            throw new HyperparameterException("scoring", $"'{scorer.Name}' is a {scorer.Task.ToString().ToLowerInvariant()} metric but the model does {task.ToString().ToLowerInvariant()}. Use for example {Default(task).Name}");
        }

        return [.. list.DistinctBy(s => s.Name)];
    }

    private static void Add(string name, int sign, ModelTask task, Func<ScoringContext, double> compute) =>
        Registry[name] = new Scorer(name, sign, task, compute);
}
