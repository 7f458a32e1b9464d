using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NetLearn.Linear;

/// <summary>
/// The design of a penalised logistic problem: columns stored column-major (column j is
/// <c>Columns[j·N .. (j+1)·N)</c>), the last one optionally the intercept column (a constant), and which columns the
/// penalty applies to.
/// </summary>
internal sealed record LogisticDesign(double[] Columns, int N, int Q, int Penalized);

/// <summary>
/// Penalised logistic regression by a proximal Newton method: newGLMNET (G.-X. Yuan, C.-H. Ho and C.-J. Lin, "An
/// improved GLMNET for L1-regularized logistic regression", JMLR 13, 2012), extended to the multinomial model with the
/// exact Hessian of the softmax (its cross-class terms enter the inner problem through uᵢ = Σ_c pᵢ_c Δzᵢ_c).
/// Minimises F(W) = Σᵢ sᵢ·logloss(zᵢ) + λ₁‖W‖₁ + (λ₂/2)‖W‖², the norms over the penalised columns only.
/// Each outer iteration forms the gradient and the Hessian's diagonal at W, minimises the quadratic model plus the L1
/// term by cyclic coordinate descent (keeping the model's score change Δz = X·D per row, so one coordinate costs O(n)),
/// and takes the largest step βD (β = 1, ½, ¼, …) with F(W + βD) − F(W) ≤ σβ(∇f·D + λ₁(‖W+D‖₁ − ‖W‖₁)) (Tseng and
/// Yun's sufficient decrease; the scores are updated as z + βΔz, so a line-search trial reads no features).
/// Stops when the largest component of the minimum-norm subgradient is at most <c>tol</c>, the same measure (on the
/// same summed objective) as the L-BFGS solver's gradient test.
/// </summary>
internal sealed class ProximalNewtonLogistic
{
    private const double Sigma = 0.01;
    private const int MaxInnerPasses = 200;
    private const int MaxLineSearchSteps = 40;

    // The inner problem is solved on the explicit Hessian when it has at most this many columns: forming it costs
    // n·q²/2 multiply-adds per Newton step, one coordinate pass over the rows n·2q, so up to 64 columns the Hessian
    // pays for itself after ~16 passes, and passes on it are then nearly free (decision 3.L of the linear family).
    private const int MaxHessianColumns = 64;

    // The multinomial Hessian has k(k+1)/2 distinct q×q blocks (n·q²/2 each), one O(n) coordinate pass over its kq
    // coordinates costs ≈ 8n·kq (two three-way dot products and the Δz and u updates): forming it pays for itself after
    // (k+1)·q/32 passes, so at most 16 passes when (k+1)·q ≤ 512, the binary rule's break-even.
    private const int MaxMultinomialHessianWork = 512;
    private const int MaxInnerPassesOnHessian = 1000;
    private const int GramBlockRows = 256;

    private readonly LogisticDesign _x;
    private readonly int[] _y;
    private readonly double[] _s;
    private readonly int _k;
    private readonly double _l1;
    private readonly double _l2;
    private readonly int _n;
    private readonly int _q;

    // Per row and class (class-major: class c occupies [c·n, (c+1)·n)).
    private readonly double[] _z;
    private readonly double[] _zTrial;
    private readonly double[] _dz;
    private readonly double[] _hq;       // binary: sᵢσ(1−σ); multinomial: sᵢ·pᵢ_c
    private readonly double[] _p;        // multinomial: pᵢ_c
    private readonly double[] _residual; // ∂loss/∂z
    private readonly double[] _u;        // multinomial: Σ_c pᵢ_c Δzᵢ_c
    private readonly double[] _rowLoss;
    private readonly double[] _work;
    private readonly double[] _scratch;

    // Problems with few columns (and classes): the Hessian of the smooth loss (kq×kq; XᵀΛX for one class) and H·D, so
    // that an inner coordinate step costs O(kq) instead of O(n) (null otherwise).
    private readonly double[]? _hessian;
    private readonly double[] _hd = [];
    private readonly double[] _weighted = [];
    private readonly double[] _pairWeights = [];
    private readonly double[] _block = [];

    public ProximalNewtonLogistic(LogisticDesign x, int[] y, double[] weights, int k, double l1, double l2)
    {
        _x = x;
        _y = y;
        _s = weights;
        _k = k;
        _l1 = l1;
        _l2 = l2;
        _n = x.N;
        _q = x.Q;
        _z = new double[_n * k];
        _zTrial = new double[_n * k];
        _dz = new double[_n * k];
        _hq = new double[_n * k];
        _p = k == 1 ? [] : new double[_n * k];
        _residual = new double[_n * k];
        _u = new double[_n];
        _rowLoss = new double[_n];
        _work = new double[_n];
        _scratch = new double[_n];
        int dims = k * _q;
        if (_n >= dims && (k == 1 ? _q <= MaxHessianColumns : (k + 1) * _q <= MaxMultinomialHessianWork))
        {
            _hessian = new double[dims * dims];
            _hd = new double[dims];
            _weighted = new double[_q * Math.Min(_n, GramBlockRows)];
            if (k > 1)
            {
                _pairWeights = new double[_n];
                _block = new double[_q * _q];
            }
        }
    }

    /// <summary>Minimises F from W = 0; returns W (k rows of q values), the iterations and whether tol was met.</summary>
    public (double[] W, int Iterations, bool Converged) Minimize(double tol, int maxIter, Action<int, double>? onIteration, CancellationToken cancellationToken)
    {
        int dims = _k * _q;
        var w = new double[dims];
        var d = new double[dims];
        var g = new double[dims];
        var h = new double[dims];
        double f = Objective(_z, w);
        for (int iteration = 1; ; iteration++)
        {
            Derivatives(w, g, h);
            double violation = Violation(w, g);
            if (violation <= tol)
            {
                return (w, iteration - 1, true);
            }

            if (iteration > maxIter)
            {
                return (w, iteration - 1, false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(d);
            Array.Clear(_dz);
            Array.Clear(_u);
            if (_hessian is not null)
            {
                InnerCoordinateDescentOnHessian(w, g, h, d, Math.Max(0.1 * violation, 0.1 * tol));
            }
            else
            {
                InnerCoordinateDescent(w, g, h, d, Math.Max(0.1 * violation, 0.1 * tol));
            }

            // Predicted decrease Δ = ∇f·D + λ₁(‖W+D‖₁ − ‖W‖₁).
            double delta = TensorPrimitives.Dot<double>(g, d) + (_l1 * (L1Norm(w, d, 1.0) - L1Norm(w, d, 0.0)));
            if (!(delta < 0))
            {
                return (w, iteration - 1, violation <= Math.Max(tol, 1e-6));
            }

            double beta = 1.0, fNew = f;
            bool accepted = false;
            for (int step = 0; step < MaxLineSearchSteps; step++, beta *= 0.5)
            {
                TensorPrimitives.MultiplyAdd<double>(_dz, beta, _z, _zTrial);
                fNew = ObjectiveWithStep(_zTrial, w, d, beta);

                // Near the optimum Δ falls below the rounding of F: the full Newton step is then taken untested.
                if (fNew - f <= Sigma * beta * delta || (step == 0 && -delta <= 1e-13 * Math.Max(1.0, Math.Abs(f))))
                {
                    accepted = true;
                    break;
                }
            }

            if (!accepted)
            {
                return (w, iteration - 1, violation <= Math.Max(tol, 1e-6));
            }

            TensorPrimitives.MultiplyAdd<double>(d, beta, w, w);
            _zTrial.AsSpan().CopyTo(_z);
            f = fNew;
            onIteration?.Invoke(iteration, f);
        }
    }

    // Σ over penalised coordinates of |w + t·d|.
    private double L1Norm(double[] w, double[] d, double t)
    {
        if (_l1 == 0)
        {
            return 0;
        }

        double sum = 0;
        for (int c = 0; c < _k; c++)
        {
            for (int j = 0; j < _x.Penalized; j++)
            {
                sum += Math.Abs(w[(c * _q) + j] + (t * d[(c * _q) + j]));
            }
        }

        return sum;
    }

    private double Penalty(double[] w, double[]? d, double t)
    {
        double sumSquares = 0, sumAbs = 0;
        for (int c = 0; c < _k; c++)
        {
            for (int j = 0; j < _x.Penalized; j++)
            {
                double v = w[(c * _q) + j] + (d is null ? 0.0 : t * d[(c * _q) + j]);
                sumSquares += v * v;
                sumAbs += Math.Abs(v);
            }
        }

        return (_l1 * sumAbs) + (0.5 * _l2 * sumSquares);
    }

    private double Objective(double[] z, double[] w) => Loss(z) + Penalty(w, null, 0);

    private double ObjectiveWithStep(double[] z, double[] w, double[] d, double beta) => Loss(z) + Penalty(w, d, beta);

    // Σᵢ sᵢ·logloss at scores z (binary: softplus(z) − y·z; multinomial: logΣexp(z) − z_y).
    private double Loss(double[] z)
    {
        var loss = _rowLoss.AsSpan();
        if (_k == 1)
        {
            Softplus(z, loss, _work);
            double sum = TensorPrimitives.Dot<double>(loss, _s);
            for (int i = 0; i < _n; i++)
            {
                if (_y[i] == 1)
                {
                    sum -= _s[i] * z[i];
                }
            }

            return sum;
        }

        LogSumExp(z, loss);
        double total = 0;
        for (int i = 0; i < _n; i++)
        {
            total += _s[i] * (loss[i] - z[(_y[i] * _n) + i]);
        }

        return total;
    }

    // log Σ_c exp(z_c) per row, shifted by the row maximum.
    private void LogSumExp(double[] z, Span<double> result)
    {
        var max = _work.AsSpan();
        z.AsSpan(0, _n).CopyTo(max);
        for (int c = 1; c < _k; c++)
        {
            TensorPrimitives.Max(max, z.AsSpan(c * _n, _n), max);
        }

        result.Clear();
        var e = _scratch.AsSpan();
        for (int c = 0; c < _k; c++)
        {
            TensorPrimitives.Subtract(z.AsSpan(c * _n, _n), max, e);
            TensorPrimitives.Exp(e, e);
            TensorPrimitives.Add(result, e, result);
        }

        TensorPrimitives.Log(result, result);
        TensorPrimitives.Add(result, max, result);
    }

    // softplus(z) = max(z, 0) + log(1 + e^−|z|), without overflow.
    internal static void Softplus(ReadOnlySpan<double> z, Span<double> result, Span<double> scratch)
    {
        var e = scratch[..z.Length];
        TensorPrimitives.Abs(z, e);
        TensorPrimitives.Negate<double>(e, e);
        TensorPrimitives.Exp<double>(e, e);
        TensorPrimitives.Add<double>(e, 1.0, e);
        TensorPrimitives.Log<double>(e, e);
        TensorPrimitives.Max(z, 0.0, result);
        TensorPrimitives.Add<double>(result, e, result);
    }

    // Gradient g (smooth part, λ₂ included) and Hessian diagonal h at W; fills the residuals and curvature weights.
    private void Derivatives(double[] w, double[] g, double[] h)
    {
        if (_k == 1)
        {
            var z = _z.AsSpan(0, _n);
            var p = _residual.AsSpan(0, _n);
            for (int i = 0; i < _n; i++)
            {
                p[i] = LogisticObjective.Sigmoid(z[i]);
            }

            for (int i = 0; i < _n; i++)
            {
                double pi = p[i];
                _hq[i] = _s[i] * pi * (1.0 - pi);
                p[i] = _s[i] * (pi - (_y[i] == 1 ? 1.0 : 0.0));
            }
        }
        else
        {
            var lse = _rowLoss.AsSpan();
            LogSumExp(_z, lse);
            for (int c = 0; c < _k; c++)
            {
                var prob = _p.AsSpan(c * _n, _n);
                TensorPrimitives.Subtract(_z.AsSpan(c * _n, _n), lse, prob);
                TensorPrimitives.Exp(prob, prob);
                TensorPrimitives.Multiply(prob, _s, _hq.AsSpan(c * _n, _n));
                _hq.AsSpan(c * _n, _n).CopyTo(_residual.AsSpan(c * _n, _n));
            }

            for (int i = 0; i < _n; i++)
            {
                _residual[(_y[i] * _n) + i] -= _s[i];
            }
        }

        var sq = _work.AsSpan();
        for (int j = 0; j < _q; j++)
        {
            var column = Column(j);
            TensorPrimitives.Multiply(column, column, sq);
            bool penalized = j < _x.Penalized;
            for (int c = 0; c < _k; c++)
            {
                int at = (c * _q) + j;
                g[at] = TensorPrimitives.Dot(column, _residual.AsSpan(c * _n, _n)) + (penalized ? _l2 * w[at] : 0.0);
                double curvature = _k == 1
                    ? TensorPrimitives.Dot(sq, _hq.AsSpan(0, _n))
                    : HessianDiagonal(sq, c);
                h[at] = curvature + (penalized ? _l2 : 0.0);
            }
        }
    }

    // Σᵢ xᵢⱼ² sᵢ pᵢ_c (1 − pᵢ_c) with sq = xⱼ², hq = s·p.
    private double HessianDiagonal(ReadOnlySpan<double> sq, int c)
    {
        var hq = _hq.AsSpan(c * _n, _n);
        var p = _p.AsSpan(c * _n, _n);
        return TensorPrimitives.Dot(sq, hq) - Dot3(sq, hq, p);
    }

    private ReadOnlySpan<double> Column(int j) => _x.Columns.AsSpan(j * _n, _n);

    // Minimum-norm subgradient, largest component.
    private double Violation(double[] w, double[] g)
    {
        double worst = 0;
        for (int c = 0; c < _k; c++)
        {
            for (int j = 0; j < _q; j++)
            {
                int at = (c * _q) + j;
                double v;
                if (j >= _x.Penalized || _l1 == 0)
                {
                    v = Math.Abs(g[at]);
                }
                else if (w[at] > 0)
                {
                    v = Math.Abs(g[at] + _l1);
                }
                else if (w[at] < 0)
                {
                    v = Math.Abs(g[at] - _l1);
                }
                else
                {
                    v = Math.Max(Math.Abs(g[at]) - _l1, 0.0);
                }

                worst = Math.Max(worst, v);
            }
        }

        return worst;
    }

    // Cyclic coordinate descent on ∇f·D + ½DᵀHD + λ₁‖W+D‖₁ (H the exact Hessian of the smooth part, used through Δz).
    private void InnerCoordinateDescent(double[] w, double[] g, double[] h, double[] d, double tolerance)
    {
        // Coordinates at zero whose gradient is well inside the L1 ball stay at zero for this Newton step (newGLMNET's
        // shrinking); all others are cycled until the largest scaled step is below the tolerance.
        var active = new List<int>(_k * _q);
        for (int c = 0; c < _k; c++)
        {
            for (int j = 0; j < _q; j++)
            {
                int at = (c * _q) + j;
                if (h[at] <= 0)
                {
                    continue;
                }

                bool penalizedAtZero = _l1 > 0 && j < _x.Penalized && w[at] == 0;
                if (penalizedAtZero && Math.Abs(g[at]) < _l1 * 0.999999)
                {
                    // Stays at zero for this Newton step; the next outer gradient brings it back if it should move.
                    continue;
                }

                active.Add(at);
            }
        }

        for (int pass = 0; pass < MaxInnerPasses; pass++)
        {
            double largest = CoordinatePass(active, w, g, h, d);
            if (largest <= tolerance)
            {
                break;
            }
        }
    }

    // One cycle over the given coordinates; returns the largest |δ|·h (the size of the step in gradient units).
    private double CoordinatePass(List<int> coordinates, double[] w, double[] g, double[] h, double[] d)
    {
        double largest = 0;
        foreach (int at in coordinates)
        {
            int c = at / _q, j = at % _q;
            var column = Column(j);
            var dzc = _dz.AsSpan(c * _n, _n);
            var hq = _hq.AsSpan(c * _n, _n);
            bool penalized = j < _x.Penalized;

            // ∂/∂d of the quadratic model at the current D.
            double modelGradient = g[at] + (penalized ? _l2 * d[at] : 0.0);
            modelGradient += _k == 1 ? Dot3(column, hq, dzc) : Dot3(column, hq, dzc) - Dot3(column, hq, _u);
            double hjj = h[at];
            double step = CoordinateStep(modelGradient, hjj, w[at] + d[at], penalized);
            if (step == 0)
            {
                continue;
            }

            largest = Math.Max(largest, Math.Abs(step) * hjj);
            d[at] += step;
            TensorPrimitives.MultiplyAdd(column, step, dzc, dzc);
            if (_k > 1)
            {
                // u += step·xᵢⱼ·pᵢ_c.
                AddScaledProduct(column, _p.AsSpan(c * _n, _n), step, _u);
            }
        }

        return largest;
    }

    // The minimiser over δ of (modelGradient)·δ + ½·hjj·δ² + λ₁|current + δ| (soft thresholding; no L1 term when unpenalised).
    private double CoordinateStep(double modelGradient, double hjj, double current, bool penalized)
    {
        if (!penalized || _l1 == 0)
        {
            return -modelGradient / hjj;
        }

        if (modelGradient + _l1 <= hjj * current)
        {
            return -(modelGradient + _l1) / hjj;
        }

        if (modelGradient - _l1 >= hjj * current)
        {
            return -(modelGradient - _l1) / hjj;
        }

        return -current;
    }

    // The same inner problem as InnerCoordinateDescent on the explicit Hessian H of the smooth loss: the model's gradient
    // in coordinate (c, j) is g + λ₂d + (H·D), and H·D is updated by one column of H per step. One class: H = XᵀΛX with
    // Λ = diag(sᵢσᵢ(1−σᵢ)); multinomial: block (c, d) is Xᵀ diag(sᵢpᵢ_c(δ_cd − pᵢ_d)) X, the exact softmax Hessian
    // that the O(n) path applies through Δz and u. Δz = X·D is formed once at the end for the line search.
    private void InnerCoordinateDescentOnHessian(double[] w, double[] g, double[] h, double[] d, double tolerance)
    {
        int q = _q, dims = _k * q;
        var hessian = _hessian!;
        FormHessian(hessian);

        var hd = _hd;
        Array.Clear(hd);
        var active = new List<int>(dims);
        for (int at = 0; at < dims; at++)
        {
            int j = at % q;
            if (h[at] > 0 && !(_l1 > 0 && j < _x.Penalized && w[at] == 0 && Math.Abs(g[at]) < _l1 * 0.999999))
            {
                active.Add(at);
            }
        }

        for (int pass = 0; pass < MaxInnerPassesOnHessian; pass++)
        {
            double largest = 0;
            foreach (int at in active)
            {
                bool penalized = at % q < _x.Penalized;
                double modelGradient = g[at] + (penalized ? _l2 * d[at] : 0.0) + hd[at];
                double hjj = h[at];
                double step = CoordinateStep(modelGradient, hjj, w[at] + d[at], penalized);
                if (step == 0)
                {
                    continue;
                }

                largest = Math.Max(largest, Math.Abs(step) * hjj);
                d[at] += step;
                TensorPrimitives.MultiplyAdd<double>(hessian.AsSpan(at * dims, dims), step, hd, hd);
            }

            if (largest <= tolerance)
            {
                break;
            }
        }

        AddDesignTimes(d, _dz);
    }

    // The explicit Hessian of the smooth loss at the current curvature weights: XᵀΛX for one class, else the softmax blocks.
    private void FormHessian(double[] hessian)
    {
        if (_k == 1)
        {
            WeightedGram(_hq.AsSpan(0, _n), hessian);
        }
        else
        {
            MultinomialHessian(hessian);
        }
    }

    // target (class-major scores) += X·V for coefficients V (k rows of q values).
    private void AddDesignTimes(double[] coefficients, double[] target)
    {
        for (int c = 0; c < _k; c++)
        {
            var scores = target.AsSpan(c * _n, _n);
            for (int j = 0; j < _q; j++)
            {
                if (coefficients[(c * _q) + j] != 0)
                {
                    TensorPrimitives.MultiplyAdd(Column(j), coefficients[(c * _q) + j], scores, scores);
                }
            }
        }
    }

    /// <summary>
    /// For tests: at W, the product H·D of the smooth loss's Hessian with a direction D, once from the explicit Hessian
    /// the inner solver forms and once in the O(n) path's form (Δz = X·D, u = Σ_c p_c Δz_c). Needs a problem small
    /// enough for the explicit Hessian.
    /// </summary>
    internal (double[] Explicit, double[] Implicit) HessianTimesForTests(double[] w, double[] direction)
    {
        int q = _q, dims = _k * q;
        var hessian = _hessian ?? throw new InvalidOperationException("This problem is solved without the explicit Hessian.");
        Array.Clear(_z);
        Array.Clear(_dz);
        AddDesignTimes(w, _z);
        AddDesignTimes(direction, _dz);

        Derivatives(w, new double[dims], new double[dims]);
        FormHessian(hessian);

        var product = new double[dims];
        for (int at = 0; at < dims; at++)
        {
            product[at] = TensorPrimitives.Dot<double>(hessian.AsSpan(at * dims, dims), direction);
        }

        Array.Clear(_u);
        for (int c = 0; c < _k && _k > 1; c++)
        {
            for (int i = 0; i < _n; i++)
            {
                _u[i] += _p[(c * _n) + i] * _dz[(c * _n) + i];
            }
        }

        var through = new double[dims];
        for (int c = 0; c < _k; c++)
        {
            for (int j = 0; j < q; j++)
            {
                var hq = _hq.AsSpan(c * _n, _n);
                through[(c * q) + j] = _k == 1 ? Dot3(Column(j), hq, _dz.AsSpan(0, _n)) : Dot3(Column(j), hq, _dz.AsSpan(c * _n, _n)) - Dot3(Column(j), hq, _u);
            }
        }

        return (product, through);
    }

    // The softmax Hessian (kq×kq, row-major): block (c, d) = Xᵀ diag(λ) X with λᵢ = sᵢpᵢ_c(δ_cd − pᵢ_d), each distinct
    // block formed once and mirrored (every block is symmetric, and block (d, c) equals block (c, d)).
    private void MultinomialHessian(double[] hessian)
    {
        int q = _q, dims = _k * q;
        var lambda = _pairWeights.AsSpan();
        for (int c = 0; c < _k; c++)
        {
            var hqc = _hq.AsSpan(c * _n, _n);
            for (int other = c; other < _k; other++)
            {
                TensorPrimitives.Multiply(hqc, _p.AsSpan(other * _n, _n), lambda);
                if (other == c)
                {
                    TensorPrimitives.Subtract(hqc, lambda, lambda);
                }
                else
                {
                    TensorPrimitives.Negate<double>(lambda, lambda);
                }

                WeightedGram(lambda, _block);
                for (int j = 0; j < q; j++)
                {
                    _block.AsSpan(j * q, q).CopyTo(hessian.AsSpan(((c * q) + j) * dims + (other * q), q));
                    _block.AsSpan(j * q, q).CopyTo(hessian.AsSpan(((other * q) + j) * dims + (c * q), q));
                }
            }
        }
    }

    // H = XᵀΛX for weights λ (q×q, row-major, symmetric), in blocks of rows so that the weighted block stays in cache.
    private void WeightedGram(ReadOnlySpan<double> lambda, double[] hessian)
    {
        int q = _q, n = _n;
        Array.Clear(hessian);
        var weighted = _weighted.AsSpan();
        for (int from = 0; from < n; from += GramBlockRows)
        {
            int length = Math.Min(GramBlockRows, n - from);
            for (int j = 0; j < q; j++)
            {
                TensorPrimitives.Multiply(_x.Columns.AsSpan((j * n) + from, length), lambda.Slice(from, length), weighted.Slice(j * length, length));
            }

            for (int i = 0; i < q; i++)
            {
                var wi = weighted.Slice(i * length, length);
                int j = i;
                for (; j + 3 < q; j += 4)
                {
                    LinearData.Dot4(wi, Segment(j, from, length), Segment(j + 1, from, length), Segment(j + 2, from, length), Segment(j + 3, from, length), hessian.AsSpan((i * q) + j, 4));
                }

                for (; j < q; j++)
                {
                    hessian[(i * q) + j] += TensorPrimitives.Dot(wi, Segment(j, from, length));
                }
            }
        }

        for (int i = 0; i < q; i++)
        {
            for (int j = 0; j < i; j++)
            {
                hessian[(i * q) + j] = hessian[(j * q) + i];
            }
        }
    }

    private ReadOnlySpan<double> Segment(int column, int from, int length) => _x.Columns.AsSpan((column * _n) + from, length);

    // Σᵢ aᵢbᵢcᵢ.
    private static double Dot3(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        int n = a.Length, i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
            var vc = MemoryMarshal.Cast<double, Vector<double>>(c);
            int v = 0;
            for (; v + 1 < va.Length; v += 2)
            {
                acc0 += va[v] * vb[v] * vc[v];
                acc1 += va[v + 1] * vb[v + 1] * vc[v + 1];
            }

            for (; v < va.Length; v++)
            {
                acc0 += va[v] * vb[v] * vc[v];
            }

            sum = Vector.Sum(acc0 + acc1);
            i = va.Length * Vector<double>.Count;
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i] * c[i];
        }

        return sum;
    }

    // target += step·aᵢ·bᵢ.
    private static void AddScaledProduct(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double step, Span<double> target)
    {
        for (int i = 0; i < a.Length; i++)
        {
            target[i] += step * a[i] * b[i];
        }
    }
}
