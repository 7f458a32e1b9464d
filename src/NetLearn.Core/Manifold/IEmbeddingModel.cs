using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.Manifold;

/// <summary>
/// A fitted embedding of the training rows that cannot place new rows (t-SNE): the coordinates of the rows it was
/// fitted on. Embeddings that can transform new rows (PCA) are <see cref="ITransformerModel"/>s instead.
/// </summary>
public interface IEmbeddingModel : IModel
{
    /// <summary>The coordinates of the training rows, one row per training row.</summary>
    Matrix Embedding { get; }

    /// <summary>Names of the embedding's columns (<c>tsne0</c>, <c>tsne1</c>, …).</summary>
    IReadOnlyList<string> EmbeddingNames { get; }
}

/// <summary>Marks estimators whose fitted model is an <see cref="IEmbeddingModel"/> (so tools can list them).</summary>
public interface IEmbeddingEstimator : IEstimator
{
}

/// <summary>An embedding that reports its fit criteria (t-SNE's final KL divergence, say).</summary>
public interface IObjectiveEmbedding : IEmbeddingModel
{
    /// <summary>Named criteria, such as <c>kl_divergence</c>.</summary>
    IReadOnlyList<KeyValuePair<string, double>> EmbeddingMetrics { get; }
}
