using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.Clustering;

/// <summary>
/// A fitted clustering model: the cluster of every training row (scikit-learn's <c>labels_</c>). Models whose
/// algorithm can place new rows (k-means, Gaussian mixtures) also implement <see cref="IPredictor"/>.
/// </summary>
public interface IClusteringModel : IModel
{
    /// <summary>The cluster of each training row, 0-based; -1 marks noise (DBSCAN, HDBSCAN).</summary>
    IReadOnlyList<int> Labels { get; }

    /// <summary>The number of clusters found (noise not counted).</summary>
    int ClusterCount { get; }
}

/// <summary>Input handling shared by the unsupervised estimators.</summary>
internal static class Unsupervised
{
    /// <summary>The name of the column that cluster predictions are returned in.</summary>
    public const string ClusterColumn = "cluster";

    /// <summary>
    /// The features as a dense matrix. Missing or infinite values are refused with the row and column named, and
    /// fewer than <paramref name="minRows"/> rows are refused with advice.
    /// </summary>
    public static Matrix Features(Table features, string estimator, int minRows = 2)
    {
        ArgumentNullException.ThrowIfNull(features);
        Validation.Checks.NotEmpty(features, estimator);
        if (features.RowCount < minRows)
        {
            throw new DataValidationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{estimator} needs at least {minRows} rows, but the data has {features.RowCount}. Give it more rows"));
        }

        return new Matrix(features.RowCount, features.ColumnCount, RowMajor(features));
    }

    /// <summary>The table as one new row-major array (numeric columns read in place), refusing missing and infinite values.</summary>
    public static double[] RowMajor(Table features) => RowMajor(features, centre: false, out _, out _);

    /// <summary>
    /// The table as one new row-major array (numeric columns read in place), refusing missing and infinite values.
    /// With <paramref name="centre"/> the column means (<paramref name="mean"/>) are subtracted while copying and
    /// <paramref name="sumOfSquares"/> is the sum of the squared centred values; without, the mean is zero and so is
    /// the sum. Rows are copied in blocks of 64, so the block being written stays in cache while the columns are read.
    /// </summary>
    public static double[] RowMajor(Table features, bool centre, out double[] mean, out double sumOfSquares)
    {
        int n = features.RowCount, p = features.ColumnCount;
        var data = GC.AllocateUninitializedArray<double>(checked(n * p)); // every entry is written below
        var converted = new double[p][];
        mean = new double[p];
        for (int c = 0; c < p; c++)
        {
            var column = features[c];
            if (column is not NumericColumn)
            {
                converted[c] = column.ToDoubleArray();
            }

            var values = Values(features, converted, c);
            double sum = System.Numerics.Tensors.TensorPrimitives.Sum(values);
            if (!double.IsFinite(sum))
            {
                RefuseNonFinite(column.Name, values); // a finite sum can still overflow: then nothing is refused
            }

            mean[c] = centre ? sum / n : 0.0;
        }

        var columnMeans = mean;
        var (blocks, rowsPerBlock) = DenseKernels.Partition(n);
        var squares = new double[blocks];
        Parallel.For(0, blocks, blk =>
        {
            int first = blk * rowsPerBlock, last = Math.Min(n, first + rowsPerBlock);
            CopyRows(features, converted, columnMeans, data, first, last);

            if (centre && first < last)
            {
                squares[blk] = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(data.AsSpan(first * p, (last - first) * p));
            }
        });
        sumOfSquares = squares.Sum(); // in block order: the same on any machine
        return data;
    }

    // Rows [first, last) of the row-major copy, 64 rows at a time so the block being written stays in cache.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void CopyRows(Table features, double[][] converted, double[] mean, double[] data, int first, int last)
    {
        const int Block = 64;
        int p = mean.Length;
        for (int from = first; from < last; from += Block)
        {
            int to = Math.Min(last, from + Block);
            for (int c = 0; c < p; c++)
            {
                var values = Values(features, converted, c);
                double m = mean[c];
                for (int r = from; r < to; r++)
                {
                    data[((long)r * p) + c] = values[r] - m;
                }
            }
        }
    }

    private static ReadOnlySpan<double> Values(Table features, double[][] converted, int c) =>
        converted[c] ?? ((NumericColumn)features[c]).Values;

    private static void RefuseNonFinite(string column, ReadOnlySpan<double> values)
    {
        for (int r = 0; r < values.Length; r++)
        {
            double v = values[r];
            if (!double.IsFinite(v))
            {
                string what = double.IsNaN(v) ? "a missing value" : "an infinite value";
                throw new DataValidationException($"Found {what}. Impute it (SimpleImputer), drop the row, or use a model that accepts missing values", column: column, row: r);
            }
        }
    }

    /// <summary>Number of distinct rows of <paramref name="x"/> (stops counting at <paramref name="limit"/>).</summary>
    public static int DistinctRows(Matrix x, int limit)
    {
        var seen = new HashSet<RowKey>();
        for (int i = 0; i < x.Rows && seen.Count < limit; i++)
        {
            seen.Add(new RowKey(x.Row(i).ToArray()));
        }

        return seen.Count;
    }

    /// <summary>Labels as a numeric column named <see cref="ClusterColumn"/>.</summary>
    public static Column LabelColumn(ReadOnlySpan<int> labels)
    {
        var values = new double[labels.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = labels[i];
        }

        return new NumericColumn(ClusterColumn, values);
    }

    /// <summary>A seeded random generator; <c>null</c> draws a seed.</summary>
    public static Random Rng(int? seed) => seed is { } s ? new Random(s) : new Random();

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private sealed class RowKey(double[] values) : IEquatable<RowKey>
    {
        private readonly double[] _values = values;
        private readonly int _hash = Hash(values);

        public bool Equals(RowKey? other) => other is not null && _values.AsSpan().SequenceEqual(other._values);

        public override bool Equals(object? obj) => Equals(obj as RowKey);

        public override int GetHashCode() => _hash;

        private static int Hash(double[] values)
        {
            var h = default(HashCode);
            foreach (double v in values)
            {
                h.Add(v == 0 ? 0.0 : v);
            }

            return h.ToHashCode();
        }
    }
}

/// <summary>A model that reports its own fit criteria (a mixture's BIC and AIC, say) for the data it was fitted on.</summary>
public interface IObjectiveReport : IModel
{
    /// <summary>Named criteria for <paramref name="x"/> (columns in the model's feature order).</summary>
    IReadOnlyList<KeyValuePair<string, double>> ObjectiveMetrics(Matrix x);
}
