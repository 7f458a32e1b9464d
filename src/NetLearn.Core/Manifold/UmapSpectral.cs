using System.Numerics.Tensors;
using NetLearn.LinearAlgebra;
using Dense = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace NetLearn.Manifold;

/// <summary>
/// UMAP's spectral initialisation (umap-learn 0.5's <c>spectral_layout</c> and <c>multi_component_layout</c>): the
/// eigenvectors of the normalized graph Laplacian L = I − D^(−1/2)·W·D^(−1/2) for its 2nd…(dim+1)th smallest
/// eigenvalues (Belkin &amp; Niyogi 2003, Laplacian eigenmaps). Disconnected graphs lay out each component on its own,
/// placed around a meta-layout of the components (a spectral embedding of their centroids when there are more than
/// 2·dim components, else the ± unit vectors). The eigenvectors are the largest of D^(−1/2)·W·D^(−1/2), found by a
/// thick-restart Lanczos iteration with full reorthogonalisation (Wu &amp; Simon 2000) started from the ones vector as
/// umap-learn's ARPACK call; small graphs use a dense symmetric eigensolver.
/// </summary>
internal static class UmapSpectral
{
    private const int DenseLimit = 400;
    private const double Tolerance = 1e-7;
    private const int MaxRestarts = 200;

    /// <summary>The n×dim spectral layout (row-major), or <c>null</c> when the eigensolver did not converge (then umap-learn falls back to a random layout).</summary>
    public static double[]? Layout(UmapGraph graph, Matrix data, int dim, UMAPMetric metric, Random rng)
    {
        var (labels, count) = Components(graph);
        if (count > 1)
        {
            return MultiComponent(graph, data, labels, count, dim, metric, rng);
        }

        return Eigenvectors(graph, dim);
    }

    /// <summary>Connected components by breadth-first search; labels numbered in order of their lowest row.</summary>
    public static (int[] Labels, int Count) Components(UmapGraph graph)
    {
        int n = graph.Rows;
        var labels = new int[n];
        Array.Fill(labels, -1);
        var queue = new Queue<int>();
        int count = 0;
        for (int s = 0; s < n; s++)
        {
            if (labels[s] >= 0)
            {
                continue;
            }

            labels[s] = count;
            queue.Enqueue(s);
            while (queue.Count > 0)
            {
                int i = queue.Dequeue();
                for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
                {
                    int j = graph.Column[e];
                    if (labels[j] < 0)
                    {
                        labels[j] = count;
                        queue.Enqueue(j);
                    }
                }
            }

            count++;
        }

        return (labels, count);
    }

    // The eigenvectors of the 2nd…(dim+1)th smallest eigenvalues of the normalized Laplacian of a connected graph.
    private static double[]? Eigenvectors(UmapGraph graph, int dim)
    {
        int n = graph.Rows, want = dim + 1;
        if (n <= want)
        {
            return null;
        }

        var degree = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
            {
                degree[i] += graph.Weight[e];
            }
        }

        var scaled = new double[graph.EdgeCount];
        for (int i = 0; i < n; i++)
        {
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
            {
                scaled[e] = graph.Weight[e] / Math.Sqrt(degree[i] * degree[graph.Column[e]]);
            }
        }

        var vectors = n <= DenseLimit ? DenseLargest(graph, scaled, want) : LanczosLargest(graph, scaled, want);
        if (vectors is null)
        {
            return null;
        }

        // vectors[0] belongs to the largest eigenvalue of D^(-1/2) W D^(-1/2), i.e. L's smallest (the trivial one).
        var layout = new double[n * dim];
        for (int c = 0; c < dim; c++)
        {
            for (int i = 0; i < n; i++)
            {
                layout[(i * dim) + c] = vectors[c + 1][i];
            }
        }

        return layout;
    }

    private static double[][] DenseLargest(UmapGraph graph, double[] scaled, int want)
    {
        int n = graph.Rows;
        var m = Dense.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
            {
                m[i, graph.Column[e]] = scaled[e];
            }
        }

        var evd = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var result = new double[want][];
        for (int k = 0; k < want; k++)
        {
            // Eigenvalues come in ascending order.
            result[k] = evd.EigenVectors.Column(n - 1 - k).ToArray();
        }

        return result;
    }

    private static void Multiply(UmapGraph graph, double[] scaled, double[] v, double[] result)
    {
        for (int i = 0; i < graph.Rows; i++)
        {
            double sum = 0;
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
            {
                sum += scaled[e] * v[graph.Column[e]];
            }

            result[i] = sum;
        }
    }

    // Thick-restart Lanczos for the `want` largest eigenpairs of the symmetric operator; null if it does not converge.
    private static double[][]? LanczosLargest(UmapGraph graph, double[] scaled, int want)
    {
        int n = graph.Rows;
        int m = Math.Min(n - 1, Math.Max((2 * want) + 20, (int)Math.Sqrt(n)));
        int keep = Math.Max(want + 2, m / 2);
        var basis = new double[m + 1][];
        for (int i = 0; i <= m; i++)
        {
            basis[i] = new double[n];
        }

        var h = new double[m + 1, m + 1];
        Array.Fill(basis[0], 1.0 / Math.Sqrt(n));
        var w = new double[n];
        var coefficients = new double[m + 1];
        int start = 0;
        for (int restart = 0; restart < MaxRestarts; restart++)
        {
            int size = m;
            for (int j = start; j < m; j++)
            {
                Multiply(graph, scaled, basis[j], w);
                Array.Clear(coefficients);
                for (int pass = 0; pass < 2; pass++)
                {
                    for (int i = 0; i <= j; i++)
                    {
                        double c = TensorPrimitives.Dot<double>(basis[i], w);
                        coefficients[i] += c;
                        TensorPrimitives.MultiplyAdd<double>(basis[i], -c, w, w);
                    }
                }

                for (int i = 0; i <= j; i++)
                {
                    h[i, j] = coefficients[i];
                    h[j, i] = coefficients[i];
                }

                double beta = TensorPrimitives.Norm<double>(w);
                h[j + 1, j] = beta;
                h[j, j + 1] = beta;
                if (beta < 1e-12)
                {
                    // An invariant subspace: the Ritz pairs of the basis so far are exact.
                    size = j + 1;
                    break;
                }

                TensorPrimitives.Divide<double>(w, beta, basis[j + 1]);
            }

            var t = Dense.Build.Dense(size, size, (r, c) => h[r, c]);
            var evd = t.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
            var s = evd.EigenVectors;
            double residualNorm = size < m ? 0 : h[m, m - 1];
            if (size < want)
            {
                return null;
            }

            bool converged = true;
            for (int k = 0; k < want; k++)
            {
                converged &= Math.Abs(residualNorm * s[size - 1, size - 1 - k]) <= Tolerance;
            }

            if (converged || restart == MaxRestarts - 1)
            {
                if (!converged)
                {
                    return null;
                }

                var result = new double[want][];
                for (int k = 0; k < want; k++)
                {
                    result[k] = Combine(basis, s, size, size - 1 - k, n);
                }

                return result;
            }

            // Keep the `keep` best Ritz vectors and the residual direction; H becomes diag(θ) bordered by β·s_last.
            var kept = new double[keep][];
            for (int k = 0; k < keep; k++)
            {
                kept[k] = Combine(basis, s, size, size - 1 - k, n);
            }

            var residual = basis[m];
            Array.Clear(h);
            for (int k = 0; k < keep; k++)
            {
                h[k, k] = evd.EigenValues[size - 1 - k].Real;
                double coupling = residualNorm * s[size - 1, size - 1 - k];
                h[keep, k] = coupling;
                h[k, keep] = coupling;
            }

            var spare = basis[keep];
            for (int k = 0; k < keep; k++)
            {
                kept[k].CopyTo(basis[k], 0);
            }

            if (!ReferenceEquals(spare, residual))
            {
                residual.CopyTo(spare, 0);
            }

            start = keep;
        }

        return null;
    }

    private static double[] Combine(double[][] basis, Dense s, int size, int column, int n)
    {
        var v = new double[n];
        for (int i = 0; i < size; i++)
        {
            TensorPrimitives.MultiplyAdd<double>(basis[i], s[i, column], v, v);
        }

        return v;
    }

    // umap-learn's multi_component_layout: each component's own spectral layout, scaled to half the distance to the
    // nearest other component's meta position; components too small for a spectral layout are placed at random.
    private static double[] MultiComponent(UmapGraph graph, Matrix data, int[] labels, int count, int dim, UMAPMetric metric, Random rng)
    {
        int n = graph.Rows;
        double[] meta = count > 2 * dim ? ComponentMeta(data, labels, count, dim, metric) : UnitMeta(count, dim);
        var result = new double[n * dim];
        for (int label = 0; label < count; label++)
        {
            int[] members = [.. Enumerable.Range(0, n).Where(i => labels[i] == label)];
            double range = double.PositiveInfinity;
            for (int other = 0; other < count; other++)
            {
                double d = 0;
                for (int c = 0; c < dim; c++)
                {
                    double diff = meta[(label * dim) + c] - meta[(other * dim) + c];
                    d += diff * diff;
                }

                if (d > 0)
                {
                    range = Math.Min(range, Math.Sqrt(d));
                }
            }

            range = double.IsPositiveInfinity(range) ? 1.0 : range / 2.0;
            double[]? layout = null;
            if (members.Length >= 2 * dim && members.Length > dim + 1)
            {
                layout = Eigenvectors(Subgraph(graph, members), dim);
            }

            double expansion = 1;
            if (layout is not null)
            {
                double max = TensorPrimitives.MaxMagnitude<double>(layout);
                expansion = max > 0 ? range / Math.Abs(max) : 1;
            }

            for (int r = 0; r < members.Length; r++)
            {
                for (int c = 0; c < dim; c++)
                {
                    double value = layout is not null ? layout[(r * dim) + c] * expansion : (((2 * rng.NextDouble()) - 1) * range);
                    result[(members[r] * dim) + c] = value + meta[(label * dim) + c];
                }
            }
        }

        return result;
    }

    private static UmapGraph Subgraph(UmapGraph graph, int[] members)
    {
        var position = new Dictionary<int, int>(members.Length);
        for (int r = 0; r < members.Length; r++)
        {
            position[members[r]] = r;
        }

        var rowStart = new int[members.Length + 1];
        var column = new List<int>();
        var weight = new List<double>();
        for (int r = 0; r < members.Length; r++)
        {
            int i = members[r];
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
            {
                // Edges only join rows of one component, so every neighbour is a member; columns stay ascending.
                column.Add(position[graph.Column[e]]);
                weight.Add(graph.Weight[e]);
            }

            rowStart[r + 1] = column.Count;
        }

        return new UmapGraph(members.Length, members.Length, rowStart, [.. column], [.. weight]);
    }

    // k = ⌈count/2⌉ unit vectors and their negatives (needs count ≤ 2·dim).
    private static double[] UnitMeta(int count, int dim)
    {
        int k = (count + 1) / 2;
        var meta = new double[count * dim];
        for (int label = 0; label < count; label++)
        {
            int axis = label % k;
            meta[(label * dim) + axis] = label < k ? 1 : -1;
        }

        return meta;
    }

    // umap-learn's component_layout: scikit-learn's SpectralEmbedding of the affinities exp(−d²) between component
    // centroids (normalized Laplacian, vectors divided by √degree, signs fixed so each vector's largest |entry| is
    // positive, the trivial vector dropped), divided by its largest entry.
    private static double[] ComponentMeta(Matrix data, int[] labels, int count, int dim, UMAPMetric metric)
    {
        int p = data.Columns;
        var centroids = new Matrix(count, p);
        var sizes = new int[count];
        for (int i = 0; i < data.Rows; i++)
        {
            TensorPrimitives.Add<double>(centroids.Row(labels[i]), data.Row(i), centroids.Row(labels[i]));
            sizes[labels[i]]++;
        }

        for (int c = 0; c < count; c++)
        {
            TensorPrimitives.Divide<double>(centroids.Row(c), sizes[c], centroids.Row(c));
        }

        var affinity = Dense.Build.Dense(count, count);
        var degree = new double[count];
        for (int a = 0; a < count; a++)
        {
            for (int b = 0; b < count; b++)
            {
                if (a != b)
                {
                    double d = Distance(centroids.Row(a), centroids.Row(b), metric);
                    affinity[a, b] = Math.Exp(-(d * d));
                    degree[a] += affinity[a, b];
                }
            }
        }

        var laplacian = Dense.Build.Dense(count, count);
        for (int a = 0; a < count; a++)
        {
            for (int b = 0; b < count; b++)
            {
                double norm = Math.Sqrt(degree[a] * degree[b]);
                laplacian[a, b] = (a == b ? 1.0 : 0.0) - (norm > 0 ? affinity[a, b] / norm : 0);
            }
        }

        var evd = laplacian.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var meta = new double[count * dim];
        for (int c = 0; c < dim; c++)
        {
            // Ascending eigenvalues: column 0 is the trivial vector, dropped.
            var v = evd.EigenVectors.Column(Math.Min(c + 1, count - 1)).ToArray();
            for (int a = 0; a < count; a++)
            {
                v[a] /= degree[a] > 0 ? Math.Sqrt(degree[a]) : 1;
            }

            int largest = TensorPrimitives.IndexOfMaxMagnitude<double>(v);
            double sign = v[largest] < 0 ? -1 : 1;
            for (int a = 0; a < count; a++)
            {
                meta[(a * dim) + c] = sign * v[a];
            }
        }

        double top = TensorPrimitives.Max<double>(meta);
        if (top > 0)
        {
            TensorPrimitives.Divide<double>(meta, top, meta);
        }

        return meta;
    }

    /// <summary>The distance between two rows under <paramref name="metric"/> (cosine: 1 − cos).</summary>
    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, UMAPMetric metric) => metric switch
    {
        UMAPMetric.Manhattan => TensorPrimitives.SumOfMagnitudes<double>(Diff(a, b)),
        UMAPMetric.Cosine => 1.0 - TensorPrimitives.CosineSimilarity<double>(a, b),
        _ => TensorPrimitives.Distance<double>(a, b),
    };

    private static double[] Diff(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var d = new double[a.Length];
        TensorPrimitives.Subtract<double>(a, b, d);
        return d;
    }
}
