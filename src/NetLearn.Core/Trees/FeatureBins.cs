namespace NetLearn.Trees;

/// <summary>
/// Features binned once for the histogram splitter of random forests (as LightGBM and XGBoost's <c>hist</c> method do):
/// at most 255 bins per feature, one byte per value, column-major. Bin <c>b</c> holds the values in
/// (<c>Edges[b-1]</c>, <c>Edges[b]</c>]; the last bin holds the values above every edge. A split "bins ≤ b go left" is
/// therefore the ordinary tree test <c>x ≤ Edges[b]</c>, so fitted trees store plain thresholds and predict on raw
/// features. A feature with at most <c>max_bins</c> distinct values gets one bin per value and the exact splitter's
/// midpoint thresholds (values closer than 1e-7 share a bin, as the exact splitter never separates them); otherwise the
/// edges are midpoints at the <c>max_bins</c>-quantiles of the values.
/// </summary>
internal sealed class FeatureBins
{
    private const double FeatureThreshold = 1e-7;

    private FeatureBins(byte[] codes, double[][] edges)
    {
        Codes = codes;
        Edges = edges;
    }

    /// <summary>The bin of every value, column-major (<c>[feature * rows + row]</c>).</summary>
    public byte[] Codes { get; }

    /// <summary>The upper edges (thresholds) of the bins of every feature, ascending; at most <c>max_bins - 1</c>.</summary>
    public double[][] Edges { get; }

    /// <summary>Bins column-major float features into at most <paramref name="maxBins"/> (2–255) bins per feature.</summary>
    public static FeatureBins Build(float[] columnMajor, int rows, int columns, int maxBins, int threads)
    {
        var codes = new byte[(long)rows * columns];
        var edges = new double[columns][];
        Parallel.For(0, columns, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, f =>
        {
            var column = columnMajor.AsSpan(f * rows, rows);
            edges[f] = EdgesOf(column, maxBins);
            var e = edges[f];
            var target = codes.AsSpan(f * rows, rows);
            for (int r = 0; r < rows; r++)
            {
                target[r] = (byte)BinOf(e, column[r]);
            }
        });
        return new FeatureBins(codes, edges);
    }

    /// <summary>The first bin whose upper edge is at least <paramref name="value"/> (binary search).</summary>
    private static int BinOf(double[] edges, float value)
    {
        int lo = 0, hi = edges.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (value <= edges[mid])
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private static double[] EdgesOf(ReadOnlySpan<float> column, int maxBins)
    {
        var sorted = column.ToArray();
        Array.Sort(sorted);

        // Distinct values (closer than 1e-7 counts as equal, as in the exact splitter) with their run ends.
        var distinct = new List<float>();
        var runEnd = new List<int>();
        for (int i = 0; i < sorted.Length; i++)
        {
            if (distinct.Count == 0 || sorted[i] > distinct[^1] + FeatureThreshold)
            {
                distinct.Add(sorted[i]);
                runEnd.Add(i + 1);
            }
            else
            {
                runEnd[^1] = i + 1;
            }
        }

        var edges = new List<double>();
        if (distinct.Count <= maxBins)
        {
            for (int d = 0; d + 1 < distinct.Count; d++)
            {
                edges.Add(Midpoint(distinct[d], distinct[d + 1]));
            }

            return [.. edges];
        }

        // Quantile edges: after the distinct value in which the b/maxBins quantile falls, never twice the same.
        int n = sorted.Length, at = 0;
        for (int b = 1; b < maxBins; b++)
        {
            long target = (long)b * n / maxBins;
            while (at < distinct.Count - 1 && runEnd[at] <= target)
            {
                at++;
            }

            if (at >= distinct.Count - 1)
            {
                break;
            }

            double edge = Midpoint(distinct[at], distinct[at + 1]);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return [.. edges];
    }

    /// <summary>The exact splitter's threshold between two neighbouring values (a/2 + b/2, falling back to a).</summary>
    internal static double Midpoint(float below, float above)
    {
        double t = (below / 2.0) + (above / 2.0);
        return t == above || double.IsInfinity(t) ? below : t;
    }
}
