using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetLearn.Trees;

namespace NetLearn.Ensembles;

/// <summary>
/// The general prediction layout of a whole forest (used when <see cref="CompactForestPredictor"/> cannot encode the
/// forest: more than 16,383 features or a right subtree more than 65,535 nodes away): every tree's split nodes in one flat array, 12 bytes a node, each tree in
/// pre-order (the left child of node i is i + 1, so a walk mostly moves forward), and the leaf outputs in a second flat
/// array (class proportions, or the leaf value for regression). Thresholds are stored as the largest float not above
/// the tree's double threshold, which gives the same test <c>x ≤ t</c> for every float feature value.
/// One row walks four trees in lockstep so their cache misses overlap (memory-level parallelism); a block of rows walks
/// one tree after another, so the top of each tree stays in cache for the whole block. Nothing is allocated per call.
/// </summary>
internal sealed class WideForestPredictor : ForestPredictor
{
    private const int Lanes = 4;
    private readonly Node[] _nodes;
    private readonly int[] _roots;
    private readonly double[] _leaves;
    private readonly int _width;

    /// <param name="trees">The fitted trees.</param>
    /// <param name="proportions">Store each leaf's values divided by their sum (class proportions), as classifiers predict.</param>
    public WideForestPredictor(IReadOnlyList<TreeStructure> trees, bool proportions)
    {
        _width = trees[0].ValueWidth;
        _roots = new int[trees.Count];
        long nodeTotal = trees.Sum(t => (long)t.NodeCount);
        _nodes = new Node[nodeTotal];
        _leaves = new double[trees.Sum(t => t.LeafCount) * _width];
        int at = 0, leaf = 0;
        var stack = new Stack<(int Node, int Parent)>();
        for (int t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            _roots[t] = at;
            stack.Push((0, -1));
            while (stack.Count > 0)
            {
                var (node, parent) = stack.Pop();
                int here = at++;
                if (parent >= 0)
                {
                    _nodes[parent] = _nodes[parent] with { Next = here };
                }

                if (tree.Left[node] < 0)
                {
                    LeafOutput(tree, node, proportions, _leaves.AsSpan(leaf * _width, _width));
                    _nodes[here] = new Node(0, -1, leaf++);
                }
                else
                {
                    _nodes[here] = new Node(FloatAtMost(tree.Threshold[node]), tree.Feature[node], -1);
                    stack.Push((tree.Right[node], here));
                    stack.Push((tree.Left[node], -1));
                }
            }
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Accumulate(ReadOnlySpan<float> row, Span<double> sum)
    {
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        int t = 0;
        for (; t + Lanes <= _roots.Length; t += Lanes)
        {
            int a = _roots[t], b = _roots[t + 1], c = _roots[t + 2], d = _roots[t + 3];
            while (true)
            {
                ref Node na = ref Unsafe.Add(ref nodes, a);
                ref Node nb = ref Unsafe.Add(ref nodes, b);
                ref Node nc = ref Unsafe.Add(ref nodes, c);
                ref Node nd = ref Unsafe.Add(ref nodes, d);
                bool more = false;
                if (na.Feature >= 0)
                {
                    a = row[na.Feature] <= na.Threshold ? a + 1 : na.Next;
                    more = true;
                }

                if (nb.Feature >= 0)
                {
                    b = row[nb.Feature] <= nb.Threshold ? b + 1 : nb.Next;
                    more = true;
                }

                if (nc.Feature >= 0)
                {
                    c = row[nc.Feature] <= nc.Threshold ? c + 1 : nc.Next;
                    more = true;
                }

                if (nd.Feature >= 0)
                {
                    d = row[nd.Feature] <= nd.Threshold ? d + 1 : nd.Next;
                    more = true;
                }

                if (!more)
                {
                    break;
                }
            }

            AddLeaf(Unsafe.Add(ref nodes, a).Next, sum);
            AddLeaf(Unsafe.Add(ref nodes, b).Next, sum);
            AddLeaf(Unsafe.Add(ref nodes, c).Next, sum);
            AddLeaf(Unsafe.Add(ref nodes, d).Next, sum);
        }

        for (; t < _roots.Length; t++)
        {
            AddLeaf(Walk(ref nodes, _roots[t], row), sum);
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void AccumulateBlock(ReadOnlySpan<float> rows, int columns, Span<double> sums)
    {
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        int count = rows.Length / columns;
        foreach (int root in _roots)
        {
            int r = 0;
            for (; r + 1 < count; r += 2)
            {
                // Two rows at once: independent walks whose loads overlap.
                var x0 = rows.Slice(r * columns, columns);
                var x1 = rows.Slice((r + 1) * columns, columns);
                int a = root, b = root;
                while (true)
                {
                    ref Node na = ref Unsafe.Add(ref nodes, a);
                    ref Node nb = ref Unsafe.Add(ref nodes, b);
                    bool more = false;
                    if (na.Feature >= 0)
                    {
                        a = x0[na.Feature] <= na.Threshold ? a + 1 : na.Next;
                        more = true;
                    }

                    if (nb.Feature >= 0)
                    {
                        b = x1[nb.Feature] <= nb.Threshold ? b + 1 : nb.Next;
                        more = true;
                    }

                    if (!more)
                    {
                        break;
                    }
                }

                AddLeaf(Unsafe.Add(ref nodes, a).Next, sums.Slice(r * _width, _width));
                AddLeaf(Unsafe.Add(ref nodes, b).Next, sums.Slice((r + 1) * _width, _width));
            }

            for (; r < count; r++)
            {
                AddLeaf(Walk(ref nodes, root, rows.Slice(r * columns, columns)), sums.Slice(r * _width, _width));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Walk(ref Node nodes, int i, ReadOnlySpan<float> row)
    {
        while (true)
        {
            ref Node n = ref Unsafe.Add(ref nodes, i);
            if (n.Feature < 0)
            {
                return n.Next;
            }

            i = row[n.Feature] <= n.Threshold ? i + 1 : n.Next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddLeaf(int leaf, Span<double> sum)
    {
        if (_width == 1)
        {
            sum[0] += _leaves[leaf];
            return;
        }

        var values = _leaves.AsSpan(leaf * _width, _width);
        for (int k = 0; k < values.Length; k++)
        {
            sum[k] += values[k];
        }
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly record struct Node(float Threshold, int Feature, int Next);
}
