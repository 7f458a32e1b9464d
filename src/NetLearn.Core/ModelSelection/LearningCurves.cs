using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Metrics;

namespace NetLearn.ModelSelection;

/// <summary>Training and validation scores per point of a curve, one value per fold.</summary>
/// <param name="Points">The x values: training-set sizes (learning curve) or parameter values (validation curve).</param>
/// <param name="TrainScores">Scores on the training rows, [point][fold].</param>
/// <param name="TestScores">Scores on the held-out rows, [point][fold].</param>
public sealed record CurveScores(IReadOnlyList<string> Points, double[][] TrainScores, double[][] TestScores)
{
    /// <summary>Mean and standard deviation of the training scores per point.</summary>
    public IReadOnlyList<ScoreSummary> Train => [.. TrainScores.Select(ScoreSummary.Of)];

    /// <summary>Mean and standard deviation of the test scores per point.</summary>
    public IReadOnlyList<ScoreSummary> Test => [.. TestScores.Select(ScoreSummary.Of)];
}

/// <summary>Learning curves and validation curves (scikit-learn's <c>learning_curve</c> and <c>validation_curve</c>).</summary>
public static class LearningCurves
{
    /// <summary>
    /// Scores of models fitted on growing prefixes of each fold's training rows. <paramref name="trainSizes"/> are fractions
    /// of the training part (≤ 1) or row counts (&gt; 1); default 0.1, 0.325, 0.55, 0.775, 1.
    /// </summary>
    public static CurveScores LearningCurve(IEstimator estimator, Table features, Column target, IReadOnlyList<double>? trainSizes = null, ICrossValidator? cv = null, Scorer? scoring = null, int maxParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        var task = EstimatorTasks.TaskOf(estimator, target);
        scoring ??= Scorers.Default(task);
        cv ??= CrossValidation.DefaultSplitter(task);
        var folds = cv.Split(features.RowCount, target).ToArray();
        int maxTrain = folds[0].Train.Length;
        trainSizes ??= [0.1, 0.325, 0.55, 0.775, 1.0];
        int[] sizes = [.. trainSizes.Select(s => s <= 1 ? (int)(s * maxTrain) : (int)s).Distinct().Order()];
        if (sizes.Length == 0 || sizes[0] < 1 || sizes[^1] > maxTrain)
        {
            throw new HyperparameterException("train_sizes", string.Create(CultureInfo.InvariantCulture, $"must give between 1 and {maxTrain} training rows (the first fold's training part); got {string.Join(", ", sizes)}"));
        }

        var train = new double[sizes.Length][];
        var test = new double[sizes.Length][];
        for (int s = 0; s < sizes.Length; s++)
        {
            train[s] = new double[folds.Length];
            test[s] = new double[folds.Length];
        }

        var jobs = Enumerable.Range(0, sizes.Length).SelectMany(s => Enumerable.Range(0, folds.Length).Select(f => (s, f))).ToArray();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount }, job =>
        {
            var fold = folds[job.f];
            int[] rows = fold.Train[..sizes[job.s]];
            var (trainScore, testScore) = FitAndScore(estimator, features, target, rows, fold.Test, scoring);
            train[job.s][job.f] = trainScore;
            test[job.s][job.f] = testScore;
        });
        return new CurveScores([.. sizes.Select(s => s.ToString(CultureInfo.InvariantCulture))], train, test);
    }

    /// <summary>Cross-validated training and test scores for each value of one hyperparameter (a nested name such as <c>model.C</c> works).</summary>
    public static CurveScores ValidationCurve(IEstimator estimator, Table features, Column target, string parameter, IReadOnlyList<string> values, ICrossValidator? cv = null, Scorer? scoring = null, int maxParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(values);
        var task = EstimatorTasks.TaskOf(estimator, target);
        scoring ??= Scorers.Default(task);
        cv ??= CrossValidation.DefaultSplitter(task);
        var folds = cv.Split(features.RowCount, target).ToArray();
        var estimators = values.Select(v => estimator.WithParameter(parameter, v)).ToArray();
        var train = values.Select(_ => new double[folds.Length]).ToArray();
        var test = values.Select(_ => new double[folds.Length]).ToArray();
        var jobs = Enumerable.Range(0, values.Count).SelectMany(v => Enumerable.Range(0, folds.Length).Select(f => (v, f))).ToArray();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount }, job =>
        {
            var (trainScore, testScore) = FitAndScore(estimators[job.v], features, target, folds[job.f].Train, folds[job.f].Test, scoring);
            train[job.v][job.f] = trainScore;
            test[job.v][job.f] = testScore;
        });
        return new CurveScores([.. values], train, test);
    }

    private static (double Train, double Test) FitAndScore(IEstimator estimator, Table features, Column target, int[] trainRows, int[] testRows, Scorer scoring)
    {
        var xTrain = features.Take(trainRows);
        var yTrain = target.Take(trainRows);
        var model = estimator.FitModel(xTrain, yTrain) as IPredictor
            ?? throw new HyperparameterException("estimator", "curves need a model that predicts");
        return (scoring.Score(model, xTrain, yTrain), scoring.Score(model, features.Take(testRows), target.Take(testRows)));
    }
}
