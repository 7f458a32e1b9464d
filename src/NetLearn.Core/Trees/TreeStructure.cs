using System.Runtime.CompilerServices;
using NetLearn.ModelFiles;

namespace NetLearn.Trees;

/// <summary>
/// A fitted CART tree as flat node arrays (scikit-learn's <c>Tree</c>): children, split feature and threshold,
/// impurity, row count, weighted row count and value of every node. Leaves have <c>Left = Right = -1</c> and
/// <c>Feature = -1</c>. Classifier values are weighted class counts, regressor values the mean (or median).
/// Prediction walks a packed copy of the split data, so a row visits one 16-byte record per level.
/// </summary>
internal sealed class TreeStructure
{
    private readonly PackedNode[] _packed;

    public TreeStructure(int[] left, int[] right, int[] feature, double[] threshold, double[] impurity, int[] samples, double[] weightedSamples, double[] value, int valueWidth)
    {
        Left = left;
        Right = right;
        Feature = feature;
        Threshold = threshold;
        Impurity = impurity;
        Samples = samples;
        WeightedSamples = weightedSamples;
        Value = value;
        ValueWidth = valueWidth;
        _packed = Pack(left, right, feature, threshold);
    }

    public int NodeCount => Left.Length;

    public int[] Left { get; }

    public int[] Right { get; }

    public int[] Feature { get; }

    public double[] Threshold { get; }

    public double[] Impurity { get; }

    public int[] Samples { get; }

    public double[] WeightedSamples { get; }

    /// <summary>Node values, <see cref="ValueWidth"/> per node.</summary>
    public double[] Value { get; }

    public int ValueWidth { get; }

    public int MaxDepth
    {
        get
        {
            int max = 0;
            var stack = new Stack<(int Node, int Depth)>();
            stack.Push((0, 0));
            while (stack.Count > 0)
            {
                var (node, depth) = stack.Pop();
                max = Math.Max(max, depth);
                if (Left[node] >= 0)
                {
                    stack.Push((Left[node], depth + 1));
                    stack.Push((Right[node], depth + 1));
                }
            }

            return max;
        }
    }

    public int LeafCount => Left.Count(l => l < 0);

    /// <summary>The leaf a row (in model feature order) falls into.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Apply(ReadOnlySpan<float> row)
    {
        var nodes = _packed;
        int i = 0;
        while (true)
        {
            ref readonly var n = ref nodes[i];
            if (n.Feature < 0)
            {
                return n.Next;
            }

            i = row[n.Feature] <= n.Threshold ? i + 1 : n.Next;
        }
    }

    public ReadOnlySpan<double> LeafValue(int leaf) => Value.AsSpan(leaf * ValueWidth, ValueWidth);

    /// <summary>Impurity-based importances (mean decrease in impurity), normalised to sum 1 (zeros for a single leaf).</summary>
    public double[] FeatureImportances(int features, bool normalize = true)
    {
        var importances = new double[features];
        for (int node = 0; node < NodeCount; node++)
        {
            int l = Left[node], r = Right[node];
            if (l >= 0)
            {
                importances[Feature[node]] += (WeightedSamples[node] * Impurity[node]) - (WeightedSamples[l] * Impurity[l]) - (WeightedSamples[r] * Impurity[r]);
            }
        }

        for (int f = 0; f < features; f++)
        {
            importances[f] /= WeightedSamples[0];
        }

        double total = importances.Sum();
        if (normalize && total > 0)
        {
            for (int f = 0; f < features; f++)
            {
                importances[f] /= total;
            }
        }

        return importances;
    }

    public void Save(ModelWriter writer)
    {
        writer.Write("left", Left);
        writer.Write("right", Right);
        writer.Write("feature", Feature);
        writer.Write("threshold", Threshold);
        writer.Write("impurity", Impurity);
        writer.Write("n_node_samples", Samples);
        writer.Write("weighted_n_node_samples", WeightedSamples);
        writer.Write("value", Value);
        writer.Write("value_width", ValueWidth);
    }

    /// <summary>A tree from stored arrays, checked so that every walk ends at a leaf and every split feature exists.</summary>
    public static TreeStructure Validated(ModelReader reader, int[] left, int[] right, int[] feature, double[] threshold, double[] impurity, int[] samples, double[] weighted, double[] value, int width, int features)
    {
        var tree = new TreeStructure(left, right, feature, threshold, impurity, samples, weighted, value, width);
        tree.Verify(reader);
        TreeViews.CheckFeatures(tree, features, reader);
        return tree;
    }

    public static TreeStructure Load(ModelReader reader)
    {
        var tree = new TreeStructure(
            reader.ReadInt32s("left"),
            reader.ReadInt32s("right"),
            reader.ReadInt32s("feature"),
            reader.ReadDoubles("threshold"),
            reader.ReadDoubles("impurity"),
            reader.ReadInt32s("n_node_samples"),
            reader.ReadDoubles("weighted_n_node_samples"),
            reader.ReadDoubles("value"),
            reader.ReadInt32("value_width"));
        tree.Verify(reader);
        return tree;
    }

    private void Verify(ModelReader reader)
    {
        int n = NodeCount;
        if (n == 0 || Right.Length != n || Feature.Length != n || Threshold.Length != n || Impurity.Length != n || Samples.Length != n
            || WeightedSamples.Length != n || ValueWidth < 1 || Value.Length != n * ValueWidth)
        {
            throw reader.Corrupt("Inconsistent tree arrays");
        }

        for (int i = 0; i < n; i++)
        {
            // Children always come after their parent, so a walk from the root always ends at a leaf.
            if ((Left[i] < 0) != (Right[i] < 0) || (Left[i] >= 0 && (Left[i] <= i || Left[i] >= n || Right[i] <= i || Right[i] >= n)))
            {
                throw reader.Corrupt("A tree node has invalid children");
            }
        }
    }

    /// <summary>
    /// The split data in pre-order, 16 bytes a node: the left child of packed node i is i + 1, so a walk mostly moves
    /// forward in memory. <c>Next</c> is the packed index of the right child, or for a leaf (<c>Feature = -1</c>) the
    /// original node id.
    /// </summary>
    private static PackedNode[] Pack(int[] left, int[] right, int[] feature, double[] threshold)
    {
        var packed = new PackedNode[left.Length];
        int count = 0;
        var stack = new Stack<(int Node, int Parent)>();
        stack.Push((0, -1));
        while (stack.Count > 0)
        {
            var (node, parent) = stack.Pop();
            int at = count++;
            if (parent >= 0)
            {
                // A right child: the parent's Next points here (left children need no pointer).
                packed[parent] = packed[parent] with { Next = at };
            }

            if (left[node] < 0)
            {
                packed[at] = new PackedNode(0, -1, node);
            }
            else
            {
                packed[at] = new PackedNode(threshold[node], feature[node], -1);
                stack.Push((right[node], at));
                stack.Push((left[node], -1));
            }
        }

        return packed;
    }

    internal readonly record struct PackedNode(double Threshold, int Feature, int Next);
}
