using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetLearn.LinearAlgebra;

namespace NetLearn.Svm;

/// <summary>Fills <paramref name="destination"/>[t] with Q(i, columns[t]); indices are the caller's (unpermuted) variable numbers.</summary>
/// <param name="i">The row.</param>
/// <param name="columns">The columns wanted.</param>
/// <param name="destination">One value per column.</param>
internal delegate void QRowFiller(int i, ReadOnlySpan<int> columns, Span<float> destination);

/// <summary>
/// The SMO solver of libsvm (Chang and Lin, "LIBSVM: a library for support vector machines", 2011, section 5) for
/// min ½αᵀQα + pᵀα subject to yᵀα = Δ and 0 ≤ αᵢ ≤ Cᵢ, with yᵢ = ±1, using the second-order working-set selection
/// WSS3 of Fan, Chen and Lin ("Working set selection using second order information for training SVM", JMLR 2005).
/// Stops when the maximal violating pair's gap m(α) − M(α) is below tol.
/// <para>
/// Shrinking (libsvm's heuristic, section 5.5 of the paper; scikit-learn's <c>shrinking=True</c>): every min(l, 1000)
/// iterations, variables at a bound whose gradient says they will stay there are moved behind the active set (the
/// arrays are permuted, as libsvm's <c>swap_index</c> does), so working-set selection, the gradient update and the
/// kernel rows only cover the active variables. <c>Ḡ</c> (the gradient part of the variables at their upper bound) is
/// kept up to date so the full gradient can be rebuilt; when the active set looks optimal, or once the gap falls below
/// 10·tol, the full gradient is reconstructed and every variable becomes active again, so the stopping test is always
/// made on all variables: the optimum is the same, only the work differs. The same permutations and the same
/// arithmetic as libsvm keep the solver on libsvm's path.
/// </para>
/// <para>
/// Kernel rows are cached (least recently used first out) in single precision, exactly as libsvm stores them (its
/// Qfloat), each row only as long as it was needed (the active prefix); the diagonal, gradients and α stay in double
/// precision.
/// </para>
/// </summary>
internal sealed class SmoSolver
{
    private const double Tau = 1e-12;

    private readonly int _l;
    private readonly QRowFiller _fill;
    private readonly bool _shrinking;
    private readonly RowCache _cache;

    // Per position (permuted by shrinking); _active maps a position to the caller's variable number.
    private readonly double[] _qd;
    private readonly sbyte[] _y;
    private readonly double[] _c;
    private readonly int[] _active;
    private double[] _alpha = [];
    private double[] _g = [];
    private double[] _gBar = [];
    private double[] _p = [];

    // Per position, for the vectorised working-set selection: yᵢ as a double, and 0 or −∞ for membership of
    // I_up(α) and I_low(α) (libsvm's alpha_status, in a form that can be added to a score).
    private readonly double[] _yd;
    private readonly double[] _upPenalty;
    private readonly double[] _lowPenalty;
    private int _activeSize;
    private bool _unshrink;

    /// <param name="l">Number of variables.</param>
    /// <param name="fill">Computes entries of rows of Q.</param>
    /// <param name="qd">The diagonal of Q.</param>
    /// <param name="y">±1 per variable.</param>
    /// <param name="c">Upper bound per variable.</param>
    /// <param name="cacheRows">How many full rows of Q the cache may hold (at least 2).</param>
    /// <param name="shrinking">Whether to use the shrinking heuristic.</param>
    public SmoSolver(int l, QRowFiller fill, double[] qd, sbyte[] y, double[] c, int cacheRows, bool shrinking)
    {
        _l = l;
        _fill = fill;
        _qd = (double[])qd.Clone();
        _y = (sbyte[])y.Clone();
        _c = (double[])c.Clone();
        _active = new int[l];
        _yd = new double[l];
        _upPenalty = new double[l];
        _lowPenalty = new double[l];
        _shrinking = shrinking;
        _cache = new RowCache(l, Math.Max(2L, cacheRows) * Math.Max(l, 1));
    }

    /// <summary>Solves from α = 0 with linear term <paramref name="p"/>; returns α (in the caller's order), ρ, the iterations and whether tol was met.</summary>
    public (double[] Alpha, double Rho, int Iterations, bool Converged) Solve(double[] p, double tol, int maxIter, CancellationToken cancellationToken)
    {
        int l = _l;
        _alpha = new double[l];
        _g = (double[])p.Clone();
        _p = (double[])p.Clone();
        _gBar = new double[l];
        for (int t = 0; t < l; t++)
        {
            _active[t] = t;
            _yd[t] = _y[t];
            UpdateStatus(t);
        }

        _activeSize = l;
        _unshrink = false;
        var alpha = _alpha;
        var g = _g;
        int iteration = 0;
        int counter = Math.Min(l, 1000) + 1;
        bool converged = false;
        while (iteration < maxIter)
        {
            if ((iteration & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (--counter == 0)
            {
                counter = Math.Min(l, 1000);
                if (_shrinking)
                {
                    Shrink(tol);
                }
            }

            if (!SelectWorkingSet(tol, out int i, out int j))
            {
                // The active variables are optimal: check again on all of them.
                ReconstructGradient();
                _activeSize = l;
                if (!SelectWorkingSet(tol, out i, out j))
                {
                    converged = true;
                    break;
                }

                counter = 1;
            }

            iteration++;
            int active = _activeSize;
            float[] qi = Row(i, active), qj = Row(j, active);
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

            UpdateStatus(i);
            UpdateStatus(j);
            double di = alpha[i] - oldI, dj = alpha[j] - oldJ;
            UpdateGradient(g.AsSpan(0, active), qi, qj, di, dj);

            if (_shrinking)
            {
                // Ḡ changes when a variable reaches or leaves its upper bound (only needed to rebuild the gradient).
                UpdateGBar(i, oldI >= ci, ci);
                UpdateGBar(j, oldJ >= cj, cj);
            }
        }

        if (_activeSize < l)
        {
            ReconstructGradient();
            _activeSize = l;
        }

        double rho = Rho();
        var result = new double[l];
        for (int t = 0; t < l; t++)
        {
            result[_active[t]] = alpha[t];
        }

        return (result, rho, iteration, converged);
    }

    // G[k] += Q_i[k]·Δαi + Q_j[k]·Δαj over the active set, eight entries at a time: the same products and sums as the
    // scalar expression (no fused multiply-add), so the gradient is bit-for-bit libsvm's.
    private static void UpdateGradient(Span<double> g, float[] qi, float[] qj, double di, double dj)
    {
        int n = g.Length, k = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            ref double g0 = ref MemoryMarshal.GetReference(g);
            ref float qi0 = ref MemoryMarshal.GetArrayDataReference(qi);
            ref float qj0 = ref MemoryMarshal.GetArrayDataReference(qj);
            if (qi.Length < n || qj.Length < n)
            {
                throw new ArgumentException("a kernel row is shorter than the active set");
            }

            var vdi = Vector256.Create(di);
            var vdj = Vector256.Create(dj);
            for (; k + Vector256<float>.Count <= n; k += Vector256<float>.Count)
            {
                var fi = Vector256.LoadUnsafe(ref qi0, (nuint)k);
                var fj = Vector256.LoadUnsafe(ref qj0, (nuint)k);
                var low = Vector256.LoadUnsafe(ref g0, (nuint)k);
                var high = Vector256.LoadUnsafe(ref g0, (nuint)(k + 4));
                low += (Vector256.WidenLower(fi) * vdi) + (Vector256.WidenLower(fj) * vdj);
                high += (Vector256.WidenUpper(fi) * vdi) + (Vector256.WidenUpper(fj) * vdj);
                low.StoreUnsafe(ref g0, (nuint)k);
                high.StoreUnsafe(ref g0, (nuint)(k + 4));
            }
        }

        for (; k < n; k++)
        {
            g[k] += (qi[k] * di) + (qj[k] * dj);
        }
    }

    private void UpdateGBar(int i, bool wasUpper, double ci)
    {
        bool isUpper = Upper(i);
        if (wasUpper == isUpper)
        {
            return;
        }

        float[] qi = Row(i, _l);
        var gBar = _gBar;
        if (wasUpper)
        {
            for (int k = 0; k < gBar.Length; k++)
            {
                gBar[k] -= ci * qi[k];
            }
        }
        else
        {
            for (int k = 0; k < gBar.Length; k++)
            {
                gBar[k] += ci * qi[k];
            }
        }
    }

    // Row i of Q (positions 0 … length − 1, in the current permutation), computing only the entries not cached yet.
    private float[] Row(int i, int length)
    {
        var (row, valid) = _cache.Get(i, length);
        if (valid < length)
        {
            _fill(_active[i], _active.AsSpan(valid, length - valid), row.AsSpan(valid, length - valid));
        }

        return row;
    }

    private bool Upper(int i) => _alpha[i] >= _c[i];

    private bool Lower(int i) => _alpha[i] <= 0;

    private bool Free(int i) => !Upper(i) && !Lower(i);

    // I_up(α) = {t | yₜ = 1, αₜ < Cₜ} ∪ {t | yₜ = −1, αₜ > 0}; I_low(α) the other way round (libsvm's alpha_status).
    private void UpdateStatus(int t)
    {
        bool upper = Upper(t), lower = Lower(t);
        bool inUp = _y[t] == 1 ? !upper : !lower;
        bool inLow = _y[t] == 1 ? !lower : !upper;
        _upPenalty[t] = inUp ? 0.0 : double.NegativeInfinity;
        _lowPenalty[t] = inLow ? 0.0 : double.NegativeInfinity;
    }

    // WSS3 over the active variables: i maximises −yᵢ∇ᵢ over I_up; j minimises the second-order decrease over I_low among
    // violating pairs. Both scans are vectorised (four lanes, each keeping its best value and index) with libsvm's
    // arithmetic and tie rule (the last index wins), so the same pair is chosen as by libsvm's scalar loops.
    private bool SelectWorkingSet(double tol, out int outI, out int outJ)
    {
        int active = _activeSize;
        var (gmax, i) = MaxViolation(active);
        outI = i;
        outJ = -1;
        if (i == -1)
        {
            return false;
        }

        float[] qi = Row(i, active);
        var (gmax2, j) = BestPartner(i, gmax, qi, active);
        outJ = j;
        return !(gmax + gmax2 < tol || j == -1);
    }

    // max over I_up of −yₜ∇ₜ and the last position reaching it (−1 when I_up is empty).
    private (double Value, int Index) MaxViolation(int active)
    {
        var g = _g;
        var yd = _yd;
        var pen = _upPenalty;
        double best = double.NegativeInfinity;
        int bestIndex = -1, t = 0;
        if (Vector256.IsHardwareAccelerated && active >= Vector256<double>.Count)
        {
            var value = Vector256.Create(double.NegativeInfinity);
            var index = Vector256.Create(-1L);
            var lane = Vector256.Create(0L, 1L, 2L, 3L);
            var step = Vector256.Create(4L);
            for (; t + Vector256<double>.Count <= active; t += Vector256<double>.Count, lane += step)
            {
                var v = -(Vector256.LoadUnsafe(ref yd[0], (nuint)t) * Vector256.LoadUnsafe(ref g[0], (nuint)t));
                var take = Vector256.GreaterThanOrEqual(v, value) & Vector256.Equals(Vector256.LoadUnsafe(ref pen[0], (nuint)t), Vector256<double>.Zero);
                value = Vector256.ConditionalSelect(take, v, value);
                index = Vector256.ConditionalSelect(take.AsInt64(), lane, index);
            }

            (best, bestIndex) = LastBest(value, index, larger: true);
        }

        for (; t < active; t++)
        {
            if (pen[t] == 0)
            {
                double v = -(yd[t] * g[t]);
                if (v >= best)
                {
                    best = v;
                    bestIndex = t;
                }
            }
        }

        return (best, bestIndex);
    }

    // Over I_low: max of yₜ∇ₜ (libsvm's Gmax2), and the t with gradDiff = gmax + yₜ∇ₜ > 0 minimising
    // −gradDiff²/quad, quad = Q_ii + Q_tt − 2yᵢyₜK_it (τ when not positive), last position on ties.
    private (double Gmax2, int Index) BestPartner(int i, double gmax, float[] qi, int active)
    {
        var g = _g;
        var yd = _yd;
        var qd = _qd;
        var pen = _lowPenalty;
        if (qi.Length < active)
        {
            throw new InvalidOperationException("the kernel row is shorter than the active set");
        }

        double qdi = qd[i], twoYi = 2.0 * _y[i];
        double gmax2 = double.NegativeInfinity, best = double.PositiveInfinity;
        int bestIndex = -1, t = 0;
        if (Vector256.IsHardwareAccelerated && active >= Vector256<float>.Count)
        {
            var value = Vector256.Create(double.PositiveInfinity);
            var index = Vector256.Create(-1L);
            var lane = Vector256.Create(0L, 1L, 2L, 3L);
            var step = Vector256.Create(4L);
            var g2 = Vector256.Create(double.NegativeInfinity);
            var gmaxV = Vector256.Create(gmax);
            var qdiV = Vector256.Create(qdi);
            var twoYiV = Vector256.Create(twoYi);
            var tau = Vector256.Create(Tau);
            ref double g0 = ref g[0], y0 = ref yd[0], qd0 = ref qd[0], pen0 = ref pen[0];
            for (; t + Vector256<float>.Count <= active; t += Vector256<float>.Count)
            {
                var q = Vector256.LoadUnsafe(ref qi[0], (nuint)t);
                PartnerLanes((nuint)t, Vector256.WidenLower(q), ref g0, ref y0, ref qd0, ref pen0, gmaxV, qdiV, twoYiV, tau, ref g2, ref value, ref index, lane);
                lane += step;
                PartnerLanes((nuint)(t + Vector256<double>.Count), Vector256.WidenUpper(q), ref g0, ref y0, ref qd0, ref pen0, gmaxV, qdiV, twoYiV, tau, ref g2, ref value, ref index, lane);
                lane += step;
            }

            (best, bestIndex) = LastBest(value, index, larger: false);
            for (int k = 0; k < Vector256<double>.Count; k++)
            {
                gmax2 = Math.Max(gmax2, g2[k]);
            }
        }

        for (; t < active; t++)
        {
            if (pen[t] != 0)
            {
                continue;
            }

            double yg = yd[t] * g[t];
            if (yg >= gmax2)
            {
                gmax2 = yg;
            }

            double gradDiff = gmax + yg;
            if (gradDiff > 0)
            {
                double quad = qdi + qd[t] - (twoYi * yd[t] * qi[t]);
                double objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : Tau);
                if (objDiff <= best)
                {
                    best = objDiff;
                    bestIndex = t;
                }
            }
        }

        return (gmax2, bestIndex);
    }

    // Four positions of BestPartner's scan (see there), kept in registers by inlining.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void PartnerLanes(
        nuint at, Vector256<double> kit, ref double g0, ref double y0, ref double qd0, ref double pen0, Vector256<double> gmax, Vector256<double> qdi,
        Vector256<double> twoYi, Vector256<double> tau, ref Vector256<double> gmax2, ref Vector256<double> value, ref Vector256<long> index, Vector256<long> lane)
    {
        var yt = Vector256.LoadUnsafe(ref y0, at);
        var low = Vector256.LoadUnsafe(ref pen0, at);
        var yg = yt * Vector256.LoadUnsafe(ref g0, at);
        gmax2 = Vector256.Max(gmax2, yg + low);
        var gradDiff = gmax + yg + low;
        var quad = qdi + Vector256.LoadUnsafe(ref qd0, at) - (twoYi * yt * kit);
        quad = Vector256.ConditionalSelect(Vector256.GreaterThan(quad, Vector256<double>.Zero), quad, tau);
        var objDiff = -(gradDiff * gradDiff) / quad;
        var take = Vector256.GreaterThan(gradDiff, Vector256<double>.Zero) & Vector256.LessThanOrEqual(objDiff, value);
        value = Vector256.ConditionalSelect(take, objDiff, value);
        index = Vector256.ConditionalSelect(take.AsInt64(), lane, index);
    }

    // The best of four lanes (largest or smallest value; on equal values the larger index, i.e. the later position).
    private static (double Value, int Index) LastBest(Vector256<double> value, Vector256<long> index, bool larger)
    {
        double best = larger ? double.NegativeInfinity : double.PositiveInfinity;
        int bestIndex = -1;
        for (int k = 0; k < Vector256<double>.Count; k++)
        {
            int at = (int)index[k];
            if (at < 0)
            {
                continue;
            }

            double v = value[k];
            bool better = larger ? v > best : v < best;
            if (bestIndex == -1 || better || (v == best && at > bestIndex))
            {
                best = v;
                bestIndex = at;
            }
        }

        return (best, bestIndex);
    }

    // libsvm's do_shrinking: moves bounded variables that cannot improve the current maximal violating pair behind the active set.
    private void Shrink(double tol)
    {
        var g = _g;
        double gmax1 = double.NegativeInfinity, gmax2 = double.NegativeInfinity;
        for (int t = 0; t < _activeSize; t++)
        {
            if (_y[t] == 1)
            {
                if (!Upper(t) && -g[t] >= gmax1)
                {
                    gmax1 = -g[t];
                }

                if (!Lower(t) && g[t] >= gmax2)
                {
                    gmax2 = g[t];
                }
            }
            else
            {
                if (!Upper(t) && -g[t] >= gmax2)
                {
                    gmax2 = -g[t];
                }

                if (!Lower(t) && g[t] >= gmax1)
                {
                    gmax1 = g[t];
                }
            }
        }

        if (!_unshrink && gmax1 + gmax2 <= tol * 10)
        {
            // Close to the optimum: bring every variable back once, so that late changes are not missed.
            _unshrink = true;
            ReconstructGradient();
            _activeSize = _l;
        }

        for (int t = 0; t < _activeSize; t++)
        {
            if (ShouldShrink(t, gmax1, gmax2))
            {
                _activeSize--;
                while (_activeSize > t)
                {
                    if (!ShouldShrink(_activeSize, gmax1, gmax2))
                    {
                        Swap(t, _activeSize);
                        break;
                    }

                    _activeSize--;
                }
            }
        }

        _cache.ApplySwaps();
    }

    private bool ShouldShrink(int t, double gmax1, double gmax2)
    {
        if (Upper(t))
        {
            return _y[t] == 1 ? -_g[t] > gmax1 : -_g[t] > gmax2;
        }

        if (Lower(t))
        {
            return _y[t] == 1 ? _g[t] > gmax2 : _g[t] > gmax1;
        }

        return false;
    }

    // The gradient of the inactive variables from Ḡ and the free active variables (libsvm's reconstruct_gradient).
    private void ReconstructGradient()
    {
        int l = _l, active = _activeSize;
        if (active == l)
        {
            return;
        }

        var g = _g;
        for (int t = active; t < l; t++)
        {
            g[t] = _gBar[t] + _p[t];
        }

        int free = 0;
        for (int t = 0; t < active; t++)
        {
            if (Free(t))
            {
                free++;
            }
        }

        if ((long)free * l > 2L * active * (l - active))
        {
            for (int i = active; i < l; i++)
            {
                float[] qi = Row(i, active);
                for (int j = 0; j < active; j++)
                {
                    if (Free(j))
                    {
                        g[i] += _alpha[j] * qi[j];
                    }
                }
            }
        }
        else
        {
            for (int i = 0; i < active; i++)
            {
                if (Free(i))
                {
                    float[] qi = Row(i, l);
                    double alphaI = _alpha[i];
                    for (int j = active; j < l; j++)
                    {
                        g[j] += alphaI * qi[j];
                    }
                }
            }
        }
    }

    private void Swap(int i, int j)
    {
        _cache.Swap(i, j);
        (_y[i], _y[j]) = (_y[j], _y[i]);
        (_yd[i], _yd[j]) = (_yd[j], _yd[i]);
        (_upPenalty[i], _upPenalty[j]) = (_upPenalty[j], _upPenalty[i]);
        (_lowPenalty[i], _lowPenalty[j]) = (_lowPenalty[j], _lowPenalty[i]);
        (_g[i], _g[j]) = (_g[j], _g[i]);
        (_alpha[i], _alpha[j]) = (_alpha[j], _alpha[i]);
        (_p[i], _p[j]) = (_p[j], _p[i]);
        (_active[i], _active[j]) = (_active[j], _active[i]);
        (_gBar[i], _gBar[j]) = (_gBar[j], _gBar[i]);
        (_c[i], _c[j]) = (_c[j], _c[i]);
        (_qd[i], _qd[j]) = (_qd[j], _qd[i]);
    }

    // ρ: the mean of yᵢ∇ᵢ over free variables, else the middle of the feasible interval (libsvm's calculate_rho).
    private double Rho()
    {
        int free = 0;
        double ub = double.PositiveInfinity, lb = double.NegativeInfinity, sumFree = 0;
        for (int i = 0; i < _activeSize; i++)
        {
            double yg = _y[i] * _g[i];
            if (Upper(i))
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
            else if (Lower(i))
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

    /// <summary>
    /// A least-recently-used cache of row prefixes of Q within a budget of floats (libsvm's <c>Cache</c>): a row keeps
    /// the entries computed so far and grows when a longer prefix is needed; permuting two positions swaps their rows
    /// and the two entries of every cached row, dropping rows that hold only one of them. The recency list is
    /// intrusive (two int arrays with a sentinel at index l, as libsvm's <c>head_t</c>), so a lookup allocates nothing.
    /// </summary>
    private sealed class RowCache
    {
        private readonly float[]?[] _rows;
        private readonly int[] _length;
        private readonly int[] _prev;
        private readonly int[] _next;
        private readonly int _head;
        private readonly long _budget;
        private readonly List<(int I, int J)> _pending = [];
        private long _used;

        public RowCache(int l, long budget)
        {
            _rows = new float[l][];
            _length = new int[l];
            _prev = new int[l + 1];
            _next = new int[l + 1];
            _head = l;
            _prev[l] = _next[l] = l;
            _budget = budget;
        }

        /// <summary>Row <paramref name="index"/> with room for <paramref name="length"/> entries, and how many of them are already valid.</summary>
        public (float[] Row, int Valid) Get(int index, int length)
        {
            int valid = _length[index];
            if (length == 0 && valid == 0)
            {
                return ([], 0);
            }

            if (valid > 0)
            {
                Unlink(index);
            }

            float[]? row = _rows[index];
            if (valid < length)
            {
                _used -= valid;
                while (_used + length > _budget && _prev[_head] != _head)
                {
                    Drop(_prev[_head]);
                }

                // Uninitialised: the caller fills entries valid … length − 1 before reading them.
                var grown = GC.AllocateUninitializedArray<float>(length);
                if (row is not null)
                {
                    Array.Copy(row, grown, valid);
                }

                row = grown;
                _rows[index] = row;
                _length[index] = length;
                _used += length;
            }

            LinkFirst(index);
            return (row!, valid);
        }

        public void Swap(int i, int j)
        {
            if (i == j)
            {
                return;
            }

            // libsvm's swap_index: both rows move to the front of the recency list with their contents exchanged.
            if (_length[i] > 0)
            {
                Unlink(i);
            }

            if (_length[j] > 0)
            {
                Unlink(j);
            }

            (_rows[i], _rows[j]) = (_rows[j], _rows[i]);
            (_length[i], _length[j]) = (_length[j], _length[i]);
            if (_length[i] > 0)
            {
                LinkFirst(i);
            }

            if (_length[j] > 0)
            {
                LinkFirst(j);
            }

            _pending.Add(i < j ? (i, j) : (j, i));
        }

        /// <summary>
        /// Exchanges entries i and j of every cached row for each <see cref="Swap"/> since the last call, in order,
        /// dropping a row when it holds only one of them (libsvm does this inside swap_index, row by row for each swap;
        /// here each row takes all the swaps of one shrinking step while it is in cache, with the same result, since
        /// no row is read or resized in between).
        /// </summary>
        public void ApplySwaps()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var swaps = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
            for (int k = _next[_head]; k != _head;)
            {
                int next = _next[k];
                var row = _rows[k]!;
                int length = _length[k];
                foreach (var (i, j) in swaps)
                {
                    if (length > i)
                    {
                        if (length > j)
                        {
                            (row[i], row[j]) = (row[j], row[i]);
                        }
                        else
                        {
                            Drop(k);
                            break;
                        }
                    }
                }

                k = next;
            }

            _pending.Clear();
        }

        private void Unlink(int index)
        {
            _next[_prev[index]] = _next[index];
            _prev[_next[index]] = _prev[index];
        }

        private void LinkFirst(int index)
        {
            int first = _next[_head];
            _next[index] = first;
            _prev[index] = _head;
            _prev[first] = index;
            _next[_head] = index;
        }

        private void Drop(int index)
        {
            Unlink(index);
            _used -= _length[index];
            _length[index] = 0;
            _rows[index] = null;
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
