using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetLearn.Data;
using NetLearn.Trees;

namespace NetLearn.Boosting;

/// <summary>
/// Maps features to small integer bins, as scikit-learn's <c>_BinMapper</c> and LightGBM do: a numeric feature with at
/// most <c>max_bins</c> distinct values gets one bin per value (thresholds at the midpoints), otherwise bins at
/// (midpoint-interpolated) quantiles of a subsample of at most 200,000 rows; a categorical feature gets one bin per
/// category. Missing values (and categories unseen in training) go to bin 255.
/// </summary>
internal sealed class HistBinner
{
    public const byte MissingBin = 255;
    private const int SubsampleRows = 200_000;

    private readonly Dictionary<string, int>?[] _categoryIndex;

    public HistBinner(bool[] isCategorical, double[][] thresholds, string[][] categories)
    {
        IsCategorical = isCategorical;
        Thresholds = thresholds;
        Categories = categories;
        _categoryIndex = new Dictionary<string, int>?[isCategorical.Length];
        for (int f = 0; f < isCategorical.Length; f++)
        {
            if (isCategorical[f])
            {
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int b = 0; b < categories[f].Length; b++)
                {
                    index[categories[f][b]] = b;
                }

                _categoryIndex[f] = index;
            }
        }
    }

    public bool[] IsCategorical { get; }

    /// <summary>Upper bin edges of numeric features (empty for categorical ones).</summary>
    public double[][] Thresholds { get; }

    /// <summary>Category labels of categorical features, in bin order (empty for numeric ones).</summary>
    public string[][] Categories { get; }

    public int Features => IsCategorical.Length;

    /// <summary>Bins of non-missing values of feature <paramref name="f"/>.</summary>
    public int BinCount(int f) => IsCategorical[f] ? Categories[f].Length : Thresholds[f].Length + 1;

    /// <summary>
    /// Fits the bins on the rows <paramref name="rows"/> of <paramref name="features"/> (every row when null), one
    /// feature per task on up to <paramref name="threads"/> threads (features are independent, so the result does not
    /// depend on the thread count).
    /// </summary>
    public static HistBinner Fit(Table features, int[]? rows, bool[] isCategorical, int maxBins, TreeRandom random, int threads)
    {
        int n = rows?.Length ?? features.RowCount, p = features.ColumnCount;
        int[]? subsample = rows;
        if (n > SubsampleRows)
        {
            // A random subset of rows (partial Fisher-Yates), sorted for sequential reads.
            var all = new int[n];
            for (int i = 0; i < n; i++)
            {
                all[i] = i;
            }

            for (int i = 0; i < SubsampleRows; i++)
            {
                int j = i + random.NextInt(n - i);
                (all[i], all[j]) = (all[j], all[i]);
            }

            subsample = all[..SubsampleRows];
            Array.Sort(subsample);
            if (rows is not null)
            {
                for (int i = 0; i < subsample.Length; i++)
                {
                    subsample[i] = rows[subsample[i]];
                }
            }
        }

        var thresholds = new double[p][];
        var categories = new string[p][];
        // Categorical features first, on this thread (a feature with too many categories is an error of its own).
        for (int f = 0; f < p; f++)
        {
            categories[f] = isCategorical[f] ? DistinctCategories(features[f], rows, maxBins) : [];
            thresholds[f] = [];
        }

        Parallel.For(0, p, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, f =>
        {
            if (!isCategorical[f])
            {
                thresholds[f] = NumericThresholds(SortedPresent(features[f], subsample), maxBins);
            }
        });
        return new HistBinner(isCategorical, thresholds, categories);
    }

    private static string[] DistinctCategories(Column column, int[]? rows, int maxBins)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        int n = rows?.Length ?? column.Length;
        for (int i = 0; i < n; i++)
        {
            if (column.FormatValue(rows is null ? i : rows[i]) is { } v)
            {
                seen.Add(v);
            }
        }

        if (seen.Count > maxBins)
        {
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"The categorical feature has {seen.Count} categories, more than max_bins ({maxBins}). Group rare categories, raise max_bins (at most 255), or encode it as numbers"),
                column: column.Name);
        }

        return [.. seen];
    }

    // The non-missing values of the (subsampled) column, sorted (-0.0 counted as 0.0).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] SortedPresent(Column column, int[]? subsample)
    {
        double[]? copy = column is NumericColumn ? null : column.ToDoubleArray();
        ReadOnlySpan<double> values = copy ?? ((NumericColumn)column).Values;
        int count = subsample?.Length ?? values.Length, kept = 0;
        var present = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v = subsample is null ? values[i] : values[subsample[i]];
            if (!double.IsNaN(v))
            {
                present[kept++] = v + 0.0;
            }
        }

        DoubleRadixSort.Sort(present.AsSpan(0, kept));
        return kept == count ? present : present[..kept];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] NumericThresholds(double[] sorted, int maxBins)
    {
        if (sorted.Length == 0)
        {
            return [];
        }

        // Distinct values, stopping as soon as there are more than max_bins of them.
        var distinct = new double[maxBins + 1];
        int distinctCount = 0;
        foreach (double v in sorted)
        {
            if (distinctCount == 0 || v != distinct[distinctCount - 1])
            {
                if (distinctCount == distinct.Length)
                {
                    distinctCount++;
                    break;
                }

                distinct[distinctCount++] = v;
            }
        }

        var result = new List<double>(maxBins);
        if (distinctCount <= maxBins)
        {
            for (int i = 0; i + 1 < distinctCount; i++)
            {
                result.Add((distinct[i] + distinct[i + 1]) * 0.5);
            }
        }
        else
        {
            // Percentiles 100·k/maxBins, k = 1 … maxBins − 1, with numpy's "midpoint" interpolation.
            for (int k = 1; k < maxBins; k++)
            {
                double position = k / (double)maxBins * (sorted.Length - 1);
                int lo = (int)Math.Floor(position), hi = (int)Math.Ceiling(position);
                double t = (sorted[lo] + sorted[hi]) * 0.5;
                if (result.Count == 0 || t > result[^1])
                {
                    result.Add(t);
                }
            }
        }

        return [.. result];
    }

    /// <summary>Column-major bins of every row.</summary>
    public byte[] Transform(Table features, int threads)
    {
        int n = features.RowCount, p = Features;
        var bins = new byte[(long)n * p];
        Parallel.For(0, p, new ParallelOptions { MaxDegreeOfParallelism = threads }, f =>
        {
            var target = bins.AsSpan(f * n, n);
            var column = features[f];
            if (IsCategorical[f])
            {
                var index = _categoryIndex[f]!;
                for (int i = 0; i < n; i++)
                {
                    target[i] = column.FormatValue(i) is { } v && index.TryGetValue(v, out int b) ? (byte)b : MissingBin;
                }
            }
            else
            {
                double[]? copy = column is NumericColumn ? null : column.ToDoubleArray();
                BinNumeric(copy ?? ((NumericColumn)column).Values, Thresholds[f], target);
            }
        });
        return bins;
    }

    // Branch-free lower bound over the edges padded with +∞ to 2^k − 1 entries: k data-independent steps, so no branch
    // mispredictions (a textbook binary search mispredicts about half of its ~8 branches per value).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinNumeric(ReadOnlySpan<double> values, double[] edges, Span<byte> target)
    {
        int steps = 0;
        while ((1 << steps) - 1 < edges.Length)
        {
            steps++;
        }

        var padded = new double[Math.Max(1, (1 << steps) - 1)];
        Array.Fill(padded, double.PositiveInfinity);
        edges.CopyTo(padded, 0);
        ref double first = ref MemoryMarshal.GetArrayDataReference(padded);
        int top = 1 << steps;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            int bin = 0;
            for (int step = top >> 1; step > 0; step >>= 1)
            {
                bin += Unsafe.Add(ref first, bin + step - 1) < v ? step : 0;
            }

            target[i] = double.IsNaN(v) ? MissingBin : (byte)bin;
        }
    }

    /// <summary>
    /// Row-major prediction input: numeric features as raw values (NaN = missing), categorical ones as their bin
    /// index (NaN = missing or unseen).
    /// </summary>
    public double[] PredictionRows(Table features)
    {
        int n = features.RowCount, p = Features;
        var rows = new double[(long)n * p];
        for (int f = 0; f < p; f++)
        {
            var column = features[f];
            if (IsCategorical[f])
            {
                var index = _categoryIndex[f]!;
                for (int i = 0; i < n; i++)
                {
                    rows[(i * p) + f] = column.FormatValue(i) is { } v && index.TryGetValue(v, out int b) ? b : double.NaN;
                }
            }
            else
            {
                if (column.Kind is not (ColumnKind.Numeric or ColumnKind.Boolean))
                {
                    throw new DataValidationException($"The feature was numeric in training but is {column.Kind.ToString().ToLowerInvariant()} now", column: column.Name);
                }

                double[] values = column.ToDoubleArray();
                for (int i = 0; i < n; i++)
                {
                    rows[(i * p) + f] = values[i];
                }
            }
        }

        return rows;
    }
}
