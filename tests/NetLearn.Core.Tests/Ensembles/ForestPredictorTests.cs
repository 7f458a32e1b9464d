using CsCheck;
using NetLearn.Data;
using NetLearn.Ensembles;
using NetLearn.Trees;
using Xunit;

namespace NetLearn.Core.Tests.Ensembles;

/// <summary>
/// The compact forest layout (8-byte nodes, leaves inline or indexed, 4-lane refill walk) against the general 12-byte
/// one on random trees: the sums must be bit-identical, one row at a time and in blocks.
/// </summary>
public class ForestPredictorTests
{
    private const int Features = 6;

    [Fact]
    public void CompactAndWideLayoutsGiveBitIdenticalSums()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            int width = random.Next(1, 4);
            bool proportions = width > 1 || random.Next(2) == 0;
            bool pure = random.Next(2) == 0;
            var trees = Enumerable.Range(0, random.Next(1, 12)).Select(_ => RandomTree(random, width, pure)).ToArray();
            var compact = CompactForestPredictor.TryCreate(trees, proportions);
            Assert.NotNull(compact);
            var wide = new WideForestPredictor(trees, proportions);
            float[] rows = RandomRows(random, trees, 37);
            AssertSame(wide, compact, rows, width);
        }, iter: 200);
    }

    [Fact]
    public void PureBinaryLeavesAreStoredInline()
    {
        var random = new Random(3);
        var trees = Enumerable.Range(0, 9).Select(_ => RandomTree(random, 2, pure: true)).ToArray();
        Assert.True(CompactForestPredictor.TryCreate(trees, proportions: true)!.InlineLeaves);

        // Counts 1:2 give p₀ = fl(1/3) ≠ 1 − fl(2/3): such a forest keeps its proportions in the leaf array.
        var mixed = Tree([1, -1, -1], [2, -1, -1], [0, -1, -1], [0.5, -2, -2], [0, 0, 1, 2, 3, 0], 2);
        var compact = CompactForestPredictor.TryCreate([mixed, .. trees], proportions: true)!;
        Assert.False(compact.InlineLeaves);
        AssertSame(new WideForestPredictor([mixed, .. trees], true), compact, RandomRows(random, trees, 20), 2);
    }

    [Fact]
    public void FittedBinaryForestsUseTheCompactLayout()
    {
        var random = new Random(0);
        var x = new Table([.. Enumerable.Range(0, 3).Select(j => (Column)new NumericColumn($"f{j}", [.. Enumerable.Range(0, 300).Select(_ => random.NextDouble())]))]);
        var y = Column.Create("y", [.. Enumerable.Range(0, 300).Select(i => (string?)(x["f0"].ToDoubleArray()[i] + (0.3 * random.NextDouble()) > 0.6 ? "a" : "b"))]);
        var model = new RandomForestClassifier(new RandomForestClassifierOptions { NEstimators = 10, RandomState = 0 }).Fit(x, y);
        var compact = CompactForestPredictor.TryCreate(model.Trees, proportions: true);
        Assert.True(compact is { InlineLeaves: true });
        Assert.IsType<CompactForestPredictor>(ForestPredictor.Create(model.Trees, proportions: true));

        // The model's single-row path gives exactly the batch probabilities (which the reference tests check).
        var proba = model.PredictProba(x);
        var matrix = x.ToMatrix();
        Span<double> one = stackalloc double[2];
        for (int r = 0; r < x.RowCount; r++)
        {
            model.PredictProba(matrix.Row(r), one);
            Assert.Equal(proba.Row(r).ToArray(), one.ToArray());
        }
    }

    [Fact]
    public void ForestsTheCompactLayoutCannotEncodeUseTheWideOne()
    {
        // A feature index above 16,383.
        var wideFeature = Tree([1, -1, -1], [2, -1, -1], [20_000, -1, -1], [0.5, -2, -2], [0, 1, 1], 1);
        Assert.Null(CompactForestPredictor.TryCreate([wideFeature], proportions: false));
        Assert.IsType<WideForestPredictor>(ForestPredictor.Create([wideFeature], proportions: false));

        // A right child more than 65,535 nodes after its parent: the root's left subtree is a chain of 40,000 splits.
        const int chain = 40_000;
        int count = 1 + (2 * chain) + 1 + 1;
        int[] left = new int[count], right = new int[count], feature = new int[count];
        var threshold = new double[count];
        Array.Fill(left, -1);
        Array.Fill(right, -1);
        Array.Fill(feature, -1);
        for (int i = 0; i < chain; i++)
        {
            int node = i == 0 ? 1 : 1 + (2 * i);
            left[node] = i == chain - 1 ? count - 2 : 1 + (2 * (i + 1));
            right[node] = 2 + (2 * i);
            feature[node] = 0;
            threshold[node] = i;
        }

        left[0] = 1;
        right[0] = count - 1;
        feature[0] = 1;
        var deep = Tree(left, right, feature, threshold, [.. Enumerable.Range(0, count).Select(i => (double)i)], 1);
        Assert.Null(CompactForestPredictor.TryCreate([deep], proportions: false));
        var predictor = ForestPredictor.Create([deep], proportions: false);
        Assert.IsType<WideForestPredictor>(predictor);
        Span<double> sum = stackalloc double[1];
        predictor.Accumulate([5.5f, 2f, 0, 0, 0, 0], sum);
        Assert.Equal(count - 1, sum[0]); // x₁ = 2 > threshold 0.5: the root's right leaf
    }

    private static void AssertSame(ForestPredictor wide, ForestPredictor compact, float[] rows, int width)
    {
        int count = rows.Length / Features;
        var expected = new double[count * width];
        var actual = new double[count * width];
        for (int r = 0; r < count; r++)
        {
            var row = rows.AsSpan(r * Features, Features);
            wide.Accumulate(row, expected.AsSpan(r * width, width));
            compact.Accumulate(row, actual.AsSpan(r * width, width));
        }

        Assert.Equal(expected, actual);
        var blockWide = new double[count * width];
        var blockCompact = new double[count * width];
        wide.AccumulateBlock(rows, Features, blockWide);
        compact.AccumulateBlock(rows, Features, blockCompact);
        Assert.Equal(expected, blockWide);
        Assert.Equal(expected, blockCompact);
    }

    /// <summary>Rows whose values are often exactly a threshold (or the float just above it), sometimes NaN.</summary>
    private static float[] RandomRows(Random random, TreeStructure[] trees, int count)
    {
        var thresholds = trees.SelectMany(t => t.Threshold.Where((_, i) => t.Left[i] >= 0)).ToArray();
        var rows = new float[count * Features];
        for (int i = 0; i < rows.Length; i++)
        {
            int kind = random.Next(6);
            float t = thresholds.Length > 0 ? (float)thresholds[random.Next(thresholds.Length)] : 0f;
            rows[i] = kind switch
            {
                0 => t,
                1 => MathF.BitIncrement(t),
                2 => MathF.BitDecrement(t),
                3 => float.NaN,
                _ => (float)((random.NextDouble() * 4) - 2),
            };
        }

        return rows;
    }

    /// <summary>A random tree (sometimes a single leaf), nodes numbered breadth-first, thresholds not always floats.</summary>
    private static TreeStructure RandomTree(Random random, int width, bool pure)
    {
        var left = new List<int>();
        var right = new List<int>();
        var feature = new List<int>();
        var threshold = new List<double>();
        var depth = new List<int>();
        var queue = new Queue<int>();
        void Add(int d)
        {
            left.Add(-1);
            right.Add(-1);
            feature.Add(-1);
            threshold.Add(-2);
            depth.Add(d);
            queue.Enqueue(left.Count - 1);
        }

        Add(0);
        int budget = random.Next(0, 300);
        while (queue.Count > 0)
        {
            int node = queue.Dequeue();
            if (budget <= 0 || depth[node] >= 14 || random.NextDouble() < 0.15)
            {
                continue;
            }

            budget--;
            feature[node] = random.Next(Features);
            threshold[node] = (random.NextDouble() * 4) - 2;
            left[node] = left.Count;
            Add(depth[node] + 1);
            right[node] = left.Count;
            Add(depth[node] + 1);
        }

        var value = new double[left.Count * width];
        for (int i = 0; i < left.Count; i++)
        {
            int only = random.Next(width);
            for (int k = 0; k < width; k++)
            {
                value[(i * width) + k] = width == 1 ? (random.NextDouble() * 10) - 5 : pure ? (k == only ? random.Next(1, 9) : 0) : random.Next(0, 5);
            }
        }

        return Tree([.. left], [.. right], [.. feature], [.. threshold], value, width);
    }

    private static TreeStructure Tree(int[] left, int[] right, int[] feature, double[] threshold, double[] value, int width)
    {
        int n = left.Length;
        return new TreeStructure(left, right, feature, threshold, new double[n], new int[n], new double[n], value, width);
    }
}
