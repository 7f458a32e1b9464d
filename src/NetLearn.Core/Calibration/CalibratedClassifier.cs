using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.ModelSelection;

namespace NetLearn.Calibration;

/// <summary>How <see cref="CalibratedClassifier"/> maps scores to probabilities.</summary>
public enum CalibrationMethod
{
    /// <summary>Platt scaling (<see cref="SigmoidCalibrator"/>): two parameters, suits small calibration sets.</summary>
    Sigmoid,

    /// <summary>Isotonic regression (<see cref="IsotonicCalibrator"/>): any monotone map, needs more data.</summary>
    Isotonic,
}

/// <summary>Hyperparameters of <see cref="CalibratedClassifier"/> (scikit-learn's <c>CalibratedClassifierCV</c>).</summary>
public sealed record CalibratedClassifierOptions : EstimatorOptions
{
    /// <summary>The calibration method.</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Sigmoid;

    /// <summary>Stratified folds: each fold's model is calibrated on the rows it did not see.</summary>
    public int Cv { get; init; } = 5;

    /// <summary>Keep every fold's model and average their calibrated probabilities (true), or refit one model on all rows and calibrate it with the out-of-fold scores (false).</summary>
    public bool Ensemble { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        if (Cv < 2)
        {
            throw new HyperparameterException("cv", "must be at least 2 folds");
        }
    }
}

/// <summary>
/// Probability calibration of any classifier (scikit-learn's <c>CalibratedClassifierCV</c>): the classifier is fitted on
/// each fold's training rows and a calibrator per class maps its scores on the held-out rows to calibrated probabilities
/// (one-vs-rest, then renormalised; binary problems calibrate the positive class only). Like scikit-learn, the scores
/// are the decision function when the classifier (or a pipeline's final step) has one (<see cref="IDecisionFunction"/>:
/// linear models, SVMs, which then need no probabilities of their own) and <see cref="IClassifier.PredictProba"/> otherwise.
/// </summary>
public sealed class CalibratedClassifier : IEstimator<CalibratedClassifierModel>, ITaskEstimator
{
    /// <summary>The model kind written to model files.</summary>
    public const string KindName = "calibrated_classifier";

    /// <summary>Wraps <paramref name="estimator"/> (any classifier or pipeline ending in one).</summary>
    public CalibratedClassifier(IEstimator estimator, CalibratedClassifierOptions? options = null)
    {
        Estimator = estimator ?? throw new ArgumentNullException(nameof(estimator));
        Options = options ?? new CalibratedClassifierOptions();
        Options.Validate();
    }

    /// <summary>The classifier being calibrated.</summary>
    public IEstimator Estimator { get; }

    /// <summary>The hyperparameters.</summary>
    public CalibratedClassifierOptions Options { get; }

    /// <inheritdoc />
    EstimatorOptions IEstimator.Options => Options;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public CalibratedClassifierModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (target is null)
        {
            throw new DataValidationException("Calibration needs a target column");
        }

        context ??= FitContext.Default;
        var labels = ClassLabels.FromTarget(target);
        if (labels.Count < 2)
        {
            throw new DataValidationException("Calibration needs at least two classes in the target", column: target.Name);
        }

        int[] codes = labels.Encode(target);
        var counts = new int[labels.Count];
        foreach (int c in codes)
        {
            counts[c]++;
        }

        int rarest = Array.IndexOf(counts, counts.Min());
        if (counts[rarest] < Options.Cv)
        {
            // scikit-learn refuses the same: a fold model would miss the class, and its scores could not be calibrated.
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture,
                $"Calibration with cv={Options.Cv} needs at least {Options.Cv} rows of every class, but class '{labels.Classes.FormatValue(rarest)}' has {counts[rarest]}; lower cv or add rows"), column: target.Name);
        }

        var folds = new StratifiedKFold(Options.Cv).Split(features.RowCount, target).ToList();
        var members = new List<CalibratedMember>();
        var oofScores = new Matrix(features.RowCount, labels.Count);
        bool oofDecision = false;
        foreach (var fold in folds)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var model = AsClassifier(Estimator.FitModel(features.Take(fold.Train), target.Take(fold.Train), new FitContext { CancellationToken = context.CancellationToken }));
            bool decision = UsesDecisionFunction(model, labels.Count);
            oofDecision = decision;
            var scores = Scores(model, features.Take(fold.Test), labels, decision);
            for (int j = 0; j < fold.Test.Length; j++)
            {
                for (int k = 0; k < labels.Count; k++)
                {
                    oofScores[fold.Test[j], k] = scores[j, k];
                }
            }

            if (Options.Ensemble)
            {
                members.Add(new CalibratedMember(model, FitCalibrators(scores, [.. fold.Test.Select(i => codes[i])], labels.Count), decision));
            }
        }

        if (!Options.Ensemble)
        {
            var full = AsClassifier(Estimator.FitModel(features, target, new FitContext { CancellationToken = context.CancellationToken }));
            members.Add(new CalibratedMember(full, FitCalibrators(oofScores, codes, labels.Count), oofDecision));
        }

        return new CalibratedClassifierModel(Options, features.Schema, labels.Classes, members);
    }

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <summary>A copy with a changed hyperparameter: <c>method</c>, <c>cv</c>, <c>ensemble</c>, or <c>estimator.NAME</c> for the wrapped classifier.</summary>
    public IEstimator WithParameter(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        const string prefix = "estimator.";
        return name.StartsWith(prefix, StringComparison.Ordinal)
            ? new CalibratedClassifier(Estimator.WithParameter(name[prefix.Length..], value), Options)
            : new CalibratedClassifier(Estimator, HyperParameters.With(Options, name, value));
    }

    /// <summary>
    /// Whether <paramref name="model"/>'s decision function is what gets calibrated (scikit-learn's order: decision
    /// function first, then probabilities): it must have one, directly or as a pipeline's final step, with one column
    /// per class for more than two classes (a one-vs-one shape cannot be calibrated per class, so probabilities are used).
    /// </summary>
    internal static bool UsesDecisionFunction(IClassifier model, int classes)
    {
        if (DecisionScores.Of(model) is not { } decision || decision.Classes.Length != classes)
        {
            return false;
        }

        return classes == 2 || decision switch
        {
            Svm.SvcModel svc => svc.Options.DecisionFunctionShape == Svm.DecisionFunctionShape.Ovr,
            _ => true,
        };
    }

    /// <summary>
    /// The fold model's scores in the order of the whole target's classes: decision values (binary: the positive
    /// class's one column, in column 1) or probabilities.
    /// </summary>
    internal static Matrix Scores(IClassifier model, Table features, ClassLabels labels, bool decision)
    {
        if (decision)
        {
            var values = DecisionScores.Compute(model, features);
            if (labels.Count == 2)
            {
                var binary = new Matrix(features.RowCount, 2);
                for (int i = 0; i < values.Rows; i++)
                {
                    binary[i, 1] = values[i, 0];
                }

                return binary;
            }

            return InLabelOrder(model.Classes, values, labels);
        }

        return InLabelOrder(model.Classes, model.PredictProba(features), labels);
    }

    private static Matrix InLabelOrder(Column modelClasses, Matrix values, ClassLabels labels)
    {
        var result = new Matrix(values.Rows, labels.Count);
        for (int k = 0; k < modelClasses.Length; k++)
        {
            int target = labels.IndexOf(modelClasses.FormatValue(k)!);
            for (int i = 0; i < values.Rows; i++)
            {
                result[i, target] = values[i, k];
            }
        }

        return result;
    }

    private static IClassifier AsClassifier(IModel model) => model as IClassifier
        ?? throw new HyperparameterException("estimator", $"calibration needs a classifier; {model.Kind} does not predict class probabilities");

    private ICalibrator[] FitCalibrators(Matrix scores, int[] codes, int classes)
    {
        // Binary problems calibrate the positive class only (scikit-learn does the same).
        int first = classes == 2 ? 1 : 0;
        var calibrators = new ICalibrator[classes - first];
        for (int k = first; k < classes; k++)
        {
            double[] s = scores.Column(k);
            bool[] positive = [.. codes.Select(c => c == k)];
            calibrators[k - first] = Options.Method == CalibrationMethod.Sigmoid
                ? SigmoidCalibrator.Fit(s, positive)
                : IsotonicCalibrator.Fit(s, [.. positive.Select(p => p ? 1.0 : 0.0)], yMin: 0, yMax: 1);
        }

        return calibrators;
    }
}

/// <summary>A fitted <see cref="CalibratedClassifier"/>: the fold models with their calibrators, probabilities averaged over them.</summary>
public sealed class CalibratedClassifierModel : FittedModel<CalibratedClassifierOptions>, IClassifier, ICompositeModel
{
    private readonly ClassLabels _labels;

    internal CalibratedClassifierModel(CalibratedClassifierOptions options, Schema inputSchema, Column classes, IReadOnlyList<CalibratedMember> members)
        : base(options, inputSchema)
    {
        Classes = classes;
        Members = members;
        _labels = ClassLabels.FromClasses(classes);
    }

    /// <inheritdoc />
    public override string Kind => CalibratedClassifier.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    /// <summary>The calibrated classifiers (one per fold with ensembling, else one).</summary>
    public IReadOnlyList<CalibratedMember> Members { get; }

    /// <inheritdoc />
    public IEnumerable<(string Name, IModel Model)> Children => Members.Select((m, i) => (string.Create(CultureInfo.InvariantCulture, $"fold{i}"), (IModel)m.Model));

    /// <inheritdoc />
    public Matrix PredictProba(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        int k = Classes.Length;
        var total = new Matrix(features.RowCount, k);
        foreach (var (model, calibrators, decision) in Members)
        {
            var scores = CalibratedClassifier.Scores(model, features, _labels, decision);
            var p = new double[k];
            for (int i = 0; i < features.RowCount; i++)
            {
                if (k == 2)
                {
                    p[1] = calibrators[0].Calibrate(scores[i, 1]);
                    p[0] = 1 - p[1];
                }
                else
                {
                    double sum = 0;
                    for (int c = 0; c < k; c++)
                    {
                        p[c] = calibrators[c].Calibrate(scores[i, c]);
                        sum += p[c];
                    }

                    for (int c = 0; c < k; c++)
                    {
                        p[c] = sum == 0 ? 1.0 / k : p[c] / sum;
                    }
                }

                for (int c = 0; c < k; c++)
                {
                    // scikit-learn rounds probabilities that exceed 1 by at most 1e-5 down to 1.
                    total[i, c] += (p[c] > 1 && p[c] <= 1 + 1e-5 ? 1.0 : p[c]) / Members.Count;
                }
            }
        }

        return total;
    }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var proba = PredictProba(features);
        var codes = new int[proba.Rows];
        for (int i = 0; i < codes.Length; i++)
        {
            var row = proba.Row(i);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            codes[i] = best;
        }

        return _labels.Decode(codes, "prediction");
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        writer.Write("members", Members.Select(m => (IModel)m.Model).ToList());
        for (int i = 0; i < Members.Count; i++)
        {
            var child = writer.Child(string.Create(CultureInfo.InvariantCulture, $"calibrators{i}"));
            var calibrators = Members[i].Calibrators;
            child.Write("count", calibrators.Length);
            child.Write("decision_function", Members[i].DecisionFunction);
            for (int c = 0; c < calibrators.Length; c++)
            {
                string key = c.ToString(CultureInfo.InvariantCulture);
                switch (calibrators[c])
                {
                    case SigmoidCalibrator s:
                        child.Write("a" + key, s.A);
                        child.Write("b" + key, s.B);
                        break;
                    case IsotonicCalibrator iso:
                        child.Write("x" + key, iso.X);
                        child.Write("y" + key, iso.Y);
                        break;
                }
            }
        }
    }

    internal static CalibratedClassifierModel Load(ModelReader reader)
    {
        var options = reader.ReadOptions<CalibratedClassifierOptions>();
        var classes = reader.ReadColumn("classes");
        var models = reader.ReadModels("members");
        var members = new List<CalibratedMember>();
        for (int i = 0; i < models.Count; i++)
        {
            var child = reader.Child(string.Create(CultureInfo.InvariantCulture, $"calibrators{i}"));
            var calibrators = new ICalibrator[child.ReadInt32("count")];
            for (int c = 0; c < calibrators.Length; c++)
            {
                string key = c.ToString(CultureInfo.InvariantCulture);
                calibrators[c] = options.Method == CalibrationMethod.Sigmoid
                    ? new SigmoidCalibrator(child.ReadDouble("a" + key), child.ReadDouble("b" + key))
                    : new IsotonicCalibrator(child.ReadDoubles("x" + key), child.ReadDoubles("y" + key));
            }

            // Files written before decision functions were calibrated lack the flag: they calibrated probabilities.
            bool decision = child.Has("decision_function") && child.ReadBoolean("decision_function");
            members.Add(new CalibratedMember(models[i] as IClassifier ?? throw reader.Corrupt("a calibrated member is not a classifier"), calibrators, decision));
        }

        return new CalibratedClassifierModel(options, reader.ReadSchema("input_schema"), classes, members);
    }
}

/// <summary>One calibrated classifier of a <see cref="CalibratedClassifierModel"/>.</summary>
/// <param name="Model">The fitted classifier.</param>
/// <param name="Calibrators">One calibrator per class (binary problems: one, for the positive class).</param>
/// <param name="DecisionFunction">Whether the calibrators map the model's decision function (true) or its probabilities.</param>
public sealed record CalibratedMember(IClassifier Model, ICalibrator[] Calibrators, bool DecisionFunction);

/// <summary>A reliability diagram's points: in each non-empty bin, the fraction of positives and the mean predicted probability.</summary>
/// <param name="FractionOfPositives">Fraction of positive rows per bin (scikit-learn's <c>prob_true</c>).</param>
/// <param name="MeanPredictedProbability">Mean predicted probability per bin (<c>prob_pred</c>).</param>
/// <param name="Counts">Rows per bin.</param>
public sealed record CalibrationCurve(double[] FractionOfPositives, double[] MeanPredictedProbability, int[] Counts)
{
    /// <summary>
    /// Bins predicted probabilities of the positive class into <paramref name="bins"/> equal-width bins on [0, 1] (or
    /// quantile bins with <paramref name="quantile"/>), as scikit-learn's <c>calibration_curve</c>; empty bins are left out.
    /// </summary>
    public static CalibrationCurve Compute(IReadOnlyList<bool> positive, IReadOnlyList<double> probability, int bins = 5, bool quantile = false)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(probability);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        int n = probability.Count;
        if (n == 0 || positive.Count != n)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"A calibration curve needs one outcome per probability and at least one row (got {positive.Count} outcomes, {n} probabilities)"));
        }

        if (probability.Any(p => !(p >= 0 && p <= 1)))
        {
            throw new DataValidationException("Predicted probabilities must be between 0 and 1");
        }

        double step = 1.0 / bins;
        var edges = new double[bins + 1];
        if (quantile)
        {
            double[] sorted = [.. probability.Order()];
            for (int i = 0; i <= bins; i++)
            {
                double q = i == bins ? 1.0 : i * step;
                edges[i] = Percentile(sorted, q * 100 / 100);
            }
        }
        else
        {
            for (int i = 0; i < bins; i++)
            {
                edges[i] = i * step;
            }

            edges[bins] = 1.0;
        }

        var sums = new double[bins + 1];
        var trues = new double[bins + 1];
        var counts = new int[bins + 1];
        for (int r = 0; r < n; r++)
        {
            // Index of the first inner edge >= p (NumPy's searchsorted, side='left').
            int bin = 0;
            while (bin < bins - 1 && edges[bin + 1] < probability[r])
            {
                bin++;
            }

            sums[bin] += probability[r];
            trues[bin] += positive[r] ? 1 : 0;
            counts[bin]++;
        }

        int[] used = [.. Enumerable.Range(0, bins + 1).Where(b => counts[b] > 0)];
        return new CalibrationCurve([.. used.Select(b => trues[b] / counts[b])], [.. used.Select(b => sums[b] / counts[b])], [.. used.Select(b => counts[b])]);
    }

    // NumPy's default ("linear") percentile of sorted values.
    private static double Percentile(double[] sorted, double q)
    {
        double index = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(index);
        if (lo >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        double t = index - lo, a = sorted[lo], b = sorted[lo + 1], diff = b - a;
        return t >= 0.5 ? b - (diff * (1 - t)) : a + (diff * t);
    }
}
