using System.Runtime.CompilerServices;
using NetLearn.ModelFiles;

namespace NetLearn.Boosting;

/// <summary>
/// One fitted boosting tree as flat arrays: numeric splits send <c>x &lt;= threshold</c> left, categorical splits send
/// the categories in the node's bitset left; missing values follow <c>MissingLeft</c>. Leaves hold the (shrunk) value.
/// </summary>
internal sealed class HistTree
{
    public HistTree(int[] left, int[] right, int[] feature, double[] threshold, int[] binThreshold, bool[] missingLeft, bool[] categorical, ulong[] categoryBits, double[] value)
    {
        Left = left;
        Right = right;
        Feature = feature;
        Threshold = threshold;
        BinThreshold = binThreshold;
        MissingLeft = missingLeft;
        Categorical = categorical;
        CategoryBits = categoryBits;
        Value = value;
    }

    public int[] Left { get; }

    public int[] Right { get; }

    public int[] Feature { get; }

    public double[] Threshold { get; }

    public int[] BinThreshold { get; }

    public bool[] MissingLeft { get; }

    public bool[] Categorical { get; }

    /// <summary>Four 64-bit words per node: the bins sent left by a categorical split.</summary>
    public ulong[] CategoryBits { get; }

    public double[] Value { get; }

    public int NodeCount => Left.Length;

    /// <summary>The leaf value for a row of prediction input (see <see cref="HistBinner.PredictionRows"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Predict(ReadOnlySpan<double> row)
    {
        int node = 0;
        while (Left[node] >= 0)
        {
            double x = row[Feature[node]];
            bool goLeft;
            if (double.IsNaN(x))
            {
                goLeft = MissingLeft[node];
            }
            else if (Categorical[node])
            {
                int bin = (int)x;
                goLeft = (CategoryBits[(node * 4) + (bin >> 6)] & (1UL << (bin & 63))) != 0;
            }
            else
            {
                goLeft = x <= Threshold[node];
            }

            node = goLeft ? Left[node] : Right[node];
        }

        return Value[node];
    }

    /// <summary>The leaf value for row <paramref name="row"/> of column-major training bins.</summary>
    public double PredictBinned(byte[] bins, int rows, int row)
    {
        int node = 0;
        while (Left[node] >= 0)
        {
            int bin = bins[(Feature[node] * rows) + row];
            bool goLeft = bin == HistBinner.MissingBin
                ? MissingLeft[node]
                : Categorical[node]
                    ? (CategoryBits[(node * 4) + (bin >> 6)] & (1UL << (bin & 63))) != 0
                    : bin <= BinThreshold[node];
            node = goLeft ? Left[node] : Right[node];
        }

        return Value[node];
    }

    public static void Save(ModelWriter writer, IReadOnlyList<HistTree> trees)
    {
        writer.Write("node_counts", trees.Select(t => t.NodeCount).ToArray());
        writer.Write("left", trees.SelectMany(t => t.Left).ToArray());
        writer.Write("right", trees.SelectMany(t => t.Right).ToArray());
        writer.Write("feature", trees.SelectMany(t => t.Feature).ToArray());
        writer.Write("threshold", trees.SelectMany(t => t.Threshold).ToArray());
        writer.Write("bin_threshold", trees.SelectMany(t => t.BinThreshold).ToArray());
        writer.Write("missing_left", trees.SelectMany(t => t.MissingLeft.Select(b => b ? 1 : 0)).ToArray());
        writer.Write("categorical", trees.SelectMany(t => t.Categorical.Select(b => b ? 1 : 0)).ToArray());
        writer.Write("category_bits", trees.SelectMany(t => t.CategoryBits.SelectMany(w => new[] { (int)(uint)w, (int)(uint)(w >> 32) })).ToArray());
        writer.Write("value", trees.SelectMany(t => t.Value).ToArray());
    }

    public static HistTree[] Load(ModelReader reader, int features)
    {
        int[] counts = reader.ReadInt32s("node_counts");
        int[] left = reader.ReadInt32s("left"), right = reader.ReadInt32s("right"), feature = reader.ReadInt32s("feature");
        int[] bin = reader.ReadInt32s("bin_threshold"), missing = reader.ReadInt32s("missing_left"), categorical = reader.ReadInt32s("categorical"), bits = reader.ReadInt32s("category_bits");
        double[] threshold = reader.ReadDoubles("threshold"), value = reader.ReadDoubles("value");
        long total = counts.Sum(c => (long)c);
        if (counts.Any(c => c < 1) || left.Length != total || right.Length != total || feature.Length != total || bin.Length != total || missing.Length != total
            || categorical.Length != total || bits.Length != total * 8 || threshold.Length != total || value.Length != total)
        {
            throw reader.Corrupt("Inconsistent boosting tree arrays");
        }

        var trees = new HistTree[counts.Length];
        int offset = 0;
        for (int t = 0; t < trees.Length; t++)
        {
            int c = counts[t];
            var words = new ulong[c * 4];
            for (int w = 0; w < words.Length; w++)
            {
                words[w] = (uint)bits[(2 * ((offset * 4) + w))] | ((ulong)(uint)bits[(2 * ((offset * 4) + w)) + 1] << 32);
            }

            var tree = new HistTree(
                left[offset..(offset + c)], right[offset..(offset + c)], feature[offset..(offset + c)], threshold[offset..(offset + c)], bin[offset..(offset + c)],
                [.. missing[offset..(offset + c)].Select(m => m != 0)], [.. categorical[offset..(offset + c)].Select(m => m != 0)], words, value[offset..(offset + c)]);
            for (int i = 0; i < c; i++)
            {
                if ((tree.Left[i] < 0) != (tree.Right[i] < 0) || (tree.Left[i] >= 0 && (tree.Left[i] <= i || tree.Left[i] >= c || tree.Right[i] <= i || tree.Right[i] >= c || (uint)tree.Feature[i] >= (uint)features)))
                {
                    throw reader.Corrupt("A boosting tree node has invalid children or feature");
                }
            }

            trees[t] = tree;
            offset += c;
        }

        return trees;
    }
}
