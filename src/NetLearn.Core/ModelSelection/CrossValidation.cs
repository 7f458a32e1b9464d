using System.Diagnostics;
using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using NetLearn.Pipelines;

namespace NetLearn.ModelSelection;

/// <summary>What <see cref="CrossValidation.CrossValidate"/> computes besides test scores.</summary>
public sealed record CrossValidationOptions
{
    /// <summary>The splitter; null: 5 folds, stratified for classifiers (<see cref="CrossValidation.DefaultSplitter"/>).</summary>
    public ICrossValidator? Cv { get; init; }

    /// <summary>The scorers; null or empty: accuracy for classifiers, R² for regressors.</summary>
    public IReadOnlyList<Scorer>? Scoring { get; init; }

    /// <summary>Group labels for group splitters.</summary>
    public Column? Groups { get; init; }

    /// <summary>Also score every fold's model on its training rows.</summary>
    public bool ReturnTrainScore { get; init; }

    /// <summary>Keep every fold's fitted model.</summary>
    public bool ReturnModels { get; init; }

    /// <summary>Collect out-of-fold predictions (and probabilities for classifiers); needs splits whose test parts partition the rows.</summary>
    public bool ReturnPredictions { get; init; }

    /// <summary>Folds fitted at the same time; 0 or less: one per processor core.</summary>
    public int MaxParallelism { get; init; }

    /// <summary>Cancels the remaining folds.</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>The result of one fold.</summary>
/// <param name="Index">The fold's position in the splitter's order.</param>
/// <param name="TrainRows">The training rows.</param>
/// <param name="TestRows">The test rows.</param>
/// <param name="TestScores">Score per scorer name on the test rows.</param>
/// <param name="TrainScores">Score per scorer name on the training rows, when asked for.</param>
/// <param name="FitSeconds">Seconds to fit.</param>
/// <param name="ScoreSeconds">Seconds to score the test rows.</param>
/// <param name="Model">The fitted model, when asked for.</param>
public sealed record FoldResult(int Index, int[] TrainRows, int[] TestRows, IReadOnlyDictionary<string, double> TestScores, IReadOnlyDictionary<string, double>? TrainScores, double FitSeconds, double ScoreSeconds, IModel? Model);

/// <summary>Mean, standard deviation and per-fold values of one score.</summary>
/// <param name="Mean">Mean over folds.</param>
/// <param name="Std">Population standard deviation over folds (NumPy's default, as scikit-learn reports).</param>
/// <param name="Folds">The value of every fold.</param>
public sealed record ScoreSummary(double Mean, double Std, double[] Folds)
{
    /// <summary>Summarises fold values.</summary>
    public static ScoreSummary Of(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double mean = values.Length == 0 ? double.NaN : values.Average();
        double std = values.Length == 0 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return new ScoreSummary(mean, std, values);
    }
}

/// <summary>The result of <see cref="CrossValidation.CrossValidate"/> (scikit-learn's <c>cross_validate</c> dictionary).</summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(IReadOnlyList<FoldResult> folds, IReadOnlyList<Scorer> scorers, Column? predictions, Matrix? probabilities, Column? classes)
    {
        Folds = folds;
        Scorers = scorers;
        Predictions = predictions;
        Probabilities = probabilities;
        Classes = classes;
    }

    /// <summary>Every fold, in the splitter's order.</summary>
    public IReadOnlyList<FoldResult> Folds { get; }

    /// <summary>The scorers used; the first is the primary one.</summary>
    public IReadOnlyList<Scorer> Scorers { get; }

    /// <summary>Out-of-fold predictions, one per row (when asked for).</summary>
    public Column? Predictions { get; }

    /// <summary>Out-of-fold class probabilities in <see cref="Classes"/> order (classifiers, when asked for; 0 for a class a fold's model never saw).</summary>
    public Matrix? Probabilities { get; }

    /// <summary>The classes of the whole target (columns of <see cref="Probabilities"/>).</summary>
    public Column? Classes { get; }

    /// <summary>Test scores of <paramref name="scorer"/> (a name from <see cref="Scorers"/>; default the primary one).</summary>
    public ScoreSummary TestScore(string? scorer = null) => ScoreSummary.Of([.. Folds.Select(f => f.TestScores[scorer ?? Scorers[0].Name])]);

    /// <summary>Training scores of <paramref name="scorer"/> (needs <see cref="CrossValidationOptions.ReturnTrainScore"/>).</summary>
    public ScoreSummary TrainScore(string? scorer = null) => ScoreSummary.Of([.. Folds.Select(f => (f.TrainScores ?? throw new InvalidOperationException("Training scores were not computed; set ReturnTrainScore.")).GetValueOrDefault(scorer ?? Scorers[0].Name))]);

    /// <summary>Fit times of every fold in seconds.</summary>
    public double[] FitSeconds => [.. Folds.Select(f => f.FitSeconds)];

    /// <summary>Score times of every fold in seconds.</summary>
    public double[] ScoreSeconds => [.. Folds.Select(f => f.ScoreSeconds)];
}

/// <summary>
/// Cross-validation (scikit-learn's <c>cross_validate</c>): every fold fits the unfitted estimator afresh on its own
/// training rows — estimators are immutable, so no state (scaler means, imputer fills, encoder categories) can pass from
/// one fold to another or from test rows into training.
/// </summary>
public static class CrossValidation
{
    /// <summary>Evaluates <paramref name="estimator"/> by cross-validation on <paramref name="features"/> and <paramref name="target"/>.</summary>
    /// <exception cref="DataValidationException">The data cannot be split or scored.</exception>
    /// <exception cref="HyperparameterException">A scorer does not fit the model's task.</exception>
    public static CrossValidationResult CrossValidate(IEstimator estimator, Table features, Column target, CrossValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new CrossValidationOptions();
        if (target.Length != features.RowCount)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The target has {target.Length} rows but the features have {features.RowCount}"), column: target.Name);
        }

        if (target.MissingCount > 0)
        {
            throw new DataValidationException($"The target has {target.MissingCount} missing values. Drop those rows before cross-validation", column: target.Name);
        }

        var task = EstimatorTasks.TaskOf(estimator, target);
        var scorers = options.Scoring is { Count: > 0 } s ? s : [Metrics.Scorers.Default(task)];
        var cv = options.Cv ?? DefaultSplitter(task);
        var folds = cv.Split(features.RowCount, target, options.Groups).ToArray();
        var results = new FoldResult[folds.Length];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxParallelism > 0 ? options.MaxParallelism : Environment.ProcessorCount,
            CancellationToken = options.CancellationToken,
        };
        Parallel.For(0, folds.Length, parallel, i =>
        {
            results[i] = RunFold(estimator, features, target, folds[i], i, scorers, options, options.CancellationToken);
        });

        Column? predictions = null, classes = null;
        Matrix? probabilities = null;
        if (options.ReturnPredictions)
        {
            (predictions, probabilities, classes) = OutOfFold(features, target, folds, results, options);
        }

        if (!options.ReturnModels && options.ReturnPredictions)
        {
            results = [.. results.Select(r => r with { Model = null })];
        }

        return new CrossValidationResult(results, scorers, predictions, probabilities, classes);
    }

    /// <summary>Cross-validated score of one scorer per fold (scikit-learn's <c>cross_val_score</c>).</summary>
    public static double[] CrossValScore(IEstimator estimator, Table features, Column target, ICrossValidator? cv = null, string? scoring = null) =>
        CrossValidate(estimator, features, target, new CrossValidationOptions { Cv = cv, Scoring = scoring is null ? null : [Metrics.Scorers.Get(scoring)] }).TestScore().Folds;

    /// <summary>Out-of-fold predictions (scikit-learn's <c>cross_val_predict</c>).</summary>
    public static Column CrossValPredict(IEstimator estimator, Table features, Column target, ICrossValidator? cv = null) =>
        CrossValidate(estimator, features, target, new CrossValidationOptions { Cv = cv, ReturnPredictions = true }).Predictions!;

    /// <summary>5-fold cross-validation, stratified for classification (scikit-learn's <c>check_cv</c> default).</summary>
    public static ICrossValidator DefaultSplitter(ModelTask task, int folds = 5) =>
        task == ModelTask.Classification ? new StratifiedKFold(folds) : new KFold(folds);

    internal static FoldResult RunFold(IEstimator estimator, Table features, Column target, Fold fold, int index, IReadOnlyList<Scorer> scorers, CrossValidationOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var xTrain = features.Take(fold.Train);
        var yTrain = target.Take(fold.Train);
        var xTest = features.Take(fold.Test);
        var yTest = target.Take(fold.Test);
        var clock = Stopwatch.StartNew();
        var model = estimator.FitModel(xTrain, yTrain, new FitContext { CancellationToken = cancellationToken });
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var predictor = model as IPredictor
            ?? throw new HyperparameterException("estimator", $"cross-validation needs a model that predicts; {model.Kind} only transforms. Put it in a pipeline before a classifier or regressor");
        clock.Restart();
        var test = Score(scorers, new ScoringContext(predictor, xTest, yTest));
        double scoreSeconds = clock.Elapsed.TotalSeconds;
        var train = options.ReturnTrainScore ? Score(scorers, new ScoringContext(predictor, xTrain, yTrain)) : null;
        bool keep = options.ReturnModels || options.ReturnPredictions;
        return new FoldResult(index, fold.Train, fold.Test, test, train, fitSeconds, scoreSeconds, keep ? model : null);
    }

    private static Dictionary<string, double> Score(IReadOnlyList<Scorer> scorers, ScoringContext context) =>
        scorers.ToDictionary(s => s.Name, s => s.Score(context), StringComparer.Ordinal);

    private static (Column Predictions, Matrix? Probabilities, Column? Classes) OutOfFold(Table features, Column target, Fold[] folds, FoldResult[] results, CrossValidationOptions options)
    {
        int n = features.RowCount;
        var seen = new int[n];
        foreach (var fold in folds)
        {
            foreach (int i in fold.Test)
            {
                seen[i]++;
            }
        }

        if (seen.Any(c => c != 1))
        {
            throw new DataValidationException("Out-of-fold predictions need splits whose test parts cover every row exactly once (KFold, StratifiedKFold, GroupKFold, LeaveOneOut). Use one of those or leave ReturnPredictions off");
        }

        bool classifier = results.All(r => r.Model is IClassifier);
        if (!classifier)
        {
            var values = new double[n];
            foreach (var r in results)
            {
                var p = ((IPredictor)r.Model!).Predict(features.Take(r.TestRows)).ToDoubleArray();
                for (int j = 0; j < r.TestRows.Length; j++)
                {
                    values[r.TestRows[j]] = p[j];
                }
            }

            return (new NumericColumn(target.Name, values), null, null);
        }

        var labels = ClassLabels.FromTarget(target);
        var codes = new int[n];
        var proba = new Matrix(n, labels.Count);
        foreach (var r in results)
        {
            var model = (IClassifier)r.Model!;
            var x = features.Take(r.TestRows);
            int[] predicted = labels.Encode(model.Predict(x));
            var p = model.PredictProba(x);
            int[] map = [.. Enumerable.Range(0, model.Classes.Length).Select(k => labels.IndexOf(model.Classes.FormatValue(k)!))];
            for (int j = 0; j < r.TestRows.Length; j++)
            {
                codes[r.TestRows[j]] = predicted[j];
                for (int k = 0; k < map.Length; k++)
                {
                    proba[r.TestRows[j], map[k]] = p[j, k];
                }
            }
        }

        _ = options;
        return (labels.Decode(codes, target.Name), proba, labels.Classes);
    }
}

/// <summary>Finds whether an unfitted estimator classifies or regresses.</summary>
public static class EstimatorTasks
{
    /// <summary>
    /// The task of <paramref name="estimator"/>: a pipeline's is its last step's; an estimator in the
    /// <see cref="EstimatorCatalog"/> has the catalog's task; others classify when the target is not numeric.
    /// </summary>
    public static ModelTask TaskOf(IEstimator estimator, Column? target = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        while (true)
        {
            switch (estimator)
            {
                case Pipeline pipeline:
                    estimator = pipeline.Steps[^1].Estimator;
                    continue;
                case ITaskEstimator known:
                    return known.Task;
            }

            string kind = estimator.Kind;
            foreach (var entry in EstimatorCatalog.All)
            {
                if (entry.Create().Kind == kind)
                {
                    return entry.Task;
                }
            }

            return target is null or NumericColumn ? ModelTask.Regression : ModelTask.Classification;
        }
    }
}

/// <summary>An estimator that says what task its fitted models do (for wrappers such as calibration).</summary>
public interface ITaskEstimator : IEstimator
{
    /// <summary>What the fitted model does.</summary>
    ModelTask Task { get; }
}
