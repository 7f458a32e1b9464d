using System.Globalization;
using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Optimization;
using NetLearn.Validation;

namespace NetLearn.Linear;

/// <summary>Regularisation of <see cref="LogisticRegression"/> (<c>penalty</c>).</summary>
public enum Penalty
{
    /// <summary>Squared L2 norm of the coefficients, weighted by 1/(2C).</summary>
    L2,

    /// <summary>No penalty (maximum likelihood; may diverge on separable data).</summary>
    None,

    /// <summary>L1 norm of the coefficients, weighted by 1/C (sparse coefficients); solvers saga and liblinear.</summary>
    L1,

    /// <summary>l1_ratio·‖w‖₁/C + (1 − l1_ratio)·‖w‖²/(2C); solver saga.</summary>
    Elasticnet,
}

/// <summary>
/// Solver of <see cref="LogisticRegression"/> (<c>solver</c>), named after the scikit-learn solver whose objective it
/// optimises: the optimum is the same, the algorithm need not be (see each value).
/// </summary>
public enum LogisticSolver
{
    /// <summary>L-BFGS on the smooth objective (penalty l2 or none); multinomial for more than two classes.</summary>
    Lbfgs,

    /// <summary>
    /// liblinear's objective: the intercept is an extra feature of value <c>intercept_scaling</c> and is penalised like
    /// the coefficients; more than two classes are fitted one-vs-rest. Penalty l1 or l2; solved by proximal Newton.
    /// </summary>
    Liblinear,

    /// <summary>
    /// SAGA's objective: unpenalised intercept, multinomial for more than two classes, any penalty (l1, l2,
    /// elasticnet, none). Solved to the exact optimum by proximal Newton (newGLMNET), not by stochastic steps.
    /// </summary>
    Saga,
}

/// <summary>Hyperparameters of <see cref="LogisticRegression"/> (scikit-learn's names and defaults, solver lbfgs).</summary>
public sealed record LogisticRegressionOptions : EstimatorOptions
{
    /// <summary>Regularisation (<c>penalty</c>).</summary>
    public Penalty Penalty { get; init; } = Penalty.L2;

    /// <summary>
    /// The optimisation problem and its solver (<c>solver</c>). Unset (null) means scikit-learn's default lbfgs for
    /// penalty l2/none and saga for l1/elasticnet, so that <c>--set penalty=l1</c> alone works.
    /// </summary>
    public LogisticSolver? Solver { get; init; }

    // The solver used: Solver, or the default for the penalty when unset.
    internal LogisticSolver EffectiveSolver => Solver ?? (Penalty is Penalty.L1 or Penalty.Elasticnet ? LogisticSolver.Saga : LogisticSolver.Lbfgs);

    /// <summary>Elastic-net mixing in [0, 1] (<c>l1_ratio</c>); required with penalty elasticnet, ignored otherwise.</summary>
    public double? L1Ratio { get; init; }

    /// <summary>Value of the synthetic intercept feature of solver liblinear (<c>intercept_scaling</c>).</summary>
    public double InterceptScaling { get; init; } = 1.0;

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

        // scikit-learn 1.2's _check_solver, message for message.
        var effective = EffectiveSolver;
        string solver = effective.ToString().ToLowerInvariant(), penalty = Penalty.ToString().ToLowerInvariant();
        if (effective == LogisticSolver.Lbfgs && Penalty is not (Penalty.L2 or Penalty.None))
        {
            throw new HyperparameterException("penalty", $"Solver {solver} supports only 'l2' or 'none' penalties, got {penalty} penalty. Use solver=saga (or liblinear for l1)");
        }

        if (Penalty == Penalty.Elasticnet && effective != LogisticSolver.Saga)
        {
            throw new HyperparameterException("solver", $"Only 'saga' solver supports elasticnet penalty, got solver={solver}");
        }

        if (effective == LogisticSolver.Liblinear && Penalty == Penalty.None)
        {
            throw new HyperparameterException("penalty", "penalty='none' is not supported for the liblinear solver");
        }

        if (Penalty == Penalty.Elasticnet && !(L1Ratio is >= 0 and <= 1))
        {
            string got = L1Ratio is { } r ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None";
            throw new HyperparameterException("l1_ratio", $"l1_ratio must be between 0 and 1; got (l1_ratio={got})");
        }

        if (!(InterceptScaling > 0) || !double.IsFinite(InterceptScaling))
        {
            throw new HyperparameterException("intercept_scaling", "must be a positive number (default 1)");
        }
    }

    /// <summary>The L1 and L2 weights (λ₁, λ₂) of the summed objective Σ sᵢ·logloss + λ₁‖w‖₁ + λ₂‖w‖²/2.</summary>
    internal (double L1, double L2) Strengths => Penalty switch
    {
        Penalty.L1 => (1.0 / C, 0.0),
        Penalty.L2 => (0.0, 1.0 / C),
        Penalty.Elasticnet => (L1Ratio!.Value / C, (1.0 - L1Ratio!.Value) / C),
        _ => (0.0, 0.0),
    };

    /// <summary>Whether more than two classes are fitted one-vs-rest (liblinear) rather than multinomial.</summary>
    internal bool OneVsRest => EffectiveSolver == LogisticSolver.Liblinear;
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
        int n = features.RowCount, p = features.ColumnCount;
        double[] weights = Checks.SampleWeight(context.SampleWeight, n) ?? Enumerable.Repeat(1.0, n).ToArray();
        if (Options.ClassWeight is { } classWeight)
        {
            double[] perClass = classWeight.Compute(labels, classes);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] *= perClass[classes[i]];
            }
        }

        void Report(int iteration, double loss) => context.Progress?.Report(new FitProgress(Kind, iteration, Options.MaxIter, loss));
        if (Options.EffectiveSolver != LogisticSolver.Lbfgs)
        {
            var fitted = FitProximalNewton(features, classes, weights, labels.Count, Report, context.CancellationToken);
            return new LogisticRegressionModel(Options, features.Schema, labels.Classes, fitted.Coef, fitted.Intercept, fitted.Iterations, fitted.Converged);
        }

        int k = labels.Count == 2 ? 1 : labels.Count;
        var problem = new LogisticObjective(LinearData.ColumnMajor(features), n, p, classes, weights, k, Options.FitIntercept, Options.Strengths.L2);
        var settings = new LbfgsSettings { GradientTolerance = Options.Tol, MaxIterations = Options.MaxIter };
        var result = Lbfgs.Minimize(problem.Evaluate, new double[problem.Dimension], settings, Report, context.CancellationToken);
        var (coef, intercept) = problem.Unpack(result.X);
        return new LogisticRegressionModel(Options, features.Schema, labels.Classes, coef, intercept, result.Iterations, result.Converged);
    }

    // Solvers saga and liblinear: one multinomial (or binary) problem, or one binary problem per class (liblinear).
    private (Matrix Coef, double[] Intercept, int Iterations, bool Converged) FitProximalNewton(
        Table features, int[] classes, double[] weights, int classCount, Action<int, double> report, CancellationToken cancellationToken)
    {
        var o = Options;
        int n = features.RowCount, p = features.ColumnCount;
        bool liblinear = o.EffectiveSolver == LogisticSolver.Liblinear;
        double interceptValue = liblinear ? o.InterceptScaling : 1.0;
        int q = p + (o.FitIntercept ? 1 : 0);
        var design = new LogisticDesign(LinearData.ColumnMajor(features, q - p, interceptValue), n, q, liblinear ? q : p);
        var (l1, l2) = o.Strengths;
        int rows = classCount == 2 ? 1 : classCount;
        var coef = new Matrix(rows, p);
        var intercept = new double[rows];
        int iterations = 0;
        bool converged = true;
        if (rows == 1 || !o.OneVsRest)
        {
            var (w, iters, ok) = new ProximalNewtonLogistic(design, classes, weights, rows, l1, l2).Minimize(o.Tol, o.MaxIter, report, cancellationToken);
            for (int c = 0; c < rows; c++)
            {
                w.AsSpan(c * q, p).CopyTo(coef.Row(c));
                intercept[c] = o.FitIntercept ? w[(c * q) + p] * interceptValue : 0.0;
            }

            (iterations, converged) = (iters, ok);
            if (rows > 1)
            {
                // The softmax is unchanged by adding one constant to every class's score: among the optima, report the
                // one scikit-learn's solvers reach from zero (unpenalised parts summing to zero over the classes).
                CentreOverClasses(coef, intercept, centreCoefficients: l1 == 0 && l2 == 0);
            }
        }
        else
        {
            for (int c = 0; c < rows; c++)
            {
                int[] binary = [.. classes.Select(v => v == c ? 1 : 0)];
                var (w, iters, ok) = new ProximalNewtonLogistic(design, binary, weights, 1, l1, l2).Minimize(o.Tol, o.MaxIter, report, cancellationToken);
                w.AsSpan(0, p).CopyTo(coef.Row(c));
                intercept[c] = o.FitIntercept ? w[p] * interceptValue : 0.0;
                iterations = Math.Max(iterations, iters);
                converged &= ok;
            }
        }

        return (coef, intercept, iterations, converged);
    }

    private static void CentreOverClasses(Matrix coef, double[] intercept, bool centreCoefficients)
    {
        double mean = intercept.Average();
        for (int c = 0; c < intercept.Length; c++)
        {
            intercept[c] -= mean;
        }

        if (!centreCoefficients)
        {
            return;
        }

        for (int j = 0; j < coef.Columns; j++)
        {
            double m = 0;
            for (int c = 0; c < coef.Rows; c++)
            {
                m += coef[c, j];
            }

            m /= coef.Rows;
            for (int c = 0; c < coef.Rows; c++)
            {
                coef[c, j] -= m;
            }
        }
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
    private readonly double[] _targetWeights = [];
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

    public LogisticObjective(double[] columns, int n, int p, int[] y, double[] weights, int k, bool fitIntercept, double l2)
    {
        _n = n;
        _p = p;
        _y = y;
        _weights = weights;
        _k = k;
        _fitIntercept = fitIntercept;
        _l2 = l2;
        _stride = _p + (fitIntercept ? 1 : 0);
        _columns = columns;
        if (k == 1)
        {
            _targetWeights = new double[n];
            for (int i = 0; i < n; i++)
            {
                _targetWeights[i] = y[i] == 1 ? weights[i] : 0.0;
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
        double loss = _k == 1 ? BinaryResiduals(scores.AsSpan(0, length), from, b) : SoftmaxResiduals(scores, length, from, b);

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

    // loss_i = w_i·(softplus(z_i) − y_i·z_i); residual_i = w_i·σ(z_i) − w_i·y_i. Vectorised over the block.
    private double BinaryResiduals(Span<double> scores, int from, int block)
    {
        int length = scores.Length;
        var softplus = _blockWork[block].AsSpan(0, length);
        var scratch = _blockWork[block].AsSpan(length, length);
        var weights = _weights.AsSpan(from, length);
        var targetWeights = _targetWeights.AsSpan(from, length);
        ProximalNewtonLogistic.Softplus(scores, softplus, scratch);
        double loss = TensorPrimitives.Dot<double>(softplus, weights) - TensorPrimitives.Dot<double>(scores, targetWeights);
        TensorPrimitives.Sigmoid<double>(scores, scores);
        TensorPrimitives.Multiply<double>(scores, weights, scores);
        TensorPrimitives.Subtract<double>(scores, targetWeights, scores);
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
}

/// <summary>A fitted <see cref="LogisticRegression"/>.</summary>
public sealed class LogisticRegressionModel : FittedModel<LogisticRegressionOptions>, IDecisionFunction, IMatrixClassifier
{
    // The intercepts as an array, for the row kernels (Intercept is a read-only view of it).
    private readonly double[] _intercept;

    internal LogisticRegressionModel(LogisticRegressionOptions options, Schema inputSchema, Column classes, Matrix coefficients, double[] intercept, int iterations, bool converged)
        : base(options, inputSchema)
    {
        Classes = classes;
        Coefficients = coefficients;
        _intercept = intercept;
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
        if (features.Columns != Coefficients.Columns)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {Coefficients.Columns} feature columns, got {features.Columns}."), nameof(features));
        }

        var proba = new Matrix(features.Rows, Classes.Length);
        // One row of scores at a time (X·coefᵀ row by row, as Matrix.MultiplyTransposed computes it), no scores matrix.
        int k = Coefficients.Rows;
        Span<double> s = k <= 256 ? stackalloc double[k] : new double[k];
        for (int i = 0; i < features.Rows; i++)
        {
            var row = features.Row(i);
            for (int c = 0; c < k; c++)
            {
                s[c] = TensorPrimitives.Dot(row, Coefficients.Row(c));
            }

            TensorPrimitives.Add(s, _intercept, s);
            var target = proba.Row(i);
            if (k == 1)
            {
                double p1 = LogisticObjective.Sigmoid(s[0]);
                target[0] = 1.0 - p1;
                target[1] = p1;
            }
            else if (Options.OneVsRest)
            {
                // One-vs-rest (liblinear): each class's sigmoid, normalised to sum to one, as scikit-learn.
                for (int c = 0; c < s.Length; c++)
                {
                    target[c] = LogisticObjective.Sigmoid(s[c]);
                }

                TensorPrimitives.Divide(target, TensorPrimitives.Sum<double>(target), target);
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
    public Matrix? TryPredictProba(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        // Missing or infinite values: PredictProba(Table) refuses them with the column and row named.
        return InputSchema.Columns.Any(c => c.Kind != ColumnKind.Numeric) || features.AsSpan().IndexOfAnyExceptInRange(double.MinValue, double.MaxValue) >= 0
            ? null
            : PredictProba(features);
    }

    /// <summary>Labels from a numeric matrix whose columns are in <c>FeatureNames</c> order (what <see cref="Predict(Table)"/> computes).</summary>
    internal Column Predict(Matrix features) => Labels.Decode(ArgMax(PredictProba(features)), Classes.Name);

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
