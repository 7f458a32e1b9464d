using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Linear;

/// <summary>Loss of the SGD models (<c>loss</c>).</summary>
public enum SgdLoss
{
    /// <summary>Linear SVM: max(0, 1 − y·f) (classifier default).</summary>
    Hinge,

    /// <summary>Logistic regression loss; gives probabilities.</summary>
    LogLoss,

    /// <summary>Smoothed hinge, quadratic near the margin; gives probabilities.</summary>
    ModifiedHuber,

    /// <summary>½(y − f)² (regressor default).</summary>
    SquaredError,

    /// <summary>Squared error within <c>epsilon</c>, linear beyond.</summary>
    Huber,
}

/// <summary>Penalty of the SGD models (<c>penalty</c>).</summary>
public enum SgdPenalty
{
    /// <summary>½‖w‖².</summary>
    L2,

    /// <summary>‖w‖₁ (truncated with the cumulative penalty of Tsuruoka et al., 2009).</summary>
    L1,

    /// <summary>(1 − l1_ratio)·½‖w‖² + l1_ratio·‖w‖₁.</summary>
    Elasticnet,

    /// <summary>No penalty.</summary>
    None,
}

/// <summary>Step-size schedule of the SGD models (<c>learning_rate</c>).</summary>
public enum SgdLearningRate
{
    /// <summary>η = 1/(α(t₀ + t)) with Léon Bottou's heuristic t₀ (classifier default).</summary>
    Optimal,

    /// <summary>η = eta0 / t^power_t (regressor default).</summary>
    Invscaling,

    /// <summary>η = eta0.</summary>
    Constant,
}

/// <summary>Hyperparameters shared by <see cref="SgdClassifier"/> and <see cref="SgdRegressor"/> (scikit-learn's names).</summary>
public abstract record SgdOptions : EstimatorOptions
{
    /// <summary>The loss (<c>loss</c>).</summary>
    public abstract SgdLoss Loss { get; init; }

    /// <summary>The penalty (<c>penalty</c>).</summary>
    public SgdPenalty Penalty { get; init; } = SgdPenalty.L2;

    /// <summary>Penalty strength (<c>alpha</c>).</summary>
    public double Alpha { get; init; } = 1e-4;

    /// <summary>Elastic-net mixing (<c>l1_ratio</c>).</summary>
    public double L1Ratio { get; init; } = 0.15;

    /// <summary>Fit an intercept (<c>fit_intercept</c>).</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Maximum passes over the data (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Stop when an epoch's summed loss fails to improve by tol·n for <c>n_iter_no_change</c> epochs (<c>tol</c>); null never stops early.</summary>
    public double? Tol { get; init; } = 1e-3;

    /// <summary>Shuffle the rows each epoch (<c>shuffle</c>).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Threshold of the huber loss (<c>epsilon</c>).</summary>
    public double Epsilon { get; init; } = 0.1;

    /// <summary>Seed of the shuffling (<c>random_state</c>); default 0 so fits are reproducible.</summary>
    public int? RandomState { get; init; }

    /// <summary>The schedule (<c>learning_rate</c>).</summary>
    public abstract SgdLearningRate LearningRate { get; init; }

    /// <summary>Initial step for constant/invscaling (<c>eta0</c>).</summary>
    public abstract double Eta0 { get; init; }

    /// <summary>Exponent of invscaling (<c>power_t</c>).</summary>
    public abstract double PowerT { get; init; }

    /// <summary>Epochs without improvement before stopping (<c>n_iter_no_change</c>).</summary>
    public int NIterNoChange { get; init; } = 5;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Alpha >= 0) || !double.IsFinite(Alpha) || (Alpha == 0 && LearningRate == SgdLearningRate.Optimal))
        {
            throw new HyperparameterException("alpha", "must be a non-negative number (positive with learning_rate=optimal)");
        }

        if (!(L1Ratio >= 0 && L1Ratio <= 1))
        {
            throw new HyperparameterException("l1_ratio", "must be between 0 and 1");
        }

        if (MaxIter < 1 || NIterNoChange < 1)
        {
            throw new HyperparameterException(MaxIter < 1 ? "max_iter" : "n_iter_no_change", "must be at least 1");
        }

        if (LearningRate != SgdLearningRate.Optimal && !(Eta0 > 0))
        {
            throw new HyperparameterException("eta0", "must be positive with learning_rate constant or invscaling");
        }

        if (!(Epsilon >= 0))
        {
            throw new HyperparameterException("epsilon", "must be non-negative");
        }
    }
}

/// <summary>Hyperparameters of <see cref="SgdClassifier"/> (scikit-learn's <c>SGDClassifier</c>).</summary>
public sealed record SgdClassifierOptions : SgdOptions
{
    /// <inheritdoc />
    public override SgdLoss Loss { get; init; } = SgdLoss.Hinge;

    /// <inheritdoc />
    public override SgdLearningRate LearningRate { get; init; } = SgdLearningRate.Optimal;

    /// <inheritdoc />
    public override double Eta0 { get; init; }

    /// <inheritdoc />
    public override double PowerT { get; init; } = 0.5;

    /// <summary>Per-class weights (<c>class_weight</c>).</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Loss is SgdLoss.SquaredError or SgdLoss.Huber)
        {
            throw new HyperparameterException("loss", "use hinge, log_loss or modified_huber for classification (squared_error and huber are for SGDRegressor)");
        }
    }
}

/// <summary>Hyperparameters of <see cref="SgdRegressor"/> (scikit-learn's <c>SGDRegressor</c>).</summary>
public sealed record SgdRegressorOptions : SgdOptions
{
    /// <inheritdoc />
    public override SgdLoss Loss { get; init; } = SgdLoss.SquaredError;

    /// <inheritdoc />
    public override SgdLearningRate LearningRate { get; init; } = SgdLearningRate.Invscaling;

    /// <inheritdoc />
    public override double Eta0 { get; init; } = 0.01;

    /// <inheritdoc />
    public override double PowerT { get; init; } = 0.25;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Loss is not (SgdLoss.SquaredError or SgdLoss.Huber))
        {
            throw new HyperparameterException("loss", "use squared_error or huber for regression");
        }
    }
}

/// <summary>
/// A linear classifier trained by stochastic gradient descent (scikit-learn's <c>SGDClassifier</c>; Bottou,
/// "Stochastic gradient descent tricks", 2012): one binary problem per class (one-vs-rest) for more than two classes,
/// plain SGD over shuffled rows with scikit-learn's step schedules, a scaled weight vector for the L2 shrinkage and
/// the cumulative L1 penalty of Tsuruoka, Tsujii and Ananiadou (2009). Probabilities for log_loss and modified_huber.
/// </summary>
public sealed class SgdClassifier(SgdClassifierOptions? options = null)
    : Estimator<SgdClassifierOptions, SgdClassifierModel>(options ?? new SgdClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "sgd_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override SgdClassifierModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var input = ClassificationInputs.Read(features, target, context, "SGDClassifier");
        int k = input.Labels.Count, problems = k == 2 ? 1 : k;
        double[] perClass = Options.ClassWeight?.Compute(input.Labels, input.Y) ?? Enumerable.Repeat(1.0, k).ToArray();
        var coef = new Matrix(problems, input.X.Columns);
        var intercept = new double[problems];
        int iterations = 0;
        for (int m = 0; m < problems; m++)
        {
            int positive = k == 2 ? 1 : m;
            var y = new double[input.X.Rows];
            var weights = new double[y.Length];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = input.Y[i] == positive ? 1.0 : -1.0;
                weights[i] = (input.Weights?[i] ?? 1.0) * (k == 2 ? perClass[input.Y[i]] : (y[i] > 0 ? perClass[positive] : 1.0));
            }

            var (w, b, epochs) = SgdSolver.Run(input.X, y, weights, Options, context.CancellationToken);
            w.CopyTo(coef.Row(m));
            intercept[m] = b;
            iterations = Math.Max(iterations, epochs);
        }

        context.Progress?.Report(new FitProgress(Kind, iterations, Options.MaxIter, null));
        return new SgdClassifierModel(Options, features.Schema, input.Labels.Classes, coef, intercept, iterations);
    }
}

/// <summary>A fitted <see cref="SgdClassifier"/>; feature importances are |coef| summed over classes.</summary>
public sealed class SgdClassifierModel : LinearClassifierModel<SgdClassifierOptions>
{
    internal SgdClassifierModel(SgdClassifierOptions options, Schema inputSchema, Column classes, Matrix coefficients, double[] intercept, int iterations)
        : base(options, inputSchema, classes, coefficients, intercept, iterations)
    {
    }

    /// <inheritdoc />
    public override string Kind => SgdClassifier.KindName;

    /// <inheritdoc />
    public override bool SupportsProbabilities => Options.Loss is SgdLoss.LogLoss or SgdLoss.ModifiedHuber;

    /// <summary>
    /// log_loss: the sigmoid of each score (normalised over classes for one-vs-rest); modified_huber: (clip(f, −1, 1) + 1)/2,
    /// normalised, uniform where all are zero — as scikit-learn does.
    /// </summary>
    private protected override Matrix PredictProba(Matrix decision)
    {
        if (!SupportsProbabilities)
        {
            throw ClassifierCapabilities.NoProbabilities($"SGDClassifier with loss={Options.Loss}", "Use loss=log_loss or loss=modified_huber");
        }

        int k = Classes.Length;
        var proba = new Matrix(decision.Rows, k);
        for (int r = 0; r < decision.Rows; r++)
        {
            var row = proba.Row(r);
            if (decision.Columns == 1)
            {
                double p1 = Options.Loss == SgdLoss.LogLoss ? LogisticObjective.Sigmoid(decision[r, 0]) : (Math.Clamp(decision[r, 0], -1, 1) + 1) / 2;
                row[0] = 1 - p1;
                row[1] = p1;
                continue;
            }

            double sum = 0;
            for (int c = 0; c < k; c++)
            {
                row[c] = Options.Loss == SgdLoss.LogLoss ? LogisticObjective.Sigmoid(decision[r, c]) : (Math.Clamp(decision[r, c], -1, 1) + 1) / 2;
                sum += row[c];
            }

            for (int c = 0; c < k; c++)
            {
                row[c] = sum == 0 ? 1.0 / k : row[c] / sum;
            }
        }

        return proba;
    }

    internal static SgdClassifierModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new SgdClassifierModel(s.Options, s.Schema, s.Classes, s.Coef, s.Intercept, s.Iterations);
    }
}

/// <summary>A linear regressor trained by stochastic gradient descent (scikit-learn's <c>SGDRegressor</c>), with the same solver as <see cref="SgdClassifier"/>.</summary>
public sealed class SgdRegressor(SgdRegressorOptions? options = null)
    : Estimator<SgdRegressorOptions, SgdRegressorModel>(options ?? new SgdRegressorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "sgd_regressor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override SgdRegressorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var (y, weights) = RegressionInputs.Read(features, target, context, "SGDRegressor");
        var x = features.ToMatrix();
        var (w, b, epochs) = SgdSolver.Run(x, y, weights ?? Enumerable.Repeat(1.0, y.Length).ToArray(), Options, context.CancellationToken);
        context.Progress?.Report(new FitProgress(Kind, epochs, Options.MaxIter, null));
        return new SgdRegressorModel(Options, features.Schema, target!.Name, w, b, epochs);
    }
}

/// <summary>A fitted <see cref="SgdRegressor"/>.</summary>
public sealed class SgdRegressorModel : LinearRegressorModel<SgdRegressorOptions>
{
    internal SgdRegressorModel(SgdRegressorOptions options, Schema inputSchema, string targetName, double[] coefficients, double intercept, int iterations)
        : base(options, inputSchema, targetName, coefficients, intercept, iterations)
    {
    }

    /// <inheritdoc />
    public override string Kind => SgdRegressor.KindName;

    internal static SgdRegressorModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new SgdRegressorModel(s.Options, s.Schema, s.Target, s.Coef, s.Intercept, s.Iterations);
    }
}

/// <summary>scikit-learn's <c>_plain_sgd</c> for one binary or regression problem.</summary>
internal static class SgdSolver
{
    public static (double[] W, double B, int Epochs) Run(Matrix x, double[] y, double[] weights, SgdOptions o, CancellationToken cancellationToken)
    {
        int n = x.Rows, p = x.Columns;
        var w = new double[p];
        var q = new double[p]; // L1 penalty applied so far, per coefficient.
        double wscale = 1.0, b = 0, u = 0;
        double l1Ratio = o.Penalty switch { SgdPenalty.L1 => 1.0, SgdPenalty.L2 => 0.0, SgdPenalty.None => 0.0, _ => o.L1Ratio };
        double alpha = o.Penalty == SgdPenalty.None ? 0.0 : o.Alpha;
        double optimalInit = 0;
        if (o.LearningRate == SgdLearningRate.Optimal)
        {
            // Bottou's heuristic: the step that would be taken at a typical weight.
            double typw = Math.Sqrt(1.0 / Math.Sqrt(o.Alpha));
            double eta0 = typw / Math.Max(1.0, Derivative(o, -typw, 1.0));
            optimalInit = 1.0 / (eta0 * o.Alpha);
        }

        int[] order = [.. Enumerable.Range(0, n)];
        var random = new Random(o.RandomState ?? 0);
        double bestLoss = double.PositiveInfinity, t = 1;
        int noImprovement = 0, epoch = 0;
        for (; epoch < o.MaxIter; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (o.Shuffle)
            {
                random.Shuffle(order);
            }

            double sumLoss = 0;
            foreach (int i in order)
            {
                var xi = x.Row(i);
                double prediction = (System.Numerics.Tensors.TensorPrimitives.Dot<double>(w, xi) * wscale) + b;
                double eta = o.LearningRate switch
                {
                    SgdLearningRate.Optimal => 1.0 / (o.Alpha * (optimalInit + t - 1)),
                    SgdLearningRate.Invscaling => o.Eta0 / Math.Pow(t, o.PowerT),
                    _ => o.Eta0,
                };
                sumLoss += Loss(o, prediction, y[i]);
                double update = -eta * Derivative(o, prediction, y[i]) * weights[i];
                if (l1Ratio < 1 && alpha > 0)
                {
                    wscale *= Math.Max(0, 1.0 - ((1.0 - l1Ratio) * eta * alpha));
                }

                if (update != 0)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<double>(xi, update / wscale, w, w);
                    if (o.FitIntercept)
                    {
                        b += update;
                    }
                }

                if (l1Ratio > 0 && alpha > 0)
                {
                    u += l1Ratio * eta * alpha;
                    for (int j = 0; j < p; j++)
                    {
                        double z = w[j];
                        w[j] = z > 0 ? Math.Max(0, w[j] - ((u + q[j]) / wscale)) : z < 0 ? Math.Min(0, w[j] + ((u - q[j]) / wscale)) : z;
                        q[j] += wscale * (w[j] - z);
                    }
                }

                if (wscale < 1e-9)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply<double>(w, wscale, w);
                    wscale = 1.0;
                }

                t++;
            }

            if (o.Tol is { } tol)
            {
                noImprovement = sumLoss > bestLoss - (tol * n) ? noImprovement + 1 : 0;
                bestLoss = Math.Min(bestLoss, sumLoss);
                if (noImprovement >= o.NIterNoChange)
                {
                    epoch++;
                    break;
                }
            }
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply<double>(w, wscale, w);
        return (w, b, Math.Min(epoch, o.MaxIter));
    }

    private static double Loss(SgdOptions o, double p, double y)
    {
        double z = p * y, r = p - y;
        return o.Loss switch
        {
            SgdLoss.Hinge => Math.Max(0, 1 - z),
            SgdLoss.LogLoss => z > 18 ? Math.Exp(-z) : z < -18 ? -z : Math.Log(1 + Math.Exp(-z)),
            SgdLoss.ModifiedHuber => z >= 1 ? 0 : z >= -1 ? (1 - z) * (1 - z) : -4 * z,
            SgdLoss.SquaredError => 0.5 * r * r,
            _ => Math.Abs(r) <= o.Epsilon ? 0.5 * r * r : (o.Epsilon * Math.Abs(r)) - (0.5 * o.Epsilon * o.Epsilon),
        };
    }

    private static double Derivative(SgdOptions o, double p, double y)
    {
        double z = p * y, r = p - y;
        return o.Loss switch
        {
            SgdLoss.Hinge => z <= 1 ? -y : 0,
            SgdLoss.LogLoss => z > 18 ? Math.Exp(-z) * -y : z < -18 ? -y : -y / (Math.Exp(z) + 1),
            SgdLoss.ModifiedHuber => z >= 1 ? 0 : z >= -1 ? 2 * (1 - z) * -y : -4 * y,
            SgdLoss.SquaredError => r,
            _ => Math.Abs(r) <= o.Epsilon ? r : o.Epsilon * Math.Sign(r),
        };
    }
}
