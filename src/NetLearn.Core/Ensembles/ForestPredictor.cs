using NetLearn.Trees;

namespace NetLearn.Ensembles;

/// <summary>
/// A fitted forest laid out for prediction: sums the trees' leaf outputs (class proportions, or the leaf value for
/// regression) of one row or of a block of rows, always adding the trees of a row in tree order, so every layout gives
/// bit-identical sums. <see cref="Create"/> picks the compact 8-byte layout when it can encode the forest.
/// </summary>
internal abstract class ForestPredictor
{
    /// <summary>The prediction layout for <paramref name="trees"/>.</summary>
    /// <param name="trees">The fitted trees.</param>
    /// <param name="proportions">Store each leaf's values divided by their sum (class proportions), as classifiers predict.</param>
    public static ForestPredictor Create(IReadOnlyList<TreeStructure> trees, bool proportions) =>
        (ForestPredictor?)CompactForestPredictor.TryCreate(trees, proportions) ?? new WideForestPredictor(trees, proportions);

    /// <summary>Adds every tree's leaf output for one row to <paramref name="sum"/> (length = leaf width).</summary>
    public abstract void Accumulate(ReadOnlySpan<float> row, Span<double> sum);

    /// <summary>
    /// Adds every tree's leaf output for a block of rows (row-major, <paramref name="columns"/> values a row) to
    /// <paramref name="sums"/> (row-major, leaf width a row); tree by tree, so each tree is walked by the whole block.
    /// </summary>
    public abstract void AccumulateBlock(ReadOnlySpan<float> rows, int columns, Span<double> sums);

    /// <summary>The output of leaf <paramref name="node"/> of <paramref name="tree"/>, written to <paramref name="target"/>.</summary>
    protected static void LeafOutput(TreeStructure tree, int node, bool proportions, Span<double> target)
    {
        var value = tree.LeafValue(node);
        double sum = 0;
        foreach (double v in value)
        {
            sum += v;
        }

        for (int k = 0; k < target.Length; k++)
        {
            target[k] = !proportions ? value[k] : sum > 0 ? value[k] / sum : 0;
        }
    }

    /// <summary>The largest float not above <paramref name="threshold"/>: for a float x, x ≤ t exactly when x ≤ this.</summary>
    protected static float FloatAtMost(double threshold)
    {
        float f = (float)threshold;
        return f > threshold ? MathF.BitDecrement(f) : f;
    }
}
