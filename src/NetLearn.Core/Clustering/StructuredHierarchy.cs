using NetLearn.Anomaly;
using NetLearn.LinearAlgebra;

namespace NetLearn.Clustering;

/// <summary>
/// Agglomerative clustering under a connectivity constraint, as scikit-learn's structured <c>ward_tree</c> and
/// <c>linkage_tree</c>: a heap of the candidate merges along the edges of a graph (here the symmetrised k-nearest-neighbour
/// graph, its components joined by their closest pair as scikit-learn's <c>_fix_connectivity</c> does); merging two
/// clusters makes the new cluster adjacent to the union of their neighbours. Ward uses the moment form of the Ward
/// distance (Ward 1963), complete/average/single the max/size-weighted mean/min of the two merged edge weights.
/// Time O(E log E) for E graph edges, memory O(E).
/// </summary>
internal static class StructuredHierarchy
{
    /// <summary>The merge tree (row-major (n−1)×4, rows in merge order: smaller id, larger id, height, size).</summary>
    public static double[] Build(Matrix x, int neighbours, Linkage linkage, DistanceMetric metric, CancellationToken cancellation)
    {
        var adjacency = Graph(x, neighbours, metric, cancellation);
        return linkage == Linkage.Ward ? Ward(x, adjacency, cancellation) : Linked(x, adjacency, linkage, metric, cancellation);
    }

    /// <summary>The symmetrised k-NN graph (self excluded) as sorted neighbour lists, made connected.</summary>
    internal static List<int>[] Graph(Matrix x, int k, DistanceMetric metric, CancellationToken cancellation)
    {
        int n = x.Rows;
        var sets = new SortedSet<int>[n];
        for (int i = 0; i < n; i++)
        {
            sets[i] = [];
        }

        var (indices, _) = Neighbours.Nearest(x, x, k, excludeSelf: true, metric, cancellation);
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < k; t++)
            {
                int j = indices[(i * k) + t];
                sets[i].Add(j);
                sets[j].Add(i);
            }
        }

        // scikit-learn's _fix_connectivity: join every pair of components by their closest pair of rows.
        int[] component = Components(sets, out int count);
        if (count > 1)
        {
            var members = Enumerable.Range(0, count).Select(c => Enumerable.Range(0, n).Where(i => component[i] == c).ToArray()).ToArray();
            for (int a = 0; a < count; a++)
            {
                for (int b = 0; b < a; b++)
                {
                    double best = double.PositiveInfinity;
                    int bi = -1, bj = -1;
                    foreach (int i in members[a])
                    {
                        foreach (int j in members[b])
                        {
                            double d = PairwiseDistances.Distance(x.Row(i), x.Row(j), metric);
                            if (d < best)
                            {
                                (best, bi, bj) = (d, i, j);
                            }
                        }
                    }

                    sets[bi].Add(bj);
                    sets[bj].Add(bi);
                }
            }
        }

        return [.. sets.Select(s => s.ToList())];
    }

    // Connected components numbered in order of their first row (SciPy's connected_components).
    private static int[] Components(SortedSet<int>[] sets, out int count)
    {
        var component = new int[sets.Length];
        Array.Fill(component, -1);
        count = 0;
        var stack = new Stack<int>();
        for (int start = 0; start < sets.Length; start++)
        {
            if (component[start] >= 0)
            {
                continue;
            }

            component[start] = count;
            stack.Push(start);
            while (stack.Count > 0)
            {
                foreach (int j in sets[stack.Pop()])
                {
                    if (component[j] < 0)
                    {
                        component[j] = count;
                        stack.Push(j);
                    }
                }
            }

            count++;
        }

        return component;
    }

    private static PriorityQueue<(int A, int B), (double W, int A, int B)> Heap() => new(Comparer<(double W, int A, int B)>.Create((p, q) =>
    {
        int c = p.W.CompareTo(q.W);
        return c != 0 ? c : p.A != q.A ? p.A.CompareTo(q.A) : p.B.CompareTo(q.B);
    }));

    // scikit-learn's structured ward_tree: moments (size, sum of rows) per node; inertia = nᵢnⱼ/(nᵢ+nⱼ)·‖μᵢ − μⱼ‖².
    private static double[] Ward(Matrix x, List<int>[] adjacency, CancellationToken cancellation)
    {
        int n = x.Rows, p = x.Columns, nodes = (2 * n) - 1;
        var size = new double[nodes];
        var sum = new double[(long)nodes * p];
        for (int i = 0; i < n; i++)
        {
            size[i] = 1;
            x.Row(i).CopyTo(sum.AsSpan(i * p, p));
        }

        var neighbours = new List<int>[nodes];
        var heap = Heap();
        for (int i = 0; i < n; i++)
        {
            neighbours[i] = [.. adjacency[i]];
            foreach (int j in adjacency[i])
            {
                if (j < i)
                {
                    heap.Enqueue((i, j), (Inertia(i, j), i, j));
                }
            }
        }

        var parent = new int[nodes];
        for (int i = 0; i < nodes; i++)
        {
            parent[i] = i;
        }

        var used = new bool[nodes];
        Array.Fill(used, true);
        var visited = new bool[nodes];
        var z = new double[(n - 1) * 4];
        for (int k = n; k < nodes; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            (double W, int A, int B) top;
            while (true)
            {
                if (!heap.TryDequeue(out _, out top))
                {
                    throw new InvalidOperationException("The connectivity graph ran out of edges before the tree was complete.");
                }

                if (used[top.A] && used[top.B])
                {
                    break;
                }
            }

            int a = top.A, b = top.B;
            parent[a] = parent[b] = k;
            used[a] = used[b] = false;
            size[k] = size[a] + size[b];
            for (int c = 0; c < p; c++)
            {
                sum[((long)k * p) + c] = sum[((long)a * p) + c] + sum[((long)b * p) + c];
            }

            // The new node's neighbours: the current roots of the merged nodes' neighbours.
            var heads = new List<int>();
            visited[k] = true;
            foreach (int start in neighbours[a].Concat(neighbours[b]))
            {
                int root = start;
                while (parent[root] != root)
                {
                    root = parent[root];
                }

                if (!visited[root])
                {
                    visited[root] = true;
                    heads.Add(root);
                }
            }

            visited[k] = false;
            foreach (int h in heads)
            {
                visited[h] = false;
                neighbours[h].Add(k);
                heap.Enqueue((k, h), (Inertia(k, h), k, h));
            }

            neighbours[k] = heads;
            neighbours[a] = neighbours[b] = [];
            int row = k - n;
            z[row * 4] = Math.Min(a, b);
            z[(row * 4) + 1] = Math.Max(a, b);
            z[(row * 4) + 2] = Math.Sqrt(2.0 * top.W);
            z[(row * 4) + 3] = size[k];
        }

        return z;

        double Inertia(int i, int j)
        {
            double f = size[i] * size[j] / (size[i] + size[j]), s = 0;
            long oi = (long)i * p, oj = (long)j * p;
            for (int c = 0; c < p; c++)
            {
                double d = (sum[oi + c] / size[i]) - (sum[oj + c] / size[j]);
                s += d * d;
            }

            return s * f;
        }
    }

    // scikit-learn's linkage_tree with connectivity: edge weights are point distances, merged with max (complete),
    // the size-weighted mean (average) or min (single) over the neighbours both clusters share.
    private static double[] Linked(Matrix x, List<int>[] adjacency, Linkage linkage, DistanceMetric metric, CancellationToken cancellation)
    {
        int n = x.Rows, nodes = (2 * n) - 1;
        var edges = new Dictionary<int, double>[nodes];
        var heap = Heap();
        for (int i = 0; i < n; i++)
        {
            edges[i] = [];
            foreach (int j in adjacency[i])
            {
                double d = PairwiseDistances.Distance(x.Row(i), x.Row(j), metric);
                edges[i][j] = d;
                if (j < i)
                {
                    heap.Enqueue((i, j), (d, i, j));
                }
            }
        }

        var size = new int[nodes];
        Array.Fill(size, 1, 0, n);
        var z = new double[(n - 1) * 4];
        for (int k = n; k < nodes; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            (double W, int A, int B) top;
            while (true)
            {
                if (!heap.TryDequeue(out _, out top))
                {
                    throw new InvalidOperationException("The connectivity graph ran out of edges before the tree was complete.");
                }

                if (size[top.A] > 0 && size[top.B] > 0)
                {
                    break;
                }
            }

            int a = top.A, b = top.B, na = size[a], nb = size[b];
            size[k] = na + nb;
            size[a] = size[b] = 0;
            var joined = new Dictionary<int, double>();
            foreach (var (key, value) in edges[a])
            {
                if (size[key] > 0)
                {
                    joined[key] = value;
                }
            }

            foreach (var (key, value) in edges[b])
            {
                if (size[key] > 0)
                {
                    joined[key] = !joined.TryGetValue(key, out double other) ? value : linkage switch
                    {
                        Linkage.Complete => Math.Max(other, value),
                        Linkage.Single => Math.Min(other, value),
                        _ => ((na * other) + (nb * value)) / (na + nb),
                    };
                }
            }

            foreach (var (key, value) in joined)
            {
                edges[key][k] = value;
                heap.Enqueue((k, key), (value, k, key));
            }

            edges[k] = joined;
            edges[a] = edges[b] = [];
            int row = k - n;
            z[row * 4] = Math.Min(a, b);
            z[(row * 4) + 1] = Math.Max(a, b);
            z[(row * 4) + 2] = top.W;
            z[(row * 4) + 3] = size[k];
        }

        return z;
    }
}
