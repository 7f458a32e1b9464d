using System.Globalization;
using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.LinearAlgebra;

namespace NetLearn.Metrics;

/// <summary>
/// Clustering metrics, as scikit-learn 1.2 computes them: internal scores from the data and the labels (silhouette,
/// Calinski–Harabasz, Davies–Bouldin), agreement with true labels (adjusted Rand, (adjusted/normalised) mutual
/// information, homogeneity, completeness, V-measure), and the trustworthiness of an embedding.
/// Labels are integers; -1 is an ordinary label here (drop noise first if it should not count).
/// </summary>
public static class ClusteringMetrics
{
    /// <summary>
    /// Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distances; with <paramref name="sampleSize"/> it is the
    /// mean over a random sample of rows (each still compared with all rows), which keeps big data affordable.
    /// </summary>
    /// <exception cref="DataValidationException">Fewer than 2 or more than n − 1 distinct labels.</exception>
    public static double Silhouette(Matrix x, IReadOnlyList<int> labels, int? sampleSize = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        if (sampleSize is { } size && size < x.Rows)
        {
            if (size < 2)
            {
                throw new DataValidationException("The silhouette sample size must be at least 2");
            }

            var rng = seed is { } s ? new Random(s) : new Random();
            int[] rows = [.. Enumerable.Range(0, x.Rows).OrderBy(_ => rng.Next()).Take(size).Order()];
            return SilhouetteSamples(x.TakeRows(rows), [.. rows.Select(r => labels[r])]).Average();
        }

        return SilhouetteSamples(x, labels).Average();
    }

    /// <summary>The silhouette coefficient of every row: (b − a) / max(a, b); 0 for rows alone in their cluster.</summary>
    public static double[] SilhouetteSamples(Matrix x, IReadOnlyList<int> labels)
    {
        var (codes, k) = Codes(x, labels);
        int n = x.Rows;
        if (k < 2 || k > n - 1)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The silhouette needs between 2 and n − 1 = {n - 1} clusters, but the labels have {k}"));
        }

        var counts = new int[k];
        foreach (int c in codes)
        {
            counts[c]++;
        }

        var result = new double[n];
        Parallel.For(0, n, () => new double[k], (i, _, sums) =>
        {
            Array.Clear(sums);
            var row = x.Row(i);
            for (int j = 0; j < n; j++)
            {
                sums[codes[j]] += TensorPrimitives.Distance(row, x.Row(j));
            }

            int own = codes[i];
            if (counts[own] <= 1)
            {
                result[i] = 0;
                return sums;
            }

            double a = sums[own] / (counts[own] - 1), b = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                if (c != own)
                {
                    b = Math.Min(b, sums[c] / counts[c]);
                }
            }

            double value = (b - a) / Math.Max(a, b);
            result[i] = double.IsNaN(value) ? 0 : value;
            return sums;
        }, _ => { });
        return result;
    }

    /// <summary>Calinski–Harabasz score (variance ratio criterion): between-cluster over within-cluster dispersion, scaled by (n − k)/(k − 1).</summary>
    public static double CalinskiHarabasz(Matrix x, IReadOnlyList<int> labels)
    {
        var (codes, k) = CheckedCodes(x, labels);
        int n = x.Rows, p = x.Columns;
        var (means, counts) = ClusterMeans(x, codes, k);
        var mean = new double[p];
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.Add(mean, x.Row(i), mean);
        }

        TensorPrimitives.Divide(mean, n, mean);
        double extra = 0, intra = 0;
        for (int c = 0; c < k; c++)
        {
            double d = TensorPrimitives.Distance<double>(means.Row(c), mean);
            extra += counts[c] * d * d;
        }

        for (int i = 0; i < n; i++)
        {
            double d = TensorPrimitives.Distance<double>(x.Row(i), means.Row(codes[i]));
            intra += d * d;
        }

        return intra == 0 ? 1.0 : extra * (n - k) / (intra * (k - 1.0));
    }

    /// <summary>Davies–Bouldin index (1979): mean over clusters of the worst (sᵢ + sⱼ)/dᵢⱼ; lower is better.</summary>
    public static double DaviesBouldin(Matrix x, IReadOnlyList<int> labels)
    {
        var (codes, k) = CheckedCodes(x, labels);
        var (means, _) = ClusterMeans(x, codes, k);
        var intra = new double[k];
        var counts = new int[k];
        for (int i = 0; i < x.Rows; i++)
        {
            intra[codes[i]] += TensorPrimitives.Distance<double>(x.Row(i), means.Row(codes[i]));
            counts[codes[i]]++;
        }

        for (int c = 0; c < k; c++)
        {
            intra[c] /= counts[c];
        }

        var centroidDistance = new double[k, k];
        bool allZero = true;
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++)
            {
                centroidDistance[a, b] = TensorPrimitives.Distance<double>(means.Row(a), means.Row(b));
                allZero &= Math.Abs(centroidDistance[a, b]) <= 1e-8;
            }
        }

        if (intra.All(v => Math.Abs(v) <= 1e-8) || allZero)
        {
            return 0.0;
        }

        double total = 0;
        for (int a = 0; a < k; a++)
        {
            double worst = double.NegativeInfinity;
            for (int b = 0; b < k; b++)
            {
                double d = centroidDistance[a, b] == 0 ? double.PositiveInfinity : centroidDistance[a, b];
                worst = Math.Max(worst, (intra[a] + intra[b]) / d);
            }

            total += worst;
        }

        return total / k;
    }

    /// <summary>Adjusted Rand index (Hubert &amp; Arabie 1985) from the pair confusion matrix; 1 for identical partitions, ~0 for chance.</summary>
    public static double AdjustedRandIndex(IReadOnlyList<int> labelsTrue, IReadOnlyList<int> labelsPred)
    {
        var t = Contingency.Create(labelsTrue, labelsPred);
        double n = t.N, sumSquares = 0;
        foreach (var ((_, _), v) in t.Cells)
        {
            sumSquares += (double)v * v;
        }

        double rowDot = 0, colDot = 0;
        foreach (var ((r, c), v) in t.Cells)
        {
            rowDot += (double)v * t.ColumnSums[c];
            colDot += (double)v * t.RowSums[r];
        }

        double tp = sumSquares - n, fp = rowDot - sumSquares, fn = colDot - sumSquares, tn = (n * n) - fp - fn - sumSquares;
        if (fn == 0 && fp == 0)
        {
            return 1.0;
        }

        return 2.0 * ((tp * tn) - (fn * fp)) / (((tp + fn) * (fn + tn)) + ((tp + fp) * (fp + tn)));
    }

    /// <summary>Mutual information between two labelings, in nats.</summary>
    public static double MutualInformation(IReadOnlyList<int> labelsTrue, IReadOnlyList<int> labelsPred) =>
        MutualInformation(Contingency.Create(labelsTrue, labelsPred));

    /// <summary>Normalised mutual information with the arithmetic mean of the entropies (scikit-learn's default).</summary>
    public static double NormalizedMutualInformation(IReadOnlyList<int> labelsTrue, IReadOnlyList<int> labelsPred)
    {
        var t = Contingency.Create(labelsTrue, labelsPred);
        if ((t.RowSums.Length == 1 && t.ColumnSums.Length == 1) || t.N == 0)
        {
            return 1.0;
        }

        double mi = MutualInformation(t);
        if (mi == 0)
        {
            return 0.0;
        }

        double normalizer = Math.Max((Entropy(t.RowSums) + Entropy(t.ColumnSums)) / 2, double.Epsilon);
        return mi / normalizer;
    }

    /// <summary>Adjusted mutual information (Vinh, Epps &amp; Bailey 2010) with the arithmetic mean of the entropies.</summary>
    public static double AdjustedMutualInformation(IReadOnlyList<int> labelsTrue, IReadOnlyList<int> labelsPred)
    {
        var t = Contingency.Create(labelsTrue, labelsPred);
        if ((t.RowSums.Length == 1 && t.ColumnSums.Length == 1) || t.N == 0)
        {
            return 1.0;
        }

        double mi = MutualInformation(t);
        double emi = ExpectedMutualInformation(t);
        double normalizer = (Entropy(t.RowSums) + Entropy(t.ColumnSums)) / 2;
        double denominator = normalizer - emi;
        denominator = denominator < 0 ? Math.Min(denominator, -double.Epsilon) : Math.Max(denominator, double.Epsilon);
        return (mi - emi) / denominator;
    }

    /// <summary>Homogeneity, completeness and V-measure (Rosenberg &amp; Hirschberg 2007); <paramref name="beta"/> weights completeness.</summary>
    public static (double Homogeneity, double Completeness, double VMeasure) HomogeneityCompletenessVMeasure(IReadOnlyList<int> labelsTrue, IReadOnlyList<int> labelsPred, double beta = 1.0)
    {
        var t = Contingency.Create(labelsTrue, labelsPred);
        if (t.N == 0)
        {
            return (1, 1, 1);
        }

        double hc = Entropy(t.RowSums), hk = Entropy(t.ColumnSums), mi = MutualInformation(t);
        double homogeneity = hc != 0 ? mi / hc : 1.0;
        double completeness = hk != 0 ? mi / hk : 1.0;
        double v = homogeneity + completeness == 0 ? 0 : (1 + beta) * homogeneity * completeness / ((beta * homogeneity) + completeness);
        return (homogeneity, completeness, v);
    }

    /// <summary>
    /// Trustworthiness of an embedding (Venna &amp; Kaski 2001): penalises points that are among the
    /// <paramref name="nNeighbors"/> nearest in the embedding but not in the original space, weighted by their original rank.
    /// 1 is perfect. Needs n_neighbors &lt; n/2. Memory is O(n) per worker, time O(n²·p).
    /// </summary>
    public static double Trustworthiness(Matrix original, Matrix embedding, int nNeighbors = 5)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(embedding);
        int n = original.Rows;
        if (embedding.Rows != n)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The embedding has {embedding.Rows} rows but the data has {n}"));
        }

        if (nNeighbors < 1 || nNeighbors >= n / 2.0)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"n_neighbors ({nNeighbors}) must be at least 1 and less than n/2 = {n / 2.0}"));
        }

        var penalties = new double[n];
        Parallel.For(0, n, () => (new double[n], new double[n]), (i, _, buffers) =>
        {
            var (dx, de) = buffers;
            for (int j = 0; j < n; j++)
            {
                dx[j] = j == i ? double.PositiveInfinity : TensorPrimitives.Distance(original.Row(i), original.Row(j));
                de[j] = j == i ? double.PositiveInfinity : TensorPrimitives.Distance(embedding.Row(i), embedding.Row(j));
            }

            // The embedding's k nearest neighbours (ties by index) and their rank among the original distances.
            var neighbours = new int[nNeighbors];
            var nd = new double[nNeighbors];
            int filled = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                double d = de[j];
                if (filled < nNeighbors || d < nd[filled - 1])
                {
                    int pos = filled < nNeighbors ? filled++ : filled - 1;
                    while (pos > 0 && nd[pos - 1] > d)
                    {
                        nd[pos] = nd[pos - 1];
                        neighbours[pos] = neighbours[pos - 1];
                        pos--;
                    }

                    nd[pos] = d;
                    neighbours[pos] = j;
                }
            }

            double penalty = 0;
            foreach (int j in neighbours)
            {
                int rank = 1;
                double target = dx[j];
                for (int l = 0; l < n; l++)
                {
                    if (dx[l] < target || (dx[l] == target && l < j))
                    {
                        rank++;
                    }
                }

                if (rank > nNeighbors)
                {
                    penalty += rank - nNeighbors;
                }
            }

            penalties[i] = penalty;
            return buffers;
        }, _ => { });
        double t = penalties.Sum();
        return 1.0 - (t * (2.0 / (n * nNeighbors * ((2.0 * n) - (3.0 * nNeighbors) - 1.0))));
    }

    /// <summary>Integer codes of any label column (numbers, text, categories) for the metrics above; missing values are refused.</summary>
    public static int[] Encode(Column labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var codes = new int[labels.Length];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < codes.Length; i++)
        {
            string? value = labels.FormatValue(i);
            if (value is null || labels.IsMissing(i))
            {
                throw new DataValidationException("The label is missing. Drop rows without a label first", column: labels.Name, row: i);
            }

            if (!seen.TryGetValue(value, out int code))
            {
                code = seen.Count;
                seen[value] = code;
            }

            codes[i] = code;
        }

        return codes;
    }

    private static (int[] Codes, int K) Codes(Matrix x, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != x.Rows)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Got {labels.Count} labels for {x.Rows} rows. Give one label per row"));
        }

        var map = new Dictionary<int, int>();
        foreach (int l in labels.Order())
        {
            map.TryAdd(l, map.Count);
        }

        return ([.. labels.Select(l => map[l])], map.Count);
    }

    private static (int[] Codes, int K) CheckedCodes(Matrix x, IReadOnlyList<int> labels)
    {
        var (codes, k) = Codes(x, labels);
        if (k < 2 || k > x.Rows - 1)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The score needs between 2 and n − 1 = {x.Rows - 1} clusters, but the labels have {k}"));
        }

        return (codes, k);
    }

    private static (Matrix Means, int[] Counts) ClusterMeans(Matrix x, int[] codes, int k)
    {
        var means = new Matrix(k, x.Columns);
        var counts = new int[k];
        for (int i = 0; i < x.Rows; i++)
        {
            var m = means.Row(codes[i]);
            TensorPrimitives.Add(m, x.Row(i), m);
            counts[codes[i]]++;
        }

        for (int c = 0; c < k; c++)
        {
            var m = means.Row(c);
            TensorPrimitives.Divide(m, counts[c], m);
        }

        return (means, counts);
    }

    private static double MutualInformation(Contingency t)
    {
        double n = t.N, total = 0, logN = Math.Log(n);
        foreach (var ((r, c), v) in t.Cells)
        {
            double pij = v / n;
            double term = (pij * (Math.Log(v) - logN)) + (pij * (-Math.Log((double)t.RowSums[r] * t.ColumnSums[c]) + logN + logN));
            total += Math.Abs(term) < double.Epsilon ? 0 : term;
        }

        return Math.Max(total, 0);
    }

    private static double Entropy(long[] counts)
    {
        double sum = counts.Sum(), logSum = Math.Log(sum), h = 0;
        foreach (long c in counts)
        {
            if (c > 0)
            {
                h -= c / sum * (Math.Log(c) - logSum);
            }
        }

        return h;
    }

    // E[MI] under the hypergeometric model of randomness (Vinh et al. 2010, eq. 24a), as scikit-learn's _expected_mutual_info_fast.
    private static double ExpectedMutualInformation(Contingency t)
    {
        long n = t.N;
        long[] a = t.RowSums, b = t.ColumnSums;
        long maxCount = Math.Max(a.Max(), b.Max());
        double logN = Math.Log(n), glnN1 = LogGamma(n + 1);
        double emi = 0;
        foreach (long ai in a)
        {
            foreach (long bj in b)
            {
                long start = Math.Max(1, ai - n + bj), end = Math.Min(ai, bj);
                double fixedPart = LogGamma(ai + 1) + LogGamma(bj + 1) + LogGamma(n - ai + 1) + LogGamma(n - bj + 1) - glnN1;
                for (long nij = start; nij <= end; nij++)
                {
                    double term2 = logN + Math.Log(nij) - Math.Log(ai) - Math.Log(bj);
                    double gln = fixedPart - LogGamma(nij + 1) - LogGamma(ai - nij + 1) - LogGamma(bj - nij + 1) - LogGamma(n - ai - bj + nij + 1);
                    emi += (double)nij / n * term2 * Math.Exp(gln);
                }
            }
        }

        _ = maxCount;
        return emi;
    }

    private static double LogGamma(double x) => MathNet.Numerics.SpecialFunctions.GammaLn(x);

    private sealed class Contingency
    {
        private Contingency(Dictionary<(int, int), long> cells, long[] rowSums, long[] columnSums, long n)
        {
            Cells = cells;
            RowSums = rowSums;
            ColumnSums = columnSums;
            N = n;
        }

        public Dictionary<(int, int), long> Cells { get; }

        public long[] RowSums { get; }

        public long[] ColumnSums { get; }

        public long N { get; }

        public static Contingency Create(IReadOnlyList<int> labelsTrue, IReadOnlyList<int> labelsPred)
        {
            ArgumentNullException.ThrowIfNull(labelsTrue);
            ArgumentNullException.ThrowIfNull(labelsPred);
            if (labelsTrue.Count != labelsPred.Count)
            {
                throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Got {labelsTrue.Count} true labels and {labelsPred.Count} predicted labels. Give both for the same rows"));
            }

            var rows = new Dictionary<int, int>();
            var columns = new Dictionary<int, int>();
            foreach (int l in labelsTrue.Distinct().Order())
            {
                rows[l] = rows.Count;
            }

            foreach (int l in labelsPred.Distinct().Order())
            {
                columns[l] = columns.Count;
            }

            var cells = new Dictionary<(int, int), long>();
            var rowSums = new long[rows.Count];
            var columnSums = new long[columns.Count];
            for (int i = 0; i < labelsTrue.Count; i++)
            {
                int r = rows[labelsTrue[i]], c = columns[labelsPred[i]];
                cells[(r, c)] = cells.GetValueOrDefault((r, c)) + 1;
                rowSums[r]++;
                columnSums[c]++;
            }

            return new Contingency(cells, rowSums, columnSums, labelsTrue.Count);
        }
    }
}
