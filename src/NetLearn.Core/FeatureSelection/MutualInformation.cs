using MathNet.Numerics;
using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.FeatureSelection;

/// <summary>
/// Mutual information between each feature and a target from k-nearest-neighbour distances, as scikit-learn's
/// <c>mutual_info_regression</c> (Kraskov, Stögbauer and Grassberger, "Estimating mutual information", Phys. Rev. E 69,
/// 2004, estimator 1) and <c>mutual_info_classif</c> (B. C. Ross, "Mutual information between discrete and continuous
/// data sets", PLoS ONE 9, 2014). Features (and a continuous target) are scaled to unit variance and get noise of
/// relative size 1e-10 to break ties, from a seeded generator: scikit-learn draws that noise from NumPy's generator,
/// which NetLearn does not reproduce, so values agree with scikit-learn only where ties do not matter.
/// </summary>
public static class MutualInformation
{
    /// <summary>Mutual information (nats) between each column and a class target.</summary>
    public static double[] Classif(double[][] columns, Column y, int neighbors = 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int[] labels = ClassLabels.FromTarget(y).Encode(y);
        var rng = new Random(seed);
        return [.. columns.Select(x => MiContinuousDiscrete(Noisy(x, rng), labels, neighbors))];
    }

    /// <summary>Mutual information (nats) between each column and a numeric target.</summary>
    public static double[] Regression(double[][] columns, double[] y, int neighbors = 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var rng = new Random(seed);
        var noisyColumns = columns.Select(x => Noisy(x, rng)).ToArray();
        double[] target = Noisy(y, rng);
        return [.. noisyColumns.Select(x => MiContinuousContinuous(x, target, neighbors))];
    }

    private static double[] Noisy(double[] x, Random rng)
    {
        double mean = x.Average();
        double std = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
        if (std == 0)
        {
            std = 1;
        }

        double[] scaled = [.. x.Select(v => v / std)];
        double size = 1e-10 * Math.Max(1, scaled.Average(Math.Abs));
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled[i] += size * Gaussian(rng);
        }

        return scaled;
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static double MiContinuousContinuous(double[] x, double[] y, int k)
    {
        int n = x.Length;
        double[] radius = KthNeighborDistances(x, y, k);
        var sx = SortedCopy(x);
        var sy = SortedCopy(y);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double r = NextTowardZero(radius[i]);
            sum += SpecialFunctions.DiGamma(CountWithin(sx, x[i], r)) + SpecialFunctions.DiGamma(CountWithin(sy, y[i], r));
        }

        double mi = SpecialFunctions.DiGamma(n) + SpecialFunctions.DiGamma(k) - (sum / n);
        return Math.Max(0, mi);
    }

    private static double MiContinuousDiscrete(double[] c, int[] d, int neighbors)
    {
        int n = c.Length;
        var radius = new double[n];
        var labelCount = new int[n];
        var kAll = new int[n];
        foreach (var group in Enumerable.Range(0, n).GroupBy(i => d[i]))
        {
            int[] rows = [.. group];
            foreach (int i in rows)
            {
                labelCount[i] = rows.Length;
            }

            if (rows.Length > 1)
            {
                int k = Math.Min(neighbors, rows.Length - 1);
                double[] values = [.. rows.Select(i => c[i])];
                double[] r = KthNeighborDistances(values, new double[values.Length], k);
                for (int t = 0; t < rows.Length; t++)
                {
                    radius[rows[t]] = NextTowardZero(r[t]);
                    kAll[rows[t]] = k;
                }
            }
        }

        int[] kept = [.. Enumerable.Range(0, n).Where(i => labelCount[i] > 1)];
        if (kept.Length == 0)
        {
            return 0;
        }

        double[] sorted = SortedCopy([.. kept.Select(i => c[i])]);
        double digammaK = 0, digammaLabels = 0, digammaM = 0;
        foreach (int i in kept)
        {
            digammaK += SpecialFunctions.DiGamma(kAll[i]);
            digammaLabels += SpecialFunctions.DiGamma(labelCount[i]);
            digammaM += SpecialFunctions.DiGamma(CountWithin(sorted, c[i], radius[i]) + 0.0);
        }

        int m = kept.Length;
        double mi = SpecialFunctions.DiGamma(m) + (digammaK / m) - (digammaLabels / m) - (digammaM / m);
        return Math.Max(0, mi);
    }

    private static double NextTowardZero(double r) => r > 0 ? Math.BitDecrement(r) : r;

    private static double[] SortedCopy(double[] x)
    {
        double[] s = [.. x];
        Array.Sort(s);
        return s;
    }

    // Number of values v in sorted with |v - center| <= r (the point itself included), exact at the boundaries.
    private static int CountWithin(double[] sorted, double center, double r)
    {
        int lo = LowerBound(sorted, center - r), hi = LowerBound(sorted, center + r);
        while (lo > 0 && Math.Abs(sorted[lo - 1] - center) <= r)
        {
            lo--;
        }

        while (lo < sorted.Length && Math.Abs(sorted[lo] - center) > r)
        {
            lo++;
        }

        while (hi < sorted.Length && Math.Abs(sorted[hi] - center) <= r)
        {
            hi++;
        }

        while (hi > lo && Math.Abs(sorted[hi - 1] - center) > r)
        {
            hi--;
        }

        return Math.Max(0, hi - lo);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // Distance (max-norm in the (x, y) plane) from each point to its k-th nearest other point: scan outwards in x order,
    // stopping once |dx| exceeds the current k-th best.
    private static double[] KthNeighborDistances(double[] x, double[] y, int k)
    {
        int n = x.Length;
        int[] order = [.. Enumerable.Range(0, n).OrderBy(i => x[i])];
        var result = new double[n];
        var best = new PriorityQueue<double, double>(k + 1, Comparer<double>.Create((a, b) => b.CompareTo(a)));
        for (int pos = 0; pos < n; pos++)
        {
            int i = order[pos];
            best.Clear();
            int left = pos - 1, right = pos + 1;
            while (left >= 0 || right < n)
            {
                double dl = left >= 0 ? x[i] - x[order[left]] : double.PositiveInfinity;
                double dr = right < n ? x[order[right]] - x[i] : double.PositiveInfinity;
                bool goLeft = dl <= dr;
                double dx = goLeft ? dl : dr;
                if (best.Count == k && dx > best.Peek())
                {
                    break;
                }

                int j = goLeft ? order[left--] : order[right++];
                double dist = Math.Max(Math.Abs(x[i] - x[j]), Math.Abs(y[i] - y[j]));
                if (best.Count < k)
                {
                    best.Enqueue(dist, dist);
                }
                else if (dist < best.Peek())
                {
                    best.DequeueEnqueue(dist, dist);
                }
            }

            result[i] = best.Peek();
        }

        return result;
    }
}
