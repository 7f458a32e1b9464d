using NetLearn.LinearAlgebra;

namespace NetLearn.Svm;

/// <summary>
/// The SMO solver of libsvm (Chang and Lin, "LIBSVM: a library for support vector machines", 2011) for
/// min ½αᵀQα + pᵀα subject to yᵀα = Δ and 0 ≤ αᵢ ≤ Cᵢ, with yᵢ = ±1, using the second-order working-set selection
/// WSS3 of Fan, Chen and Lin ("Working set selection using second order information for training SVM", JMLR 2005).
/// Stops when the maximal violating pair's gap m(α) − M(α) is below tol. No shrinking: the optimum is the same, only
/// the running time differs. Kernel rows are cached (least recently used first out) in single precision, exactly as
/// libsvm stores them (its Qfloat): this halves the cache and keeps the solver's path, and so its answer at a given tol,
/// the same as scikit-learn's; the diagonal, gradients and α stay in double precision.
/// </summary>
internal sealed class SmoSolver
{
    private const double Tau = 1e-12;

    private readonly int _l;
    private readonly Func<int, float[]> _computeRow;
    private readonly double[] _qd;
    private readonly sbyte[] _y;
    private readonly double[] _c;
    private readonly RowCache _cache;

    /// <param name="l">Number of variables.</param>
    /// <param name="computeRow">Computes row i of Q (length l).</param>
    /// <param name="qd">The diagonal of Q.</param>
    /// <param name="y">±1 per variable.</param>
    /// <param name="c">Upper bound per variable.</param>
    /// <param name="cacheRows">How many rows of Q to keep.</param>
    public SmoSolver(int l, Func<int, float[]> computeRow, double[] qd, sbyte[] y, double[] c, int cacheRows)
    {
        _l = l;
        _computeRow = computeRow;
        _qd = qd;
        _y = y;
        _c = c;
        _cache = new RowCache(Math.Max(2, cacheRows));
    }

    /// <summary>Solves from α = 0 with linear term <paramref name="p"/>; returns α, ρ, the iterations and whether tol was met.</summary>
    public (double[] Alpha, double Rho, int Iterations, bool Converged) Solve(double[] p, double tol, int maxIter, CancellationToken cancellationToken)
    {
        int l = _l;
        var alpha = new double[l];
        var g = (double[])p.Clone();
        int iteration = 0;
        bool converged = false;
        while (iteration < maxIter)
        {
            if ((iteration & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (!SelectWorkingSet(alpha, g, tol, out int i, out int j))
            {
                converged = true;
                break;
            }

            iteration++;
            float[] qi = Row(i), qj = Row(j);
            double ci = _c[i], cj = _c[j];
            double oldI = alpha[i], oldJ = alpha[j];
            if (_y[i] != _y[j])
            {
                double quad = _qd[i] + _qd[j] + (2 * qi[j]);
                if (quad <= 0)
                {
                    quad = Tau;
                }

                double delta = (-g[i] - g[j]) / quad;
                double diff = alpha[i] - alpha[j];
                alpha[i] += delta;
                alpha[j] += delta;
                if (diff > 0)
                {
                    if (alpha[j] < 0)
                    {
                        alpha[j] = 0;
                        alpha[i] = diff;
                    }
                }
                else if (alpha[i] < 0)
                {
                    alpha[i] = 0;
                    alpha[j] = -diff;
                }

                if (diff > ci - cj)
                {
                    if (alpha[i] > ci)
                    {
                        alpha[i] = ci;
                        alpha[j] = ci - diff;
                    }
                }
                else if (alpha[j] > cj)
                {
                    alpha[j] = cj;
                    alpha[i] = cj + diff;
                }
            }
            else
            {
                double quad = _qd[i] + _qd[j] - (2 * qi[j]);
                if (quad <= 0)
                {
                    quad = Tau;
                }

                double delta = (g[i] - g[j]) / quad;
                double sum = alpha[i] + alpha[j];
                alpha[i] -= delta;
                alpha[j] += delta;
                if (sum > ci)
                {
                    if (alpha[i] > ci)
                    {
                        alpha[i] = ci;
                        alpha[j] = sum - ci;
                    }
                }
                else if (alpha[j] < 0)
                {
                    alpha[j] = 0;
                    alpha[i] = sum;
                }

                if (sum > cj)
                {
                    if (alpha[j] > cj)
                    {
                        alpha[j] = cj;
                        alpha[i] = sum - cj;
                    }
                }
                else if (alpha[i] < 0)
                {
                    alpha[i] = 0;
                    alpha[j] = sum;
                }
            }

            double di = alpha[i] - oldI, dj = alpha[j] - oldJ;
            for (int k = 0; k < l; k++)
            {
                g[k] += (qi[k] * di) + (qj[k] * dj);
            }
        }

        return (alpha, Rho(alpha, g), iteration, converged);
    }

    private float[] Row(int i) => _cache.Get(i, _computeRow);

    private bool Upper(double[] alpha, int i) => alpha[i] >= _c[i];

    private static bool Lower(double[] alpha, int i) => alpha[i] <= 0;

    // WSS3: i maximises −yᵢ∇ᵢ over I_up; j minimises the second-order decrease over I_low among violating pairs.
    private bool SelectWorkingSet(double[] alpha, double[] g, double tol, out int outI, out int outJ)
    {
        double gmax = double.NegativeInfinity, gmax2 = double.NegativeInfinity;
        int gmaxIndex = -1, gminIndex = -1;
        double objDiffMin = double.PositiveInfinity;
        for (int t = 0; t < _l; t++)
        {
            if (_y[t] == 1)
            {
                if (!Upper(alpha, t) && -g[t] >= gmax)
                {
                    gmax = -g[t];
                    gmaxIndex = t;
                }
            }
            else if (!Lower(alpha, t) && g[t] >= gmax)
            {
                gmax = g[t];
                gmaxIndex = t;
            }
        }

        int i = gmaxIndex;
        float[]? qi = i != -1 ? Row(i) : null;
        for (int j = 0; j < _l; j++)
        {
            if (_y[j] == 1)
            {
                if (!Lower(alpha, j))
                {
                    double gradDiff = gmax + g[j];
                    if (g[j] >= gmax2)
                    {
                        gmax2 = g[j];
                    }

                    if (gradDiff > 0)
                    {
                        double quad = _qd[i] + _qd[j] - (2.0 * _y[i] * qi![j]);
                        double objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : Tau);
                        if (objDiff <= objDiffMin)
                        {
                            gminIndex = j;
                            objDiffMin = objDiff;
                        }
                    }
                }
            }
            else if (!Upper(alpha, j))
            {
                double gradDiff = gmax - g[j];
                if (-g[j] >= gmax2)
                {
                    gmax2 = -g[j];
                }

                if (gradDiff > 0)
                {
                    double quad = _qd[i] + _qd[j] + (2.0 * _y[i] * qi![j]);
                    double objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : Tau);
                    if (objDiff <= objDiffMin)
                    {
                        gminIndex = j;
                        objDiffMin = objDiff;
                    }
                }
            }
        }

        outI = gmaxIndex;
        outJ = gminIndex;
        return !(gmax + gmax2 < tol || gminIndex == -1);
    }

    // ρ: the mean of yᵢ∇ᵢ over free variables, else the middle of the feasible interval (libsvm's calculate_rho).
    private double Rho(double[] alpha, double[] g)
    {
        int free = 0;
        double ub = double.PositiveInfinity, lb = double.NegativeInfinity, sumFree = 0;
        for (int i = 0; i < _l; i++)
        {
            double yg = _y[i] * g[i];
            if (Upper(alpha, i))
            {
                if (_y[i] == -1)
                {
                    ub = Math.Min(ub, yg);
                }
                else
                {
                    lb = Math.Max(lb, yg);
                }
            }
            else if (Lower(alpha, i))
            {
                if (_y[i] == 1)
                {
                    ub = Math.Min(ub, yg);
                }
                else
                {
                    lb = Math.Max(lb, yg);
                }
            }
            else
            {
                free++;
                sumFree += yg;
            }
        }

        return free > 0 ? sumFree / free : (ub + lb) / 2;
    }

    /// <summary>A least-recently-used cache of kernel rows.</summary>
    private sealed class RowCache(int capacity)
    {
        private readonly Dictionary<int, LinkedListNode<(int Index, float[] Row)>> _map = [];
        private readonly LinkedList<(int Index, float[] Row)> _order = new();

        public float[] Get(int index, Func<int, float[]> compute)
        {
            if (_map.TryGetValue(index, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Row;
            }

            float[] row;
            if (_map.Count >= capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Index);
                row = compute(index);
            }
            else
            {
                row = compute(index);
            }

            _map[index] = _order.AddFirst((index, row));
            return row;
        }
    }
}

/// <summary>Platt scaling as libsvm implements it (Lin, Lin and Weng, "A note on Platt's probabilistic outputs for support vector machines", 2007).</summary>
internal static class PlattScaling
{
    /// <summary>Fits P(y = +1 | f) = 1/(1 + exp(A·f + B)) by Newton's method with backtracking; <paramref name="positive"/> marks y = +1.</summary>
    public static (double A, double B) Fit(double[] decision, bool[] positive)
    {
        int l = decision.Length;
        double prior1 = positive.Count(v => v), prior0 = l - prior1;
        const int maxIter = 100;
        const double minStep = 1e-10, sigma = 1e-12, eps = 1e-5;
        double hiTarget = (prior1 + 1.0) / (prior1 + 2.0), loTarget = 1 / (prior0 + 2.0);
        var t = new double[l];
        for (int i = 0; i < l; i++)
        {
            t[i] = positive[i] ? hiTarget : loTarget;
        }

        double a = 0.0, b = Math.Log((prior0 + 1.0) / (prior1 + 1.0));
        double fval = Objective(decision, t, a, b);
        for (int iter = 0; iter < maxIter; iter++)
        {
            double h11 = sigma, h22 = sigma, h21 = 0.0, g1 = 0.0, g2 = 0.0;
            for (int i = 0; i < l; i++)
            {
                double fApB = (decision[i] * a) + b, p, q;
                if (fApB >= 0)
                {
                    p = Math.Exp(-fApB) / (1.0 + Math.Exp(-fApB));
                    q = 1.0 / (1.0 + Math.Exp(-fApB));
                }
                else
                {
                    p = 1.0 / (1.0 + Math.Exp(fApB));
                    q = Math.Exp(fApB) / (1.0 + Math.Exp(fApB));
                }

                double d2 = p * q;
                h11 += decision[i] * decision[i] * d2;
                h22 += d2;
                h21 += decision[i] * d2;
                double d1 = t[i] - p;
                g1 += decision[i] * d1;
                g2 += d1;
            }

            if (Math.Abs(g1) < eps && Math.Abs(g2) < eps)
            {
                break;
            }

            double det = (h11 * h22) - (h21 * h21);
            double dA = -((h22 * g1) - (h21 * g2)) / det, dB = -((-h21 * g1) + (h11 * g2)) / det;
            double gd = (g1 * dA) + (g2 * dB);
            double step = 1;
            while (step >= minStep)
            {
                double newA = a + (step * dA), newB = b + (step * dB);
                double newF = Objective(decision, t, newA, newB);
                if (newF < fval + (0.0001 * step * gd))
                {
                    (a, b, fval) = (newA, newB, newF);
                    break;
                }

                step /= 2.0;
            }

            if (step < minStep)
            {
                break;
            }
        }

        return (a, b);
    }

    public static double Predict(double decision, double a, double b)
    {
        double fApB = (decision * a) + b;
        return fApB >= 0 ? Math.Exp(-fApB) / (1.0 + Math.Exp(-fApB)) : 1.0 / (1 + Math.Exp(fApB));
    }

    /// <summary>Class probabilities from pairwise ones (Wu, Lin and Weng, "Probability estimates for multi-class classification by pairwise coupling", JMLR 2004, method 2), as libsvm's multiclass_probability.</summary>
    public static double[] Couple(double[,] r)
    {
        int k = r.GetLength(0);
        var p = new double[k];
        var q = new double[k, k];
        var qp = new double[k];
        int maxIter = Math.Max(100, k);
        double eps = 0.005 / k;
        for (int t = 0; t < k; t++)
        {
            p[t] = 1.0 / k;
            q[t, t] = 0;
            for (int j = 0; j < t; j++)
            {
                q[t, t] += r[j, t] * r[j, t];
                q[t, j] = q[j, t];
            }

            for (int j = t + 1; j < k; j++)
            {
                q[t, t] += r[j, t] * r[j, t];
                q[t, j] = -r[j, t] * r[t, j];
            }
        }

        for (int iter = 0; iter < maxIter; iter++)
        {
            double pqp = 0;
            for (int t = 0; t < k; t++)
            {
                qp[t] = 0;
                for (int j = 0; j < k; j++)
                {
                    qp[t] += q[t, j] * p[j];
                }

                pqp += p[t] * qp[t];
            }

            double maxError = 0;
            for (int t = 0; t < k; t++)
            {
                maxError = Math.Max(maxError, Math.Abs(qp[t] - pqp));
            }

            if (maxError < eps)
            {
                break;
            }

            for (int t = 0; t < k; t++)
            {
                double diff = (-qp[t] + pqp) / q[t, t];
                p[t] += diff;
                pqp = (pqp + (diff * ((diff * q[t, t]) + (2 * qp[t])))) / (1 + diff) / (1 + diff);
                for (int j = 0; j < k; j++)
                {
                    qp[j] = (qp[j] + (diff * q[t, j])) / (1 + diff);
                    p[j] /= 1 + diff;
                }
            }
        }

        return p;
    }

    private static double Objective(double[] decision, double[] t, double a, double b)
    {
        double f = 0;
        for (int i = 0; i < decision.Length; i++)
        {
            double fApB = (decision[i] * a) + b;
            f += fApB >= 0 ? (t[i] * fApB) + Math.Log(1 + Math.Exp(-fApB)) : ((t[i] - 1) * fApB) + Math.Log(1 + Math.Exp(fApB));
        }

        return f;
    }
}
