using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetLearn.Trees;

namespace NetLearn.Ensembles;

/// <summary>
/// The compact prediction layout of a forest: every node in 8 bytes, each tree in pre-order (the left child of a split
/// node i is i + 1). A split node holds the float threshold (the largest float not above the tree's double threshold:
/// the same test <c>x ≤ t</c> for every float feature value), a 14-bit feature index, a 16-bit offset to its right
/// child and two bits saying whether each child is a leaf, so a walk knows it has arrived without reading a leaf tag.
/// A leaf holds its output itself when one double says everything (regression; two classes whose proportions satisfy
/// p₀ = 1 − p₁ exactly in double arithmetic, which holds for pure leaves and nearly all others), so the last step of a
/// walk touches no second array; otherwise it holds an index into a leaf-output array.
/// <para>
/// A single row keeps four walks in flight (memory-level parallelism: their cache misses overlap); when a walk reaches
/// its leaf, its lane takes the next tree at once, so no lane idles while a deeper tree of its group finishes. The
/// leaves are added afterwards in tree order, giving exactly the sums of a tree-by-tree walk. A block of rows goes tree
/// by tree, the same four-lane refill over the block's rows, so each tree's top levels stay in cache.
/// </para>
/// <para>
/// Half the bytes of the 12-byte layout (<see cref="WideForestPredictor"/>) plus no separate leaf array: the default
/// 100-tree forest of the benchmark takes 2.7 MB instead of 6.8 MB, which matters because a single row's walk is bound
/// by cache misses (layout after the pre-order, pointer-light tree encodings of e.g. Asadi et al., "Runtime Optimizations
/// for Tree-Based Machine Learning Models", IEEE TKDE 2014, with software-pipelined interleaving of several trees).
/// </para>
/// </summary>
internal sealed class CompactForestPredictor : ForestPredictor
{
    private const int MaxFeature = 0x3FFF;
    private const int MaxOffset = 0xFFFF;
    private const uint FeatureMask = 0x3FFF;
    private const uint LeftIsLeaf = 0x4000;
    private const uint RightIsLeaf = 0x8000;

    // Split node: bits 0-31 the float threshold; 32-45 the feature; 46 left child is a leaf; 47 right child is a leaf;
    // 48-63 the offset of the right child. Leaf: the double output (inline) or the index of its outputs in _leaves.
    private readonly ulong[] _nodes;
    private readonly int[] _roots;
    private readonly int[] _walked;
    private readonly int _sink;
    private readonly bool _inline;
    private readonly double[] _leaves;
    private readonly int _width;

    private CompactForestPredictor(ulong[] nodes, int[] roots, int[] walked, int sink, bool inline, double[] leaves, int width)
    {
        _nodes = nodes;
        _roots = roots;
        _walked = walked;
        _sink = sink;
        _inline = inline;
        _leaves = leaves;
        _width = width;
    }

    /// <summary>The compact layout of <paramref name="trees"/>, or <c>null</c> when a feature index or a right-child offset does not fit.</summary>
    /// <param name="trees">The fitted trees.</param>
    /// <param name="proportions">Store each leaf's values divided by their sum (class proportions), as classifiers predict.</param>
    public static CompactForestPredictor? TryCreate(IReadOnlyList<TreeStructure> trees, bool proportions)
    {
        int width = trees[0].ValueWidth;
        bool inline = width == 1 || (width == 2 && proportions && trees.All(t => ComplementsExactly(t)));
        var nodes = new ulong[trees.Sum(t => (long)t.NodeCount) + 1];
        var roots = new int[trees.Count];
        var leaves = new List<double>();
        var output = new double[width];
        int at = 0;
        var stack = new Stack<(int Node, int Parent)>();
        for (int t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            roots[t] = at;
            stack.Push((0, -1));
            while (stack.Count > 0)
            {
                var (node, parent) = stack.Pop();
                int here = at++;
                bool leaf = tree.Left[node] < 0;
                if (parent >= 0)
                {
                    // Only right children have a parent here; a left child is the node after its parent.
                    if (here - parent > MaxOffset)
                    {
                        return null;
                    }

                    nodes[parent] |= ((ulong)(here - parent) << 48) | (leaf ? (ulong)RightIsLeaf << 32 : 0);
                }

                if (leaf)
                {
                    LeafOutput(tree, node, proportions, output);
                    if (inline)
                    {
                        nodes[here] = (ulong)BitConverter.DoubleToInt64Bits(output[width - 1]);
                    }
                    else
                    {
                        nodes[here] = (ulong)(leaves.Count / width);
                        foreach (double v in output)
                        {
                            leaves.Add(v);
                        }
                    }
                }
                else
                {
                    if (tree.Feature[node] > MaxFeature)
                    {
                        return null;
                    }

                    uint high = (uint)tree.Feature[node] | (tree.Left[tree.Left[node]] < 0 ? LeftIsLeaf : 0);
                    nodes[here] = (uint)BitConverter.SingleToInt32Bits(FloatAtMost(tree.Threshold[node])) | ((ulong)high << 32);
                    stack.Push((tree.Right[node], here));
                    stack.Push((tree.Left[node], -1));
                }
            }
        }

        // The sink, where an idle lane waits: x ≤ NaN is false for every x and the right offset is 0, so it stays.
        nodes[at] = (uint)BitConverter.SingleToInt32Bits(float.NaN);
        int[] walked = [.. Enumerable.Range(0, trees.Count).Where(t => trees[t].Left[0] >= 0)];
        return new CompactForestPredictor(nodes, roots, walked, at, inline, [.. leaves], width);
    }

    /// <summary>Whether every leaf holds its output itself (one double) rather than an index into the leaf-output array.</summary>
    public bool InlineLeaves => _inline;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Accumulate(ReadOnlySpan<float> row, Span<double> sum)
    {
        int trees = _roots.Length;
        Span<int> leafOf = trees <= 1024 ? stackalloc int[trees] : new int[trees];
        if (_walked.Length < trees)
        {
            _roots.CopyTo(leafOf); // a tree that is a single leaf ends where it starts
        }

        ref ulong nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float x = ref MemoryMarshal.GetReference(row);
        ref int leaf = ref MemoryMarshal.GetReference(leafOf);
        int[] walked = _walked;
        int count = walked.Length, next = 0, done = 0;
        int ta = 0, tb = 0, tc = 0, td = 0;
        int a = Start(ref next, ref ta), b = Start(ref next, ref tb), c = Start(ref next, ref tc), d = Start(ref next, ref td);
        while (done < count)
        {
            if (Step(ref nodes, ref x, ref a))
            {
                Unsafe.Add(ref leaf, ta) = a;
                done++;
                a = Start(ref next, ref ta);
            }

            if (Step(ref nodes, ref x, ref b))
            {
                Unsafe.Add(ref leaf, tb) = b;
                done++;
                b = Start(ref next, ref tb);
            }

            if (Step(ref nodes, ref x, ref c))
            {
                Unsafe.Add(ref leaf, tc) = c;
                done++;
                c = Start(ref next, ref tc);
            }

            if (Step(ref nodes, ref x, ref d))
            {
                Unsafe.Add(ref leaf, td) = d;
                done++;
                d = Start(ref next, ref td);
            }
        }

        if (_inline && _width == 2)
        {
            // p₀ = 1 − p₁ exactly for every leaf (checked when built), so these are the sums of both proportions.
            double s0 = sum[0], s1 = sum[1];
            foreach (int i in leafOf)
            {
                double p = Inline(ref nodes, i);
                s0 += 1.0 - p;
                s1 += p;
            }

            sum[0] = s0;
            sum[1] = s1;
            return;
        }

        foreach (int i in leafOf)
        {
            AddLeaf(ref nodes, i, sum);
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void AccumulateBlock(ReadOnlySpan<float> rows, int columns, Span<double> sums)
    {
        ref ulong nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float x = ref MemoryMarshal.GetReference(rows);
        int count = rows.Length / columns;
        int w = 0;
        for (int t = 0; t < _roots.Length; t++)
        {
            int root = _roots[t];
            if (w < _walked.Length && _walked[w] == t)
            {
                w++;
            }
            else
            {
                for (int r = 0; r < count; r++)
                {
                    AddLeaf(ref nodes, root, sums.Slice(r * _width, _width));
                }

                continue;
            }

            // Four rows in flight; a lane whose row reaches its leaf takes the next row.
            int next = 0, done = 0;
            int ra = 0, rb = 0, rc = 0, rd = 0;
            int a = StartRow(root, count, ref next, ref ra), b = StartRow(root, count, ref next, ref rb);
            int c = StartRow(root, count, ref next, ref rc), d = StartRow(root, count, ref next, ref rd);
            while (done < count)
            {
                if (StepBranchFree(ref nodes, ref Unsafe.Add(ref x, ra * columns), ref a))
                {
                    AddLeaf(ref nodes, a, sums.Slice(ra * _width, _width));
                    done++;
                    a = StartRow(root, count, ref next, ref ra);
                }

                if (StepBranchFree(ref nodes, ref Unsafe.Add(ref x, rb * columns), ref b))
                {
                    AddLeaf(ref nodes, b, sums.Slice(rb * _width, _width));
                    done++;
                    b = StartRow(root, count, ref next, ref rb);
                }

                if (StepBranchFree(ref nodes, ref Unsafe.Add(ref x, rc * columns), ref c))
                {
                    AddLeaf(ref nodes, c, sums.Slice(rc * _width, _width));
                    done++;
                    c = StartRow(root, count, ref next, ref rc);
                }

                if (StepBranchFree(ref nodes, ref Unsafe.Add(ref x, rd * columns), ref d))
                {
                    AddLeaf(ref nodes, d, sums.Slice(rd * _width, _width));
                    done++;
                    d = StartRow(root, count, ref next, ref rd);
                }
            }
        }
    }

    /// <summary>One step of a walk from split node <paramref name="i"/>; true when it arrived at a leaf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Step(ref ulong nodes, ref float x, ref int i)
    {
        ulong node = Unsafe.Add(ref nodes, i);
        uint high = (uint)(node >> 32);
        if (Unsafe.Add(ref x, (int)(high & FeatureMask)) <= BitConverter.Int32BitsToSingle((int)node))
        {
            i++;
            return (high & LeftIsLeaf) != 0;
        }

        i += (int)(high >> 16);
        return (high & RightIsLeaf) != 0;
    }

    /// <summary>
    /// <see cref="Step"/> without a data-dependent branch (the child is chosen arithmetically): for blocks, whose tree
    /// is in cache, so a step costs its latency rather than a mispredicted branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool StepBranchFree(ref ulong nodes, ref float x, ref int i)
    {
        ulong node = Unsafe.Add(ref nodes, i);
        uint high = (uint)(node >> 32);
        int left = Unsafe.Add(ref x, (int)(high & FeatureMask)) <= BitConverter.Int32BitsToSingle((int)node) ? 1 : 0;
        int offset = (int)(high >> 16);
        i += offset + ((1 - offset) & -left);
        return (high & (RightIsLeaf >> left)) != 0;
    }

    /// <summary>The root of the next tree to walk (its index in <paramref name="tree"/>), or the sink when none is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Start(ref int next, ref int tree)
    {
        if (next < _walked.Length)
        {
            tree = _walked[next++];
            return _roots[tree];
        }

        return _sink;
    }

    /// <summary>The root for the next row of a block (its index in <paramref name="row"/>), or the sink when none is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StartRow(int root, int count, ref int next, ref int row)
    {
        if (next < count)
        {
            row = next++;
            return root;
        }

        row = 0;
        return _sink;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Inline(ref ulong nodes, int leaf) => BitConverter.Int64BitsToDouble((long)Unsafe.Add(ref nodes, leaf));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddLeaf(ref ulong nodes, int leaf, Span<double> sum)
    {
        if (_inline)
        {
            double p = Inline(ref nodes, leaf);
            if (_width == 1)
            {
                sum[0] += p;
            }
            else
            {
                sum[0] += 1.0 - p;
                sum[1] += p;
            }

            return;
        }

        var values = _leaves.AsSpan((int)Unsafe.Add(ref nodes, leaf) * _width, _width);
        for (int k = 0; k < values.Length; k++)
        {
            sum[k] += values[k];
        }
    }

    /// <summary>Whether every leaf of <paramref name="tree"/> has class proportions with p₀ = 1 − p₁ exactly.</summary>
    private static bool ComplementsExactly(TreeStructure tree)
    {
        Span<double> p = stackalloc double[2];
        for (int node = 0; node < tree.NodeCount; node++)
        {
            if (tree.Left[node] < 0)
            {
                LeafOutput(tree, node, proportions: true, p);
                if (1.0 - p[1] != p[0])
                {
                    return false;
                }
            }
        }

        return true;
    }
}
