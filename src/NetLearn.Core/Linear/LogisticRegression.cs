using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Optimization;
using NetLearn.Validation;

namespace NetLearn.Linear;

/// <summary>Regularisation of <see cref="LogisticRegression"/>.</summary>
public enum Penalty
{
    /// <summary>Squared L2 norm of the coefficients, weighted by 1/(2C).</summary>
    L2,

    /// <summary>No penalty (maximum likelihood; may diverge on separable data).</summary>
    None,
}

/// <summary>Hyperparameters of <see cref="LogisticRegression"/> (scikit-learn's names and defaults, solver lbfgs).</summary>
public sealed record LogisticRegressionOptions : EstimatorOptions
{
    /// <summary>Regularisation (<c>penalty</c>).</summary>
    public Penalty Penalty { get; init; } = Penalty.L2;

    /// <summary>Inverse regularisation strength (<c>C</c>); smaller is stronger.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("C")]
    public double C { get; init; } = 1.0;

    /// <summary>Fit intercepts (<c>fit_intercept</c>); they are never penalised.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Iteration limit of the solver (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Stop when the largest gradient component is at most this (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Per-class weights (<c>class_weight</c>): <c>null</c>, balanced, or by label.</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(C > 0) || !double.IsFinite(C))
        {
            throw new HyperparameterException("C", "must be a positive number (for example 1.0); smaller values regularise more");
        }

        if (MaxIter < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1");
        }

        if (!(Tol >= 0) || !double.IsFinite(Tol))
        {
            throw new HyperparameterException("tol", "must be a non-negative number");
        }
    }
}

/// <summary>
/// Logistic regression (scikit-learn's <c>LogisticRegression</c> with the lbfgs solver): two classes use one sigmoid
/// model, more classes the multinomial (softmax) model. Minimises Σ sᵢ·logloss(xᵢ) + ‖W‖²/(2C) with L-BFGS, where sᵢ
/// combines sample and class weights, as scikit-learn 1.2 does.
/// </summary>
public sealed class LogisticRegression(LogisticRegressionOptions? options = null)
    : Estimator<LogisticRegressionOptions, LogisticRegressionModel>(options ?? new LogisticRegressionOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "logistic_regression";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override LogisticRegressionModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        Checks.NotEmpty(features, "LogisticRegression");
        var y = Checks.Target(features, target, "LogisticRegression");
        var labels = ClassLabels.FromTarget(y);
        if (labels.Count < 2)
        {
            throw new DataValidationException(
                $"The target has only one class ('{labels.Classes.FormatValue(0)}'); a classifier needs at least two. Check the target column and any filters",
                column: y.Name);
        }

        int[] classes = labels.Encode(y);
        var x = features.ToMatrix();
        double[] weights = Checks.SampleWeight(context.SampleWeight, x.Rows) ?? Enumerable.Repeat(1.0, x.Rows).ToArray();
        if (Options.ClassWeight is { } classWeight)
        {
            double[] perClass = classWeight.Compute(labels, classes);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] *= perClass[classes[i]];
            }
        }

        int k = labels.Count == 2 ? 1 : labels.Count;
        var problem = new LogisticObjective(x, classes, weights, k, Options.FitIntercept, Options.Penalty == Penalty.L2 ? 1.0 / Options.C : 0.0);
        var settings = new LbfgsSettings { GradientTolerance = Options.Tol, MaxIterations = Options.MaxIter };
        var result = Lbfgs.Minimize(
            problem.Evaluate,
            new double[problem.Dimension],
            settings,
            (iteration, loss) => context.Progress?.Report(new FitProgress(Kind, iteration, Options.MaxIter, loss)),
            context.CancellationToken);

        var (coef, intercept) = problem.Unpack(result.X);
        return new LogisticRegressionModel(Options, features.Schema, labels.Classes, coef, intercept, result.Iterations, result.Converged);
    }
}

/// <summary>
/// The penalised, weighted log-loss of a linear model and its gradient. Parameters are laid out per class:
/// [w₀ (p values), b₀, w₁, b₁, …] (the bias only with an intercept). k = 1 is the binary sigmoid model.
/// </summary>
internal sealed class LogisticObjective(Matrix x, int[] y, double[] weights, int k, bool fitIntercept, double l2)
{
    private readonly int _stride = x.Columns + (fitIntercept ? 1 : 0);

    public int Dimension => k * _stride;

    // Rows are cut into a number of blocks that depends only on n (never on the thread count), each block sums into its
    // own buffer, and buffers are added in block order: parallel, yet bit-for-bit the same on any machine.
    private const int MinBlockRows = 256;
    private const int MaxBlocks = 64;
    private double[][]? _blockGradients;

    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        gradient.Clear();
        int p = x.Columns;
        int blocks = Math.Clamp((x.Rows + MinBlockRows - 1) / MinBlockRows, 1, MaxBlocks);
        double loss;
        if (blocks == 1)
        {
            loss = EvaluateRows(0, x.Rows, theta, gradient);
        }
        else
        {
            _blockGradients ??= [.. Enumerable.Range(0, blocks).Select(_ => new double[Dimension])];
            var losses = new double[blocks];
            var parameters = theta.ToArray();
            int blockRows = (x.Rows + blocks - 1) / blocks;
            Parallel.For(0, blocks, b =>
            {
                var partial = _blockGradients[b];
                Array.Clear(partial);
                losses[b] = EvaluateRows(b * blockRows, Math.Min(x.Rows, (b + 1) * blockRows), parameters, partial);
            });
            loss = 0;
            for (int b = 0; b < blocks; b++)
            {
                loss += losses[b];
                TensorPrimitives.Add(gradient, _blockGradients[b], gradient);
            }
        }

        if (l2 > 0)
        {
            for (int c = 0; c < k; c++)
            {
                var w = theta.Slice(c * _stride, p);
                loss += 0.5 * l2 * TensorPrimitives.Dot(w, w);
                var g = gradient.Slice(c * _stride, p);
                TensorPrimitives.MultiplyAdd(w, l2, g, g);
            }
        }

        return loss;
    }

    private double EvaluateRows(int from, int to, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int p = x.Columns;
        Span<double> raw = stackalloc double[k];
        double loss = 0;
        for (int i = from; i < to; i++)
        {
            if (weights[i] == 0)
            {
                continue;
            }

            var row = x.Row(i);
            for (int c = 0; c < k; c++)
            {
                var w = theta.Slice(c * _stride, p);
                raw[c] = TensorPrimitives.Dot(row, w) + (fitIntercept ? theta[(c * _stride) + p] : 0.0);
            }

            if (k == 1)
            {
                double z = raw[0];
                double target = y[i] == 1 ? 1.0 : 0.0;
                loss += weights[i] * (Softplus(z) - (target * z));
                double residual = weights[i] * (Sigmoid(z) - target);
                AddRow(gradient, 0, row, residual, p);
            }
            else
            {
                double max = TensorPrimitives.Max<double>(raw);
                double sum = 0;
                for (int c = 0; c < k; c++)
                {
                    sum += Math.Exp(raw[c] - max);
                }

                double logSum = max + Math.Log(sum);
                loss += weights[i] * (logSum - raw[y[i]]);
                for (int c = 0; c < k; c++)
                {
                    double residual = weights[i] * (Math.Exp(raw[c] - logSum) - (c == y[i] ? 1.0 : 0.0));
                    AddRow(gradient, c, row, residual, p);
                }
            }
        }

        return loss;
    }

    public (Matrix Coefficients, double[] Intercept) Unpack(ReadOnlySpan<double> theta)
    {
        var coef = new Matrix(k, x.Columns);
        var intercept = new double[k];
        for (int c = 0; c < k; c++)
        {
            theta.Slice(c * _stride, x.Columns).CopyTo(coef.Row(c));
            intercept[c] = fitIntercept ? theta[(c * _stride) + x.Columns] : 0.0;
        }

        return (coef, intercept);
    }

    private void AddRow(Span<double> gradient, int c, ReadOnlySpan<double> row, double residual, int p)
    {
        var g = gradient.Slice(c * _stride, p);
        TensorPrimitives.MultiplyAdd(row, residual, g, g);
        if (fitIntercept)
        {
            gradient[(c * _stride) + p] += residual;
        }
    }

    internal static double Sigmoid(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));

    // log(1 + e^z) without overflow.
    private static double Softplus(double z) => z > 0 ? z + Math.Log(1.0 + Math.Exp(-z)) : Math.Log(1.0 + Math.Exp(z));
}

/// <summary>A fitted <see cref="LogisticRegression"/>.</summary>
public sealed class LogisticRegressionModel : FittedModel<LogisticRegressionOptions>, IClassifier
{
    internal LogisticRegressionModel(LogisticRegressionOptions options, Schema inputSchema, Column classes, Matrix coefficients, double[] intercept, int iterations, bool converged)
        : base(options, inputSchema)
    {
        Classes = classes;
        Coefficients = coefficients;
        Intercept = intercept;
        Iterations = iterations;
        Converged = converged;
        Labels = ClassLabels.FromClasses(classes);
    }

    /// <inheritdoc />
    public override string Kind => LogisticRegression.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    /// <summary>
    /// Coefficients (scikit-learn's <c>coef_</c>): one row for two classes (the log-odds of <c>Classes[1]</c>),
    /// otherwise one row per class; columns follow <c>FeatureNames</c>.
    /// </summary>
    public Matrix Coefficients { get; }

    /// <summary>Intercepts (<c>intercept_</c>), one per coefficient row.</summary>
    public IReadOnlyList<double> Intercept { get; }

    /// <summary>Solver iterations used (<c>n_iter_</c>).</summary>
    public int Iterations { get; }

    /// <summary>Whether the solver met <c>tol</c> within <c>max_iter</c>; when false, raise <c>max_iter</c> or scale the features.</summary>
    public bool Converged { get; }

    private ClassLabels Labels { get; }

    /// <inheritdoc />
    public Matrix PredictProba(Table features) => PredictProba(features.ConformTo(InputSchema).ToMatrix());

    /// <summary>Class probabilities from a numeric matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public Matrix PredictProba(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var scores = features.MultiplyTransposed(Coefficients);
        var proba = new Matrix(features.Rows, Classes.Length);
        double[] intercept = [.. Intercept];
        for (int i = 0; i < features.Rows; i++)
        {
            var s = scores.Row(i);
            TensorPrimitives.Add(s, intercept, s);
            var target = proba.Row(i);
            if (Coefficients.Rows == 1)
            {
                double p1 = LogisticObjective.Sigmoid(s[0]);
                target[0] = 1.0 - p1;
                target[1] = p1;
            }
            else
            {
                // Shift by the maximum so that exp cannot overflow.
                TensorPrimitives.Subtract(s, TensorPrimitives.Max<double>(s), target);
                TensorPrimitives.Exp<double>(target, target);
                TensorPrimitives.Divide(target, TensorPrimitives.Sum<double>(target), target);
            }
        }

        return proba;
    }

    /// <inheritdoc />
    public Column Predict(Table features) => Labels.Decode(ArgMax(PredictProba(features)), Classes.Name);

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        writer.Write("coef", Coefficients);
        writer.Write("intercept", Intercept.ToArray());
        writer.Write("n_iter", Iterations);
        writer.Write("converged", Converged);
    }

    internal static LogisticRegressionModel Load(ModelReader reader) => new(
        reader.ReadOptions<LogisticRegressionOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadColumn("classes"),
        reader.ReadMatrix("coef"),
        reader.ReadDoubles("intercept"),
        reader.ReadInt32("n_iter"),
        reader.ReadBoolean("converged"));

    internal static int[] ArgMax(Matrix proba)
    {
        var result = new int[proba.Rows];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = TensorPrimitives.IndexOfMax<double>(proba.Row(i));
        }

        return result;
    }
}
