using System.Numerics.Tensors;
using NetLearn.LinearAlgebra;

namespace NetLearn.Neighbors;

/// <summary>How neighbours are searched (<c>algorithm</c>).</summary>
public enum NeighborAlgorithm
{
    /// <summary>scikit-learn's rule: brute force for more than 15 features or k ≥ n/2, otherwise a KD-tree.</summary>
    Auto,

    /// <summary>A ball tree (Omohundro, 1989): good in higher dimensions.</summary>
    BallTree,

    /// <summary>A KD-tree (Bentley, 1975; Friedman, Bentley and Finkel, 1977).</summary>
    KdTree,

    /// <summary>Distances to every training row.</summary>
    Brute,
}

/// <summary>The distance between rows (<c>metric</c>).</summary>
public enum DistanceMetric
{
    /// <summary>(Σ|xᵢ − yᵢ|ᵖ)^(1/p) with the <c>p</c> hyperparameter.</summary>
    Minkowski,

    /// <summary>Straight-line distance (Minkowski p = 2).</summary>
    Euclidean,

    /// <summary>Sum of absolute differences (Minkowski p = 1).</summary>
    Manhattan,
}

/// <summary>
/// Exact k-nearest-neighbour search over a fixed set of rows under a Minkowski distance. Distances are compared in the
/// "reduced" form Σ|d|ᵖ (no root) and converted at the end. Results are sorted by distance, ties by row index.
/// </summary>
internal sealed class NeighborIndex
{
    private readonly Matrix _x;
    private readonly double _p;
    private readonly int _leafSize;
    private readonly NeighborAlgorithm _algorithm;
    private readonly int[] _order;
    private readonly List<Node> _nodes = [];
    private readonly double[] _squaredNorms;

    public NeighborIndex(Matrix x, double p, NeighborAlgorithm algorithm, int leafSize, int k)
    {
        _x = x;
        _p = p;
        _leafSize = leafSize;
        _algorithm = algorithm == NeighborAlgorithm.Auto
            ? (x.Columns > 15 || k >= x.Rows / 2 ? NeighborAlgorithm.Brute : NeighborAlgorithm.KdTree)
            : algorithm;
        _order = [.. Enumerable.Range(0, x.Rows)];
        _squaredNorms = [];
        if (_algorithm == NeighborAlgorithm.Brute)
        {
            _squaredNorms = new double[x.Rows];
            for (int i = 0; i < x.Rows; i++)
            {
                _squaredNorms[i] = TensorPrimitives.Dot<double>(x.Row(i), x.Row(i));
            }
        }
        else
        {
            Build(0, x.Rows);
        }
    }

    /// <summary>The search method actually used.</summary>
    public NeighborAlgorithm Algorithm => _algorithm;

    /// <summary>The k nearest rows of every query row: indices and distances, nearest first. Rows are searched in parallel.</summary>
    public (int[][] Indices, double[][] Distances) Query(Matrix queries, int k)
    {
        var indices = new int[queries.Rows][];
        var distances = new double[queries.Rows][];
        Parallel.For(0, queries.Rows, () => new Heap(k), (i, _, heap) =>
        {
            heap.Clear();
            var q = queries.Row(i).ToArray();
            if (_algorithm == NeighborAlgorithm.Brute)
            {
                Brute(q, heap);
            }
            else
            {
                Search(0, q, heap);
            }

            (indices[i], distances[i]) = heap.Sorted(_p);
            return heap;
        }, _ => { });
        return (indices, distances);
    }

    /// <summary>
    /// Adds to <paramref name="into"/> every indexed row that may lie within <paramref name="radius"/> of
    /// <paramref name="q"/>: the rows of all tree leaves whose bounding box comes that close (with a relative slack of
    /// 1e-9, so rounding never drops a row at exactly the radius). Callers test the candidates with their exact distance.
    /// </summary>
    public void Candidates(double[] q, double radius, List<int> into)
    {
        if (_algorithm == NeighborAlgorithm.Brute)
        {
            into.AddRange(Enumerable.Range(0, _x.Rows));
            return;
        }

        Collect(0, q, (ToReduced(radius) * (1 + 1e-9)) + double.Epsilon, into);
    }

    private void Collect(int id, double[] q, double bound, List<int> into)
    {
        var node = _nodes[id];
        if (MinReduced(node, q) > bound)
        {
            return;
        }

        if (node.Left < 0)
        {
            into.AddRange(_order.AsSpan(node.Start, node.End - node.Start));
            return;
        }

        Collect(node.Left, q, bound, into);
        Collect(node.Right, q, bound, into);
    }

    private void Brute(double[] q, Heap heap)
    {
        if (_p == 2)
        {
            // ‖x − q‖² = ‖x‖² − 2x·q + ‖q‖²: one SIMD dot per row (as scikit-learn's euclidean_distances); the k
            // candidates are then recomputed exactly so reported distances are not hurt by cancellation.
            // The dot products come a block of rows at a time from the four-row SIMD kernel (RowDots).
            double qq = TensorPrimitives.Dot<double>(q, q);
            Span<double> dots = stackalloc double[256];
            for (int from = 0; from < _x.Rows; from += dots.Length)
            {
                int count = Math.Min(dots.Length, _x.Rows - from);
                RowDots.Dots(q, _x, _order.AsSpan(from, count), dots);
                for (int t = 0; t < count; t++)
                {
                    int i = from + t;
                    double d = _squaredNorms[i] - (2 * dots[t]) + qq;
                    if (heap.Accepts(d - (1e-10 * (_squaredNorms[i] + qq))))
                    {
                        heap.Push(Reduced(_x.Row(i), q), i);
                    }
                }
            }

            return;
        }

        for (int i = 0; i < _x.Rows; i++)
        {
            heap.Push(Reduced(_x.Row(i), q), i);
        }
    }

    private double Reduced(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        if (_p == 2)
        {
            for (int j = 0; j < a.Length; j++)
            {
                double d = a[j] - b[j];
                s += d * d;
            }
        }
        else if (_p == 1)
        {
            for (int j = 0; j < a.Length; j++)
            {
                s += Math.Abs(a[j] - b[j]);
            }
        }
        else
        {
            for (int j = 0; j < a.Length; j++)
            {
                s += Math.Pow(Math.Abs(a[j] - b[j]), _p);
            }
        }

        return s;
    }

    private double ToReduced(double distance) => _p == 1 ? distance : _p == 2 ? distance * distance : Math.Pow(distance, _p);

    private double FromReduced(double reduced) => _p == 1 ? reduced : _p == 2 ? Math.Sqrt(reduced) : Math.Pow(reduced, 1.0 / _p);

    // ---- tree construction: nodes over contiguous ranges of _order.
    private int Build(int start, int end)
    {
        int p = _x.Columns;
        var node = new Node { Start = start, End = end, Lower = new double[p], Upper = new double[p], Centroid = new double[p] };
        int id = _nodes.Count;
        _nodes.Add(node);
        node.Lower.AsSpan().Fill(double.PositiveInfinity);
        node.Upper.AsSpan().Fill(double.NegativeInfinity);
        for (int i = start; i < end; i++)
        {
            var row = _x.Row(_order[i]);
            TensorPrimitives.Min(node.Lower, row, node.Lower);
            TensorPrimitives.Max(node.Upper, row, node.Upper);
            TensorPrimitives.Add(node.Centroid, row, node.Centroid);
        }

        TensorPrimitives.Divide(node.Centroid, end - start, node.Centroid);
        if (_algorithm == NeighborAlgorithm.BallTree)
        {
            double radius = 0;
            for (int i = start; i < end; i++)
            {
                radius = Math.Max(radius, Reduced(_x.Row(_order[i]), node.Centroid));
            }

            node.Radius = FromReduced(radius);
        }

        if (end - start > _leafSize)
        {
            // Split on the dimension of largest spread at the median (both trees, as scikit-learn's BinaryTree does).
            int dim = 0;
            double spread = -1;
            for (int j = 0; j < p; j++)
            {
                if (node.Upper[j] - node.Lower[j] > spread)
                {
                    spread = node.Upper[j] - node.Lower[j];
                    dim = j;
                }
            }

            if (spread > 0)
            {
                int middle = start + ((end - start) / 2);
                Select(start, end - 1, middle, dim);
                node.Left = Build(start, middle);
                node.Right = Build(middle, end);
            }
        }

        return id;
    }

    // Quickselect: rows in [lo, hi] are reordered so that _order[k] holds the k-th smallest value of column dim.
    private void Select(int lo, int hi, int k, int dim)
    {
        var order = _order;
        while (hi > lo)
        {
            double pivot = _x[order[(lo + hi) >>> 1], dim];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (_x[order[i], dim] < pivot)
                {
                    i++;
                }

                while (_x[order[j], dim] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (order[i], order[j]) = (order[j], order[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return;
            }
        }
    }

    private double MinReduced(Node node, double[] q)
    {
        if (_algorithm == NeighborAlgorithm.BallTree)
        {
            double d = FromReduced(Reduced(q, node.Centroid)) - node.Radius;
            return d <= 0 ? 0 : ToReduced(d);
        }

        double s = 0;
        for (int j = 0; j < q.Length; j++)
        {
            double gap = Math.Max(Math.Max(node.Lower[j] - q[j], q[j] - node.Upper[j]), 0);
            s += _p == 2 ? gap * gap : _p == 1 ? gap : Math.Pow(gap, _p);
        }

        return s;
    }

    private void Search(int id, double[] q, Heap heap)
    {
        var node = _nodes[id];
        if (node.Left < 0)
        {
            for (int i = node.Start; i < node.End; i++)
            {
                heap.Push(Reduced(_x.Row(_order[i]), q), _order[i]);
            }

            return;
        }

        double left = MinReduced(_nodes[node.Left], q), right = MinReduced(_nodes[node.Right], q);
        (int first, double firstBound, int second, double secondBound) = left <= right
            ? (node.Left, left, node.Right, right)
            : (node.Right, right, node.Left, left);
        if (heap.Accepts(firstBound * (1 - 1e-12)))
        {
            Search(first, q, heap);
        }

        if (heap.Accepts(secondBound * (1 - 1e-12)))
        {
            Search(second, q, heap);
        }
    }

    private sealed class Node
    {
        public int Start;
        public int End;
        public int Left = -1;
        public int Right = -1;
        public double[] Lower = [];
        public double[] Upper = [];
        public double[] Centroid = [];
        public double Radius;
    }

    /// <summary>The k best (reduced distance, index) pairs seen so far, worst first in a max-heap; ties keep the lower index.</summary>
    internal sealed class Heap(int k)
    {
        private readonly double[] _distance = new double[k];
        private readonly int[] _index = new int[k];
        private int _count;

        public void Clear() => _count = 0;

        // Could a candidate at this reduced distance enter the heap?
        public bool Accepts(double distance) => _count < k || distance <= _distance[0];

        public void Push(double distance, int index)
        {
            if (_count < k)
            {
                int i = _count++;
                _distance[i] = distance;
                _index[i] = index;
                while (i > 0)
                {
                    int parent = (i - 1) / 2;
                    if (!Worse(i, parent))
                    {
                        break;
                    }

                    Swap(i, parent);
                    i = parent;
                }

                return;
            }

            if (distance > _distance[0] || (distance == _distance[0] && index > _index[0]))
            {
                return;
            }

            _distance[0] = distance;
            _index[0] = index;
            int at = 0;
            while (true)
            {
                int l = (2 * at) + 1, r = l + 1, worst = at;
                if (l < _count && Worse(l, worst))
                {
                    worst = l;
                }

                if (r < _count && Worse(r, worst))
                {
                    worst = r;
                }

                if (worst == at)
                {
                    break;
                }

                Swap(at, worst);
                at = worst;
            }
        }

        public (int[] Indices, double[] Distances) Sorted(double p)
        {
            var pairs = Enumerable.Range(0, _count).Select(i => (D: _distance[i], I: _index[i])).OrderBy(t => t.D).ThenBy(t => t.I).ToArray();
            return ([.. pairs.Select(t => t.I)], [.. pairs.Select(t => p == 1 ? t.D : p == 2 ? Math.Sqrt(t.D) : Math.Pow(t.D, 1.0 / p))]);
        }

        private bool Worse(int a, int b) => _distance[a] > _distance[b] || (_distance[a] == _distance[b] && _index[a] > _index[b]);

        private void Swap(int a, int b)
        {
            (_distance[a], _distance[b]) = (_distance[b], _distance[a]);
            (_index[a], _index[b]) = (_index[b], _index[a]);
        }
    }
}
