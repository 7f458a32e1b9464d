namespace NetLearn.Trees;

/// <summary>
/// One node of a fitted decision tree, in a form that exporters and plots can read without knowing the
/// algorithm's internal arrays. Leaves have <see cref="Left"/> and <see cref="Right"/> equal to -1.
/// </summary>
/// <param name="Id">The node's index; the root is 0.</param>
/// <param name="Left">Index of the child taking rows with <c>feature &lt;= threshold</c> (or in the left category set), -1 for a leaf.</param>
/// <param name="Right">Index of the other child, -1 for a leaf.</param>
/// <param name="Feature">The split feature's name, <c>null</c> for a leaf.</param>
/// <param name="Threshold">The split threshold (NaN for a leaf or a categorical split).</param>
/// <param name="Impurity">The node's impurity under the tree's criterion.</param>
/// <param name="Samples">The number of training rows that reached the node.</param>
/// <param name="WeightedSamples">The total sample weight that reached the node.</param>
/// <param name="Value">Per-class weighted counts (classification) or the single predicted value (regression).</param>
public sealed record TreeNodeView(
    int Id,
    int Left,
    int Right,
    string? Feature,
    double Threshold,
    double Impurity,
    int Samples,
    double WeightedSamples,
    IReadOnlyList<double> Value)
{
    /// <summary>Whether the node is a leaf.</summary>
    public bool IsLeaf => Left < 0;
}

/// <summary>A fitted model made of one decision tree that exporters (text, Graphviz) and plots can walk.</summary>
public interface IDecisionTreeView
{
    /// <summary>The nodes; index 0 is the root.</summary>
    IReadOnlyList<TreeNodeView> Nodes { get; }

    /// <summary>The split criterion's name (<c>gini</c>, <c>squared_error</c>, ...).</summary>
    string Criterion { get; }

    /// <summary>Class names in the order of <see cref="TreeNodeView.Value"/> for classifiers; <c>null</c> for regressors.</summary>
    IReadOnlyList<string>? ClassNames { get; }
}
