using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Linear;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Svm;

/// <summary>The shape of <see cref="SvcModel.DecisionFunction(Table)"/> with more than two classes (<c>decision_function_shape</c>).</summary>
public enum DecisionFunctionShape
{
    /// <summary>One column per class: votes plus scaled confidences, as scikit-learn's default.</summary>
    Ovr,

    /// <summary>One column per class pair (i, j), i &lt; j, in libsvm's order; positive favours class i.</summary>
    Ovo,
}

/// <summary>Kernel hyperparameters shared by <see cref="SvcOptions"/> and <see cref="SvrOptions"/>.</summary>
public abstract record KernelSvmOptions : EstimatorOptions
{
    /// <summary>Penalty of margin violations (<c>C</c>).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("C")]
    public double C { get; init; } = 1.0;

    /// <summary>The kernel (<c>kernel</c>).</summary>
    public KernelType Kernel { get; init; } = KernelType.Rbf;

    /// <summary>Degree of the poly kernel (<c>degree</c>).</summary>
    public int Degree { get; init; } = 3;

    /// <summary>γ (<c>gamma</c>): "scale" = 1/(p·Var(X)), "auto" = 1/p, or a positive number.</summary>
    public string Gamma { get; init; } = "scale";

    /// <summary>Constant term of the poly and sigmoid kernels (<c>coef0</c>).</summary>
    public double Coef0 { get; init; }

    /// <summary>Stopping tolerance on the maximal violating pair (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-3;

    /// <summary>Kernel row cache in MB (<c>cache_size</c>).</summary>
    public double CacheSize { get; init; } = 200;

    /// <summary>Iteration limit of the solver, or −1 for none (<c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = -1;

    /// <summary>
    /// Use libsvm's shrinking heuristic (<c>shrinking</c>): variables stuck at a bound leave the working set for a
    /// while, which speeds up large fits; the solution is the same (the stopping test always covers every variable).
    /// </summary>
    public bool Shrinking { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(C > 0) || !double.IsFinite(C))
        {
            throw new HyperparameterException("C", "must be a positive number, for example 1.0");
        }

        if (Degree < 0)
        {
            throw new HyperparameterException("degree", "must be a non-negative integer");
        }

        if (Gamma is not ("scale" or "auto") && !(double.TryParse(Gamma, NumberStyles.Float, CultureInfo.InvariantCulture, out double g) && g >= 0 && double.IsFinite(g)))
        {
            throw new HyperparameterException("gamma", $"must be 'scale', 'auto' or a non-negative number, not '{Gamma}'");
        }

        if (!(Tol > 0) || !double.IsFinite(Tol))
        {
            throw new HyperparameterException("tol", "must be a positive number, for example 1e-3");
        }

        if (!(CacheSize > 0))
        {
            throw new HyperparameterException("cache_size", "must be a positive number of megabytes");
        }

        if (MaxIter is 0 or < -1)
        {
            throw new HyperparameterException("max_iter", "must be positive, or -1 for no limit");
        }
    }

    internal KernelFunction Resolve(Matrix x)
    {
        double gamma = Gamma switch
        {
            "auto" => 1.0 / x.Columns,
            "scale" => ScaleGamma(x),
            _ => double.Parse(Gamma, CultureInfo.InvariantCulture),
        };
        return new KernelFunction(Kernel, gamma, Coef0, Degree);
    }

    private static double ScaleGamma(Matrix x)
    {
        var values = x.AsSpan();
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double variance = 0;
        foreach (double v in values)
        {
            variance += (v - mean) * (v - mean);
        }

        variance /= values.Length;
        return variance == 0 ? 1.0 : 1.0 / (x.Columns * variance);
    }
}

/// <summary>Hyperparameters of <see cref="Svc"/> (scikit-learn's <c>SVC</c>).</summary>
public sealed record SvcOptions : KernelSvmOptions
{
    /// <summary>Fit Platt-scaled probabilities by internal 5-fold cross-validation (<c>probability</c>); slower.</summary>
    public bool Probability { get; init; }

    /// <summary>Per-class multipliers of C (<c>class_weight</c>).</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <summary>Shape of the multi-class decision function (<c>decision_function_shape</c>).</summary>
    public DecisionFunctionShape DecisionFunctionShape { get; init; } = DecisionFunctionShape.Ovr;

    /// <summary>Seed of the cross-validation shuffle used for probabilities (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }
}

/// <summary>Hyperparameters of <see cref="Svr"/> (scikit-learn's <c>SVR</c>).</summary>
public sealed record SvrOptions : KernelSvmOptions
{
    /// <summary>Half-width of the insensitive tube (<c>epsilon</c>).</summary>
    public double Epsilon { get; init; } = 0.1;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(Epsilon >= 0) || !double.IsFinite(Epsilon))
        {
            throw new HyperparameterException("epsilon", "must be a non-negative number");
        }
    }
}

/// <summary>
/// Kernel support-vector classification (scikit-learn's <c>SVC</c>, libsvm's C-SVC): one binary SVM per pair of classes
/// (one-vs-one, as libsvm), each solved by SMO with WSS3 working-set selection; prediction by majority vote. With
/// <c>probability=true</c>, each pair's decision values from a 5-fold cross-validation are calibrated by Platt scaling
/// and coupled into class probabilities (Wu, Lin and Weng, 2004).
/// </summary>
public sealed class Svc(SvcOptions? options = null)
    : Estimator<SvcOptions, SvcModel>(options ?? new SvcOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "svc";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override SvcModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var input = ClassificationInputs.Read(features, target, context, "SVC");
        var x = input.X;
        int n = x.Rows, k = input.Labels.Count;
        var kernel = Options.Resolve(x);
        double[] norms = KernelFunction.SquaredNorms(x);
        double[] perClass = Options.ClassWeight?.Compute(input.Labels, input.Y) ?? Enumerable.Repeat(1.0, k).ToArray();
        double[] rowC = new double[n];
        for (int r = 0; r < n; r++)
        {
            rowC[r] = Options.C * perClass[input.Y[r]] * (input.Weights?[r] ?? 1.0);
        }

        var members = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, n).Where(r => input.Y[r] == c).ToArray()).ToArray();
        int pairs = k * (k - 1) / 2;
        var alphas = new double[pairs][];
        var rho = new double[pairs];
        var probA = Options.Probability ? new double[pairs] : [];
        var probB = Options.Probability ? new double[pairs] : [];
        var iterations = new int[pairs];
        bool converged = true;
        int pair = 0;
        var random = new Random(Options.RandomState ?? 0);
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                int[] rows = [.. members[i], .. members[j]];
                sbyte[] y = [.. members[i].Select(_ => (sbyte)1), .. members[j].Select(_ => (sbyte)-1)];
                if (Options.Probability)
                {
                    (probA[pair], probB[pair]) = CrossValidatedPlatt(x, norms, kernel, rows, y, rowC, random, context.CancellationToken);
                }

                var solution = SolveBinary(x, norms, kernel, rows, y, rowC, context.CancellationToken);
                alphas[pair] = solution.Alpha;
                rho[pair] = solution.Rho;
                iterations[pair] = solution.Iterations;
                converged &= solution.Converged;
                context.Progress?.Report(new FitProgress(Kind, pair + 1, pairs, null));
                pair++;
            }
        }

        // Support vectors: rows with a non-zero α in any of their pairs, grouped by class in row order (libsvm's layout).
        var isSupport = new bool[n];
        pair = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                int[] rows = [.. members[i], .. members[j]];
                for (int t = 0; t < rows.Length; t++)
                {
                    if (alphas[pair][t] > 0)
                    {
                        isSupport[rows[t]] = true;
                    }
                }

                pair++;
            }
        }

        int[] support = [.. members.SelectMany(m => m.Where(r => isSupport[r]))];
        int[] nSupport = [.. members.Select(m => m.Count(r => isSupport[r]))];
        var position = new Dictionary<int, int>();
        for (int s = 0; s < support.Length; s++)
        {
            position[support[s]] = s;
        }

        // sv_coef: the coefficients yα of a class-i support vector for pair (i, j) go to row j − 1, of a class-j one to row i.
        var coef = new Matrix(Math.Max(k - 1, 1), support.Length);
        pair = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                int ni = members[i].Length;
                for (int t = 0; t < members[i].Length; t++)
                {
                    if (isSupport[members[i][t]])
                    {
                        coef[j - 1, position[members[i][t]]] = alphas[pair][t];
                    }
                }

                for (int t = 0; t < members[j].Length; t++)
                {
                    if (isSupport[members[j][t]])
                    {
                        coef[i, position[members[j][t]]] = -alphas[pair][ni + t];
                    }
                }

                pair++;
            }
        }

        return new SvcModel(Options, features.Schema, input.Labels.Classes, kernel.Gamma, support, nSupport, x.TakeRows(support), coef, rho, probA, probB, iterations, converged);
    }

    internal (double[] Alpha, double Rho, int Iterations, bool Converged) SolveBinary(Matrix x, double[] norms, KernelFunction kernel, int[] rows, sbyte[] y, double[] rowC, CancellationToken cancellationToken)
    {
        int l = rows.Length;
        var qd = new double[l];
        var c = new double[l];
        for (int a = 0; a < l; a++)
        {
            qd[a] = kernel.Evaluate(x.Row(rows[a]), x.Row(rows[a]), norms[rows[a]], norms[rows[a]]);
            c[a] = rowC[rows[a]];
        }

        // The problem's rows gathered contiguously (variable a is row a of xs), so a kernel row reads them in order.
        var xs = x.TakeRows(rows);
        var ns = new double[l];
        for (int a = 0; a < l; a++)
        {
            ns[a] = norms[rows[a]];
        }

        var kernelRow = new double[l];
        void FillRow(int a, ReadOnlySpan<int> columns, Span<float> destination)
        {
            var values = kernelRow.AsSpan(0, columns.Length);
            kernel.EvaluateRow(xs.Row(a), ns[a], xs, ns, columns, values);
            double ya = y[a];
            for (int t = 0; t < columns.Length; t++)
            {
                destination[t] = (float)(ya * y[columns[t]] * values[t]);
            }
        }

        var solver = new SmoSolver(l, FillRow, qd, y, c, KernelSvmMath.CacheRows(Options.CacheSize, l), Options.Shrinking);
        var p = Enumerable.Repeat(-1.0, l).ToArray();
        var result = solver.Solve(p, Options.Tol, Options.MaxIter == -1 ? int.MaxValue : Options.MaxIter, cancellationToken);
        return result;
    }

    // libsvm's svm_binary_svc_probability: decision values from 5-fold cross-validation, then Platt's sigmoid.
    private (double A, double B) CrossValidatedPlatt(Matrix x, double[] norms, KernelFunction kernel, int[] rows, sbyte[] y, double[] rowC, Random random, CancellationToken cancellationToken)
    {
        const int folds = 5;
        int l = rows.Length;
        int[] perm = [.. Enumerable.Range(0, l)];
        for (int i = 0; i < l; i++)
        {
            int j = i + random.Next(l - i);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }

        var decision = new double[l];
        for (int f = 0; f < folds; f++)
        {
            int begin = f * l / folds, end = (f + 1) * l / folds;
            int[] train = [.. perm[..begin], .. perm[end..]];
            int positives = train.Count(t => y[t] == 1), negatives = train.Length - positives;
            if (positives == 0 || negatives == 0)
            {
                for (int t = begin; t < end; t++)
                {
                    decision[perm[t]] = positives == 0 && negatives == 0 ? 0 : positives > 0 ? 1 : -1;
                }

                continue;
            }

            int[] trainRows = [.. train.Select(t => rows[t])];
            sbyte[] trainY = [.. train.Select(t => y[t])];
            var sub = SolveBinary(x, norms, kernel, trainRows, trainY, rowC, cancellationToken);
            for (int t = begin; t < end; t++)
            {
                int row = rows[perm[t]];
                double s = -sub.Rho;
                for (int a = 0; a < trainRows.Length; a++)
                {
                    if (sub.Alpha[a] > 0)
                    {
                        s += trainY[a] * sub.Alpha[a] * kernel.Evaluate(x.Row(trainRows[a]), x.Row(row), norms[trainRows[a]], norms[row]);
                    }
                }

                decision[perm[t]] = s;
            }
        }

        return PlattScaling.Fit(decision, [.. y.Select(v => v == 1)]);
    }
}

internal static class KernelSvmMath
{
    public static int CacheRows(double megabytes, int l) => (int)Math.Clamp(megabytes * 1024 * 1024 / (4.0 * Math.Max(l, 1)), 2, Math.Max(l, 2));

    /// <summary>K(x, sv) for every row of <paramref name="x"/> and every support vector.</summary>
    public static Matrix KernelToSupport(KernelFunction kernel, Matrix x, Matrix supportVectors) => kernel.Evaluate(x, supportVectors);
}

/// <summary>A fitted <see cref="Svc"/>.</summary>
public sealed class SvcModel : FittedModel<SvcOptions>, IDecisionFunction, IProbabilityOptional
{
    private readonly Matrix _coef;
    private readonly double[] _rho;
    private readonly double[] _probA;
    private readonly double[] _probB;
    private readonly int[] _iterations;

    internal SvcModel(SvcOptions options, Schema inputSchema, Column classes, double gamma, int[] support, int[] nSupport, Matrix supportVectors, Matrix coef, double[] rho, double[] probA, double[] probB, int[] iterations, bool converged)
        : base(options, inputSchema)
    {
        Classes = classes;
        Gamma = gamma;
        Support = support;
        NSupport = nSupport;
        SupportVectors = supportVectors;
        _coef = coef;
        _rho = rho;
        _probA = probA;
        _probB = probB;
        _iterations = iterations;
        Converged = converged;
        Labels = ClassLabels.FromClasses(classes);
    }

    /// <inheritdoc />
    public override string Kind => Svc.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    /// <summary>The γ used (<c>_gamma</c>), with "scale"/"auto" resolved.</summary>
    public double Gamma { get; }

    /// <summary>Training-row indices of the support vectors, grouped by class (<c>support_</c>).</summary>
    public IReadOnlyList<int> Support { get; }

    /// <summary>Support vectors per class (<c>n_support_</c>).</summary>
    public IReadOnlyList<int> NSupport { get; }

    /// <summary>The support vectors (<c>support_vectors_</c>).</summary>
    public Matrix SupportVectors { get; }

    /// <summary>
    /// Dual coefficients yᵢαᵢ in scikit-learn's layout (<c>dual_coef_</c>): (classes − 1) × support vectors; for two
    /// classes the sign follows scikit-learn (positive decision favours <c>Classes[1]</c>).
    /// </summary>
    public Matrix DualCoef
    {
        get
        {
            var result = _coef.Clone();
            if (Classes.Length == 2)
            {
                var span = result.AsSpan();
                for (int i = 0; i < span.Length; i++)
                {
                    span[i] = -span[i];
                }
            }

            return result;
        }
    }

    /// <summary>Intercepts per class pair (<c>intercept_</c>), in scikit-learn's sign convention.</summary>
    public IReadOnlyList<double> Intercept => Classes.Length == 2 ? [_rho[0]] : [.. _rho.Select(r => -r)];

    /// <summary>Platt parameters A per class pair (<c>probA_</c>); empty without probabilities.</summary>
    public IReadOnlyList<double> ProbA => _probA;

    /// <summary>Platt parameters B per class pair (<c>probB_</c>).</summary>
    public IReadOnlyList<double> ProbB => _probB;

    /// <summary>SMO iterations per class pair (<c>n_iter_</c>).</summary>
    public IReadOnlyList<int> Iterations => _iterations;

    /// <summary>Whether every pair met <c>tol</c> within <c>max_iter</c>.</summary>
    public bool Converged { get; }

    /// <inheritdoc />
    public bool SupportsProbabilities => _probA.Length > 0;

    private ClassLabels Labels { get; }

    /// <summary>libsvm's decision values, one column per class pair (i, j), i &lt; j; positive favours class i.</summary>
    public Matrix PairwiseDecision(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var kernel = new KernelFunction(Options.Kernel, Gamma, Options.Coef0, Options.Degree);
        var kx = kernel.Evaluate(features, SupportVectors);
        int k = Classes.Length;
        var start = new int[k];
        for (int c = 1; c < k; c++)
        {
            start[c] = start[c - 1] + NSupport[c - 1];
        }

        var result = new Matrix(features.Rows, _rho.Length);
        for (int r = 0; r < features.Rows; r++)
        {
            var kr = kx.Row(r);
            int pair = 0;
            for (int i = 0; i < k; i++)
            {
                for (int j = i + 1; j < k; j++)
                {
                    double s = 0;
                    var ci = _coef.Row(j - 1);
                    for (int t = start[i]; t < start[i] + NSupport[i]; t++)
                    {
                        s += ci[t] * kr[t];
                    }

                    var cj = _coef.Row(i);
                    for (int t = start[j]; t < start[j] + NSupport[j]; t++)
                    {
                        s += cj[t] * kr[t];
                    }

                    result[r, pair] = s - _rho[pair];
                    pair++;
                }
            }
        }

        return result;
    }

    /// <inheritdoc />
    public Matrix DecisionFunction(Table features) => DecisionFunction(features.ConformTo(InputSchema).ToMatrix());

    /// <summary>
    /// scikit-learn's <c>decision_function</c>: two classes give one column (positive favours <c>Classes[1]</c>); more
    /// give one column per class (ovr: votes + confidences/(3(|confidences| + 1))) or per pair (ovo).
    /// </summary>
    public Matrix DecisionFunction(Matrix features)
    {
        var pairwise = PairwiseDecision(features);
        int k = Classes.Length;
        if (k == 2)
        {
            var result = new Matrix(features.Rows, 1);
            for (int r = 0; r < result.Rows; r++)
            {
                result[r, 0] = -pairwise[r, 0];
            }

            return result;
        }

        if (Options.DecisionFunctionShape == DecisionFunctionShape.Ovo)
        {
            return pairwise;
        }

        var ovr = new Matrix(features.Rows, k);
        var confidence = new double[k];
        for (int r = 0; r < features.Rows; r++)
        {
            Array.Clear(confidence);
            var row = ovr.Row(r);
            int pair = 0;
            for (int i = 0; i < k; i++)
            {
                for (int j = i + 1; j < k; j++)
                {
                    double d = pairwise[r, pair++];
                    confidence[i] += d;
                    confidence[j] -= d;
                    row[d >= 0 ? i : j] += 1;
                }
            }

            for (int c = 0; c < k; c++)
            {
                row[c] += confidence[c] / (3 * (Math.Abs(confidence[c]) + 1));
            }
        }

        return ovr;
    }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var pairwise = PairwiseDecision(features.ConformTo(InputSchema).ToMatrix());
        int k = Classes.Length;
        var result = new int[pairwise.Rows];
        var votes = new int[k];
        for (int r = 0; r < result.Length; r++)
        {
            Array.Clear(votes);
            int pair = 0;
            for (int i = 0; i < k; i++)
            {
                for (int j = i + 1; j < k; j++)
                {
                    votes[pairwise[r, pair++] > 0 ? i : j]++;
                }
            }

            int best = 0;
            for (int c = 1; c < k; c++)
            {
                if (votes[c] > votes[best])
                {
                    best = c;
                }
            }

            result[r] = best;
        }

        return Labels.Decode(result, Classes.Name);
    }

    /// <inheritdoc />
    public Matrix PredictProba(Table features)
    {
        if (!SupportsProbabilities)
        {
            throw ClassifierCapabilities.NoProbabilities("This SVC", "Fit it with probability=true (--set probability=true)");
        }

        var pairwise = PairwiseDecision(features.ConformTo(InputSchema).ToMatrix());
        int k = Classes.Length;
        var proba = new Matrix(pairwise.Rows, k);
        const double minProb = 1e-7;
        var r2 = new double[k, k];
        for (int r = 0; r < pairwise.Rows; r++)
        {
            int pair = 0;
            for (int i = 0; i < k; i++)
            {
                for (int j = i + 1; j < k; j++)
                {
                    double pij = Math.Min(Math.Max(PlattScaling.Predict(pairwise[r, pair], _probA[pair], _probB[pair]), minProb), 1 - minProb);
                    r2[i, j] = pij;
                    r2[j, i] = 1 - pij;
                    pair++;
                }
            }

            if (k == 2)
            {
                proba[r, 0] = r2[0, 1];
                proba[r, 1] = r2[1, 0];
            }
            else
            {
                PlattScaling.Couple(r2).CopyTo(proba.Row(r));
            }
        }

        return proba;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        writer.Write("gamma", Gamma);
        writer.Write("support", Support.ToArray());
        writer.Write("n_support", NSupport.ToArray());
        writer.Write("support_vectors", SupportVectors);
        writer.Write("sv_coef", _coef);
        writer.Write("rho", _rho);
        writer.Write("prob_a", _probA);
        writer.Write("prob_b", _probB);
        writer.Write("n_iter", _iterations);
        writer.Write("converged", Converged);
    }

    internal static SvcModel Load(ModelReader reader) => new(
        reader.ReadOptions<SvcOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadColumn("classes"),
        reader.ReadDouble("gamma"),
        reader.ReadInt32s("support"),
        reader.ReadInt32s("n_support"),
        reader.ReadMatrix("support_vectors"),
        reader.ReadMatrix("sv_coef"),
        reader.ReadDoubles("rho"),
        reader.ReadDoubles("prob_a"),
        reader.ReadDoubles("prob_b"),
        reader.ReadInt32s("n_iter"),
        reader.ReadBoolean("converged"));
}

/// <summary>
/// Kernel ε-support-vector regression (scikit-learn's <c>SVR</c>, libsvm's ε-SVR): the dual over α and α* with 2n
/// variables solved by the same SMO/WSS3 solver; f(x) = Σ (αᵢ − αᵢ*)K(xᵢ, x) − ρ.
/// </summary>
public sealed class Svr(SvrOptions? options = null)
    : Estimator<SvrOptions, SvrModel>(options ?? new SvrOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "svr";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override SvrModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        Checks.NotEmpty(features, "SVR");
        double[] target2 = Checks.RegressionTarget(features, target, "SVR");
        var x = features.ToMatrix();
        double[]? weights = Checks.SampleWeight(context.SampleWeight, x.Rows);
        int n = x.Rows, l = 2 * n;
        var kernel = Options.Resolve(x);
        double[] norms = KernelFunction.SquaredNorms(x);
        var qd = new double[l];
        var c = new double[l];
        var y = new sbyte[l];
        var p = new double[l];
        for (int i = 0; i < n; i++)
        {
            double kii = kernel.Evaluate(x.Row(i), x.Row(i), norms[i], norms[i]);
            qd[i] = qd[i + n] = kii;
            c[i] = c[i + n] = Options.C * (weights?[i] ?? 1.0);
            y[i] = 1;
            y[i + n] = -1;
            p[i] = Options.Epsilon - target2[i];
            p[i + n] = Options.Epsilon + target2[i];
        }

        // Variables i and i + n share sample i's kernel row: each K(a, b) is computed once per fill, whichever of the two asks.
        var kernelRow = new double[n];
        var values = new double[n];
        var needed = new int[n];
        var stamp = new int[n];
        int fills = 0;
        void FillRow(int a, ReadOnlySpan<int> columns, Span<float> destination)
        {
            int ra = a % n;
            fills++;
            int count = 0;
            foreach (int b in columns)
            {
                int rb = b % n;
                if (stamp[rb] != fills)
                {
                    stamp[rb] = fills;
                    needed[count++] = rb;
                }
            }

            kernel.EvaluateRow(x.Row(ra), norms[ra], x, norms, needed.AsSpan(0, count), values);
            for (int t = 0; t < count; t++)
            {
                kernelRow[needed[t]] = values[t];
            }

            for (int t = 0; t < columns.Length; t++)
            {
                int b = columns[t];
                destination[t] = (float)(y[a] * y[b] * kernelRow[b % n]);
            }
        }

        var solver = new SmoSolver(l, FillRow, qd, y, c, KernelSvmMath.CacheRows(Options.CacheSize, l), Options.Shrinking);
        var (alpha, rho, iterations, converged) = solver.Solve(p, Options.Tol, Options.MaxIter == -1 ? int.MaxValue : Options.MaxIter, context.CancellationToken);
        var support = new List<int>();
        var coef = new List<double>();
        for (int i = 0; i < n; i++)
        {
            double v = alpha[i] - alpha[i + n];
            if (v != 0)
            {
                support.Add(i);
                coef.Add(v);
            }
        }

        context.Progress?.Report(new FitProgress(Kind, iterations, null, null));
        return new SvrModel(Options, features.Schema, target!.Name, kernel.Gamma, [.. support], x.TakeRows([.. support]), [.. coef], -rho, iterations, converged);
    }
}

/// <summary>A fitted <see cref="Svr"/>.</summary>
public sealed class SvrModel : FittedModel<SvrOptions>, IPredictor
{
    private readonly double[] _coef;

    internal SvrModel(SvrOptions options, Schema inputSchema, string targetName, double gamma, int[] support, Matrix supportVectors, double[] coef, double intercept, int iterations, bool converged)
        : base(options, inputSchema)
    {
        TargetName = targetName;
        Gamma = gamma;
        Support = support;
        SupportVectors = supportVectors;
        _coef = coef;
        Intercept = intercept;
        Iterations = iterations;
        Converged = converged;
    }

    /// <inheritdoc />
    public override string Kind => Svr.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The name of the target column.</summary>
    public string TargetName { get; }

    /// <summary>The γ used (<c>_gamma</c>).</summary>
    public double Gamma { get; }

    /// <summary>Training-row indices of the support vectors (<c>support_</c>).</summary>
    public IReadOnlyList<int> Support { get; }

    /// <summary>The support vectors (<c>support_vectors_</c>).</summary>
    public Matrix SupportVectors { get; }

    /// <summary>αᵢ − αᵢ* of each support vector (<c>dual_coef_</c>).</summary>
    public IReadOnlyList<double> DualCoef => _coef;

    /// <summary>The intercept −ρ (<c>intercept_</c>).</summary>
    public double Intercept { get; }

    /// <summary>SMO iterations (<c>n_iter_</c>).</summary>
    public int Iterations { get; }

    /// <summary>Whether the solver met <c>tol</c>.</summary>
    public bool Converged { get; }

    /// <inheritdoc />
    public Column Predict(Table features) => new NumericColumn(TargetName, Predict(features.ConformTo(InputSchema).ToMatrix()));

    /// <summary>Predicts from a numeric matrix in <c>FeatureNames</c> order.</summary>
    public double[] Predict(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var kernel = new KernelFunction(Options.Kernel, Gamma, Options.Coef0, Options.Degree);
        var kx = kernel.Evaluate(features, SupportVectors);
        var result = new double[features.Rows];
        for (int r = 0; r < result.Length; r++)
        {
            result[r] = System.Numerics.Tensors.TensorPrimitives.Dot<double>(kx.Row(r), _coef) + Intercept;
        }

        return result;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target", TargetName);
        writer.Write("gamma", Gamma);
        writer.Write("support", Support.ToArray());
        writer.Write("support_vectors", SupportVectors);
        writer.Write("dual_coef", _coef);
        writer.Write("intercept", Intercept);
        writer.Write("n_iter", Iterations);
        writer.Write("converged", Converged);
    }

    internal static SvrModel Load(ModelReader reader) => new(
        reader.ReadOptions<SvrOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadString("target"),
        reader.ReadDouble("gamma"),
        reader.ReadInt32s("support"),
        reader.ReadMatrix("support_vectors"),
        reader.ReadDoubles("dual_coef"),
        reader.ReadDouble("intercept"),
        reader.ReadInt32("n_iter"),
        reader.ReadBoolean("converged"));
}
