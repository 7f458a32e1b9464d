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
/// The features are kept column-major so that scores (Σⱼ wⱼ·column ⱼ) and gradients (residuals · column ⱼ) are long
/// SIMD kernels over contiguous rows rather than many short ones.
/// </summary>
internal sealed class LogisticObjective
{
    // Rows are cut into a number of blocks that depends only on n (never on the thread count); each block sums into its
    // own buffer and the buffers are added in block order: parallel, yet bit-for-bit the same on any machine.
    private const int MinBlockRows = 512;
    private const int MaxBlocks = 32;

    private readonly double[] _columns;
    private readonly int[] _y;
    private readonly double[] _weights;
    private readonly int _n;
    private readonly int _p;
    private readonly int _k;
    private readonly bool _fitIntercept;
    private readonly double _l2;
    private readonly int _stride;
    private readonly int _blocks;
    private readonly int _blockRows;
    private readonly double[][] _blockGradients;
    private readonly double[][] _blockScores;
    private readonly double[][] _blockWork;

    public LogisticObjective(Matrix x, int[] y, double[] weights, int k, bool fitIntercept, double l2)
    {
        _n = x.Rows;
        _p = x.Columns;
        _y = y;
        _weights = weights;
        _k = k;
        _fitIntercept = fitIntercept;
        _l2 = l2;
        _stride = _p + (fitIntercept ? 1 : 0);
        _columns = new double[_n * _p];
        for (int r = 0; r < _n; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < _p; c++)
            {
                _columns[(c * _n) + r] = row[c];
            }
        }

        _blocks = Math.Clamp((_n + MinBlockRows - 1) / MinBlockRows, 1, MaxBlocks);
        _blockRows = (_n + _blocks - 1) / _blocks;
        _blockGradients = [.. Enumerable.Range(0, _blocks).Select(_ => new double[Dimension])];
        _blockScores = [.. Enumerable.Range(0, _blocks).Select(_ => new double[_k * _blockRows])];
        _blockWork = [.. Enumerable.Range(0, _blocks).Select(_ => new double[3 * _blockRows])];
    }

    public int Dimension => _k * _stride;

    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double[] parameters = theta.ToArray();
        var losses = new double[_blocks];
        if (_blocks == 1)
        {
            losses[0] = EvaluateBlock(0, parameters);
        }
        else
        {
            Parallel.For(0, _blocks, b => losses[b] = EvaluateBlock(b, parameters));
        }

        gradient.Clear();
        double loss = 0;
        for (int b = 0; b < _blocks; b++)
        {
            loss += losses[b];
            TensorPrimitives.Add(gradient, _blockGradients[b], gradient);
        }

        if (_l2 > 0)
        {
            for (int c = 0; c < _k; c++)
            {
                var w = theta.Slice(c * _stride, _p);
                loss += 0.5 * _l2 * TensorPrimitives.Dot(w, w);
                var g = gradient.Slice(c * _stride, _p);
                TensorPrimitives.MultiplyAdd(w, _l2, g, g);
            }
        }

        return loss;
    }

    // Loss of the rows of block b; writes the block's gradient into _blockGradients[b].
    private double EvaluateBlock(int b, double[] theta)
    {
        int from = b * _blockRows, length = Math.Min(_n, from + _blockRows) - from;
        double[] scores = _blockScores[b];
        double[] gradient = _blockGradients[b];
        Array.Clear(gradient);
        if (length <= 0)
        {
            return 0;
        }

        // Scores, one contiguous run of rows per class: s_c = b_c + Σⱼ w_cj · column ⱼ. Column-outer order reads each
        // column slice once for all classes while it is in cache.
        for (int c = 0; c < _k; c++)
        {
            scores.AsSpan(c * length, length).Fill(_fitIntercept ? theta[(c * _stride) + _p] : 0.0);
        }

        for (int j = 0; j < _p; j++)
        {
            var column = _columns.AsSpan((j * _n) + from, length);
            for (int c = 0; c < _k; c++)
            {
                var s = scores.AsSpan(c * length, length);
                TensorPrimitives.MultiplyAdd(column, theta[(c * _stride) + j], s, s);
            }
        }

        // Loss per row; the scores are overwritten with the weighted residuals ∂loss/∂score.
        double loss = _k == 1 ? BinaryResiduals(scores.AsSpan(0, length), from) : SoftmaxResiduals(scores, length, from, b);

        // Gradient: residuals of each class against each column (column-outer, as above).
        for (int j = 0; j < _p; j++)
        {
            var column = _columns.AsSpan((j * _n) + from, length);
            for (int c = 0; c < _k; c++)
            {
                gradient[(c * _stride) + j] = TensorPrimitives.Dot(scores.AsSpan(c * length, length), column);
            }
        }

        if (_fitIntercept)
        {
            for (int c = 0; c < _k; c++)
            {
                gradient[(c * _stride) + _p] = TensorPrimitives.Sum(scores.AsSpan(c * length, length));
            }
        }

        return loss;
    }

    private double BinaryResiduals(Span<double> scores, int from)
    {
        double loss = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double weight = _weights[from + i], z = scores[i], target = _y[from + i] == 1 ? 1.0 : 0.0;
            loss += weight * (Softplus(z) - (target * z));
            scores[i] = weight * (Sigmoid(z) - target);
        }

        return loss;
    }

    // Multinomial: vectorised over the rows of the block, one class at a time (scores are stored class by class).
    private double SoftmaxResiduals(double[] scores, int length, int from, int block)
    {
        var work = _blockWork[block];
        var max = work.AsSpan(0, length);
        var sum = work.AsSpan(length, length);
        var own = work.AsSpan(2 * length, length);
        var weights = _weights.AsSpan(from, length);
        scores.AsSpan(0, length).CopyTo(max);
        for (int c = 1; c < _k; c++)
        {
            TensorPrimitives.Max(max, scores.AsSpan(c * length, length), max);
        }

        for (int c = 0; c < _k; c++)
        {
            var s = scores.AsSpan(c * length, length);
            TensorPrimitives.Subtract(s, max, s);
        }

        for (int i = 0; i < length; i++)
        {
            own[i] = scores[(_y[from + i] * length) + i];
        }

        var all = scores.AsSpan(0, _k * length);
        TensorPrimitives.Exp(all, all);
        scores.AsSpan(0, length).CopyTo(sum);
        for (int c = 1; c < _k; c++)
        {
            TensorPrimitives.Add(sum, scores.AsSpan(c * length, length), sum);
        }

        for (int c = 0; c < _k; c++)
        {
            var s = scores.AsSpan(c * length, length);
            TensorPrimitives.Divide(s, sum, s);
            TensorPrimitives.Multiply(s, weights, s);
        }

        for (int i = 0; i < length; i++)
        {
            scores[(_y[from + i] * length) + i] -= weights[i];
        }

        // loss_i = w_i · (log Σ_c exp(s_c − max) − (s_label − max)).
        TensorPrimitives.Log(sum, sum);
        TensorPrimitives.Subtract(sum, own, sum);
        return TensorPrimitives.Dot(sum, weights);
    }

    public (Matrix Coefficients, double[] Intercept) Unpack(ReadOnlySpan<double> theta)
    {
        var coef = new Matrix(_k, _p);
        var intercept = new double[_k];
        for (int c = 0; c < _k; c++)
        {
            theta.Slice(c * _stride, _p).CopyTo(coef.Row(c));
            intercept[c] = _fitIntercept ? theta[(c * _stride) + _p] : 0.0;
        }

        return (coef, intercept);
    }

    internal static double Sigmoid(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));

    // log(1 + e^z) without overflow.
    private static double Softplus(double z) => z > 0 ? z + Math.Log(1.0 + Math.Exp(-z)) : Math.Log(1.0 + Math.Exp(z));
}

/// <summary>A fitted <see cref="LogisticRegression"/>.</summary>
public sealed class LogisticRegressionModel : FittedModel<LogisticRegressionOptions>, IDecisionFunction
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

    /// <summary>
    /// The linear scores X·coefᵀ + intercept (scikit-learn's <c>decision_function</c>): one column (the log-odds of
    /// <c>Classes[1]</c>) for two classes, otherwise one column per class.
    /// </summary>
    public Matrix DecisionFunction(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var scores = features.ConformTo(InputSchema).ToMatrix().MultiplyTransposed(Coefficients);
        double[] intercept = [.. Intercept];
        for (int i = 0; i < scores.Rows; i++)
        {
            var s = scores.Row(i);
            TensorPrimitives.Add(s, intercept, s);
        }

        return scores;
    }

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
