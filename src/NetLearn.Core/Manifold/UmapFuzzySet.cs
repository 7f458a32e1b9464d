using System.Globalization;
using System.Numerics.Tensors;
using NetLearn.LinearAlgebra;
using NetLearn.Neighbors;

namespace NetLearn.Manifold;

/// <summary>The k nearest neighbours of each row, nearest first, as flat n×k arrays (row i at i·k).</summary>
internal sealed record UmapNeighbors(int Rows, int K, int[] Indices, double[] Distances);

/// <summary>A sparse weighted graph in compressed-row form (columns ascending within a row).</summary>
internal sealed record UmapGraph(int Rows, int Columns, int[] RowStart, int[] Column, double[] Weight)
{
    /// <summary>The number of stored edges.</summary>
    public int EdgeCount => Column.Length;

    /// <summary>The largest weight (0 for an empty graph).</summary>
    public double MaxWeight => Weight.Length == 0 ? 0 : TensorPrimitives.Max<double>(Weight);

    /// <summary>The same graph without the edges whose weight is below <paramref name="threshold"/> (or zero).</summary>
    public UmapGraph Prune(double threshold)
    {
        var rowStart = new int[Rows + 1];
        var column = new List<int>(Column.Length);
        var weight = new List<double>(Column.Length);
        for (int i = 0; i < Rows; i++)
        {
            for (int e = RowStart[i]; e < RowStart[i + 1]; e++)
            {
                if (Weight[e] >= threshold && Weight[e] != 0)
                {
                    column.Add(Column[e]);
                    weight.Add(Weight[e]);
                }
            }

            rowStart[i + 1] = column.Count;
        }

        return new UmapGraph(Rows, Columns, rowStart, [.. column], [.. weight]);
    }

    /// <summary>The row index of every edge, in storage order (umap-learn's <c>graph.row</c> of the COO form).</summary>
    public int[] EdgeRows()
    {
        var rows = new int[EdgeCount];
        for (int i = 0; i < Rows; i++)
        {
            rows.AsSpan(RowStart[i], RowStart[i + 1] - RowStart[i]).Fill(i);
        }

        return rows;
    }
}

/// <summary>
/// UMAP's fuzzy simplicial set (McInnes, Healy &amp; Melville 2018, §3.1 and algorithm 3), as umap-learn 0.5's
/// <c>nearest_neighbors</c>, <c>smooth_knn_dist</c>, <c>compute_membership_strengths</c> and <c>fuzzy_simplicial_set</c>:
/// exact k nearest neighbours (the row itself included, as umap-learn's small-data path), per-row ρ (distance to the
/// <c>local_connectivity</c>-th nearest non-identical neighbour) and σ (binary search so that
/// Σ_j exp(−max(0, d_ij − ρ_i)/σ_i) = log₂ k), memberships exp(−(d − ρ)/σ), and the fuzzy union
/// A + Aᵀ − A∘Aᵀ (mixed with the intersection A∘Aᵀ by <c>set_op_mix_ratio</c>).
/// </summary>
internal static class UmapFuzzySet
{
    private const double SmoothKTolerance = 1e-5;
    private const double MinKDistScale = 1e-3;
    private const int SmoothIterations = 64;

    /// <summary>Exact k nearest rows of <paramref name="queries"/> among <paramref name="data"/> (a KD-tree for few features, else a blocked scan).</summary>
    public static UmapNeighbors Exact(Matrix data, Matrix queries, int k, UMAPMetric metric)
    {
        if (metric == UMAPMetric.Cosine)
        {
            data = UnitRows(data, "the training data");
            queries = ReferenceEquals(queries, data) ? data : UnitRows(queries, "the rows to transform");
        }

        // Many features: the blocked scan (a KD-tree does not prune there); otherwise the KD-tree.
        var (indices, distances) = metric != UMAPMetric.Manhattan && data.Columns > 15
            ? UmapBruteNeighbors.Query(data, queries, k)
            : new NeighborIndex(data, metric == UMAPMetric.Manhattan ? 1 : 2, NeighborAlgorithm.Auto, 40, k).Query(queries, k);
        int n = queries.Rows;
        var flatIndices = new int[n * k];
        var flatDistances = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            indices[i].CopyTo(flatIndices, i * k);
            for (int j = 0; j < k; j++)
            {
                double d = distances[i][j];
                // Unit rows: cosine distance 1 − cos = ‖u − v‖² / 2.
                flatDistances[(i * k) + j] = metric == UMAPMetric.Cosine ? Math.Max(0, d * d / 2) : d;
            }
        }

        return new UmapNeighbors(n, k, flatIndices, flatDistances);
    }

    /// <summary>
    /// σ and ρ of every row (umap-learn's <c>smooth_knn_dist</c>): ρ interpolates between the non-zero neighbour
    /// distances at <paramref name="localConnectivity"/>; σ is found by 64 steps of bisection/doubling so that the
    /// memberships of neighbours 1…k−1 sum to log₂(<paramref name="k"/>), floored at 1e-3 × the mean distance.
    /// </summary>
    public static (double[] Sigmas, double[] Rhos) SmoothDistances(UmapNeighbors neighbors, double k, double localConnectivity)
    {
        int n = neighbors.Rows, width = neighbors.K;
        var distances = neighbors.Distances;
        double target = Math.Log2(k);
        var sigmas = new double[n];
        var rhos = new double[n];
        double meanAll = distances.Length == 0 ? 0 : TensorPrimitives.Sum<double>(distances) / distances.Length;
        var nonZero = new double[width];
        for (int i = 0; i < n; i++)
        {
            var row = distances.AsSpan(i * width, width);
            int count = 0;
            foreach (double d in row)
            {
                if (d > 0)
                {
                    nonZero[count++] = d;
                }
            }

            double rho = 0;
            if (count >= localConnectivity)
            {
                int index = (int)Math.Floor(localConnectivity);
                double interpolation = localConnectivity - index;
                if (index > 0)
                {
                    rho = nonZero[index - 1];
                    if (interpolation > SmoothKTolerance)
                    {
                        rho += interpolation * (nonZero[index] - nonZero[index - 1]);
                    }
                }
                else
                {
                    rho = interpolation * nonZero[0];
                }
            }
            else if (count > 0)
            {
                rho = nonZero[..count].Max();
            }

            double lo = 0, hi = double.PositiveInfinity, mid = 1;
            // umap-learn keeps distances and ρ in single precision; the search does the same so that it stops at the
            // same step (σ is only determined to the 1e-5 tolerance on the sum).
            float rho32 = (float)rho;
            for (int step = 0; step < SmoothIterations; step++)
            {
                double psum = 0;
                for (int j = 1; j < width; j++)
                {
                    double d = (float)row[j] - rho32;
                    psum += d > 0 ? Math.Exp(-(d / mid)) : 1.0;
                }

                if (Math.Abs(psum - target) < SmoothKTolerance)
                {
                    break;
                }

                if (psum > target)
                {
                    hi = mid;
                    mid = (lo + hi) / 2.0;
                }
                else
                {
                    lo = mid;
                    mid = double.IsPositiveInfinity(hi) ? mid * 2 : (lo + hi) / 2.0;
                }
            }

            double floor = MinKDistScale * (rho > 0 ? TensorPrimitives.Sum<double>(row) / width : meanAll);
            sigmas[i] = Math.Max(mid, floor);
            rhos[i] = rho;
        }

        return (sigmas, rhos);
    }

    /// <summary>
    /// The directed membership graph (rows = queries, columns = <paramref name="columns"/> data rows): 0 for a row's own
    /// entry unless <paramref name="bipartite"/>, 1 within ρ (or when σ = 0), else exp(−(d − ρ)/σ); zeros dropped.
    /// </summary>
    public static UmapGraph Memberships(UmapNeighbors neighbors, double[] sigmas, double[] rhos, int columns, bool bipartite)
    {
        int n = neighbors.Rows, k = neighbors.K;
        var rowStart = new int[n + 1];
        var column = new List<int>(n * k);
        var weight = new List<double>(n * k);
        var order = new int[k];
        var keys = new int[k];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++)
            {
                order[j] = j;
            }

            // Visit the neighbours by column so that the row's columns ascend (the neighbours are distinct rows).
            neighbors.Indices.AsSpan(i * k, k).CopyTo(keys);
            Array.Sort(keys, order);
            foreach (int j in order)
            {
                int c = neighbors.Indices[(i * k) + j];
                double d = neighbors.Distances[(i * k) + j];
                double value;
                if (!bipartite && c == i)
                {
                    value = 0;
                }
                else if (d - rhos[i] <= 0 || sigmas[i] == 0)
                {
                    value = 1;
                }
                else
                {
                    value = Math.Exp(-((d - rhos[i]) / sigmas[i]));
                }

                if (value != 0)
                {
                    column.Add(c);
                    weight.Add(value);
                }
            }

            rowStart[i + 1] = column.Count;
        }

        return new UmapGraph(n, columns, rowStart, [.. column], [.. weight]);
    }

    /// <summary>
    /// The symmetric fuzzy set: mix·(A + Aᵀ − A∘Aᵀ) + (1 − mix)·(A∘Aᵀ), zeros dropped (umap-learn's
    /// <c>fuzzy_simplicial_set</c> with <c>set_op_mix_ratio</c> = <paramref name="mix"/>).
    /// </summary>
    public static UmapGraph Union(UmapGraph a, double mix)
    {
        var t = Transpose(a);
        int n = a.Rows;
        var rowStart = new int[n + 1];
        var column = new List<int>(2 * a.EdgeCount);
        var weight = new List<double>(2 * a.EdgeCount);
        for (int i = 0; i < n; i++)
        {
            int p = a.RowStart[i], pEnd = a.RowStart[i + 1], q = t.RowStart[i], qEnd = t.RowStart[i + 1];
            while (p < pEnd || q < qEnd)
            {
                int cp = p < pEnd ? a.Column[p] : int.MaxValue, cq = q < qEnd ? t.Column[q] : int.MaxValue;
                int c = Math.Min(cp, cq);
                double x = cp == c ? a.Weight[p++] : 0, y = cq == c ? t.Weight[q++] : 0;
                double product = x * y;
                double value = (mix * (x + y - product)) + ((1.0 - mix) * product);
                if (value != 0)
                {
                    column.Add(c);
                    weight.Add(value);
                }
            }

            rowStart[i + 1] = column.Count;
        }

        return new UmapGraph(n, n, rowStart, [.. column], [.. weight]);
    }

    private static UmapGraph Transpose(UmapGraph a)
    {
        var rowStart = new int[a.Columns + 1];
        foreach (int c in a.Column)
        {
            rowStart[c + 1]++;
        }

        for (int i = 0; i < a.Columns; i++)
        {
            rowStart[i + 1] += rowStart[i];
        }

        var next = rowStart[..^1].ToArray();
        var column = new int[a.EdgeCount];
        var weight = new double[a.EdgeCount];
        for (int i = 0; i < a.Rows; i++)
        {
            for (int e = a.RowStart[i]; e < a.RowStart[i + 1]; e++)
            {
                int slot = next[a.Column[e]]++;
                column[slot] = i;
                weight[slot] = a.Weight[e];
            }
        }

        return new UmapGraph(a.Columns, a.Rows, rowStart, column, weight);
    }

    private static Matrix UnitRows(Matrix x, string what)
    {
        var result = new Matrix(x.Rows, x.Columns);
        for (int i = 0; i < x.Rows; i++)
        {
            double norm = TensorPrimitives.Norm<double>(x.Row(i));
            if (norm == 0)
            {
                throw new DataValidationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Row {i} of {what} is all zeros, and the cosine distance to an all-zero row is undefined. Drop the row or use metric=euclidean"),
                    row: i);
            }

            TensorPrimitives.Divide<double>(x.Row(i), norm, result.Row(i));
        }

        return result;
    }
}
