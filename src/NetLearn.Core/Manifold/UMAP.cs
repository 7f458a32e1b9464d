using System.Globalization;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Manifold;

/// <summary>The input distance of <see cref="UMAP"/> (<c>metric</c>).</summary>
public enum UMAPMetric
{
    /// <summary>Straight-line distance.</summary>
    Euclidean,

    /// <summary>1 − cos(angle between rows); all-zero rows are refused.</summary>
    Cosine,

    /// <summary>Sum of absolute differences.</summary>
    Manhattan,
}

/// <summary>How <see cref="UMAP"/> places the points before optimising (<c>init</c>).</summary>
public enum UMAPInit
{
    /// <summary>Laplacian eigenmaps of the fuzzy graph (falls back to random if the eigensolver does not converge).</summary>
    Spectral,

    /// <summary>Uniform on [−10, 10] in every dimension.</summary>
    Random,
}

/// <summary>Hyperparameters of <see cref="UMAP"/> (umap-learn 0.5's names and defaults).</summary>
public sealed record UMAPOptions : EstimatorOptions
{
    /// <summary>Size of the local neighbourhood, the row itself included (<c>n_neighbors</c>); at least 2 and below the row count.</summary>
    public int NNeighbors { get; init; } = 15;

    /// <summary>Dimensions of the embedding (<c>n_components</c>).</summary>
    public int NComponents { get; init; } = 2;

    /// <summary>Input distance (<c>metric</c>).</summary>
    public UMAPMetric Metric { get; init; } = UMAPMetric.Euclidean;

    /// <summary>Training epochs (<c>n_epochs</c>); <c>null</c> = 500 up to 10,000 rows, else 200.</summary>
    public int? NEpochs { get; init; }

    /// <summary>Initial SGD step (<c>learning_rate</c>), decaying linearly to 0.</summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>Initial layout (<c>init</c>).</summary>
    public UMAPInit Init { get; init; } = UMAPInit.Spectral;

    /// <summary>Smallest distance between embedded points (<c>min_dist</c>); at most <c>spread</c>.</summary>
    public double MinDist { get; init; } = 0.1;

    /// <summary>Scale of the embedded points (<c>spread</c>).</summary>
    public double Spread { get; init; } = 1.0;

    /// <summary>Mix of fuzzy union (1) and intersection (0) when symmetrising the graph (<c>set_op_mix_ratio</c>).</summary>
    public double SetOpMixRatio { get; init; } = 1.0;

    /// <summary>Neighbours each row is assumed connected to (<c>local_connectivity</c>).</summary>
    public double LocalConnectivity { get; init; } = 1.0;

    /// <summary>Weight of negative samples (<c>repulsion_strength</c>, γ).</summary>
    public double RepulsionStrength { get; init; } = 1.0;

    /// <summary>Negative samples per positive edge sample (<c>negative_sample_rate</c>).</summary>
    public int NegativeSampleRate { get; init; } = 5;

    /// <summary>Seed of the initialisation noise and the sampling (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NNeighbors < 2)
        {
            throw new HyperparameterException("n_neighbors", "must be at least 2 (typically 5 to 50)");
        }

        if (NComponents < 1)
        {
            throw new HyperparameterException("n_components", "must be at least 1");
        }

        if (NEpochs is < 0)
        {
            throw new HyperparameterException("n_epochs", "must be 0 or more, or null for automatic");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new HyperparameterException("learning_rate", "must be a positive number");
        }

        if (!(Spread > 0) || !double.IsFinite(Spread))
        {
            throw new HyperparameterException("spread", "must be a positive number");
        }

        if (!(MinDist >= 0) || MinDist > Spread)
        {
            throw new HyperparameterException("min_dist", "must be between 0 and spread");
        }

        if (!(SetOpMixRatio >= 0 && SetOpMixRatio <= 1))
        {
            throw new HyperparameterException("set_op_mix_ratio", "must be between 0 and 1");
        }

        if (!(LocalConnectivity >= 0) || !double.IsFinite(LocalConnectivity))
        {
            throw new HyperparameterException("local_connectivity", "must be 0 or more");
        }

        if (!(RepulsionStrength >= 0) || !double.IsFinite(RepulsionStrength))
        {
            throw new HyperparameterException("repulsion_strength", "must be 0 or more");
        }

        if (NegativeSampleRate < 0)
        {
            throw new HyperparameterException("negative_sample_rate", "must be 0 or more");
        }
    }
}

/// <summary>
/// Uniform manifold approximation and projection (McInnes, Healy &amp; Melville 2018, arXiv:1802.03426) as umap-learn
/// 0.5 computes it: exact k nearest neighbours, the fuzzy simplicial set (smooth k-NN distances, fuzzy union), the
/// curve parameters a, b fitted to <c>min_dist</c>/<c>spread</c>, spectral initialisation, and SGD with edge and
/// negative sampling. Seeded fits are deterministic (the layout runs on one thread, as umap-learn's with a
/// <c>random_state</c>). The model can place new rows (<see cref="UMAPModel.Transform(Matrix)"/>).
/// </summary>
public sealed class UMAP(UMAPOptions? options = null)
    : Estimator<UMAPOptions, UMAPModel>(options ?? new UMAPOptions()), IEmbeddingEstimator, IFitTransformEstimator
{
    /// <summary>The model kind.</summary>
    public const string KindName = "umap";

    /// <summary>umap-learn's threshold for 500 rather than 200 default epochs.</summary>
    internal const int SmallData = 10_000;

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override UMAPModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        Options.Validate();
        var x = Unsupervised.Features(features, "UMAP");
        int n = x.Rows, dim = Options.NComponents;
        var graph = BuildGraph(x, Options).Graph;
        var (a, b) = UmapCurve.Fit(Options.Spread, Options.MinDist);
        int defaultEpochs = n <= SmallData ? 500 : 200;
        int epochs = Options.NEpochs ?? defaultEpochs;
        graph = graph.Prune(graph.MaxWeight / (epochs > 10 ? epochs : defaultEpochs));
        var rng = Unsupervised.Rng(Options.RandomState);
        double[] y = Initialize(graph, x, rng);
        context.CancellationToken.ThrowIfCancellationRequested();
        if (epochs > 0 && graph.EdgeCount > 0)
        {
            var problem = new UmapLayoutProblem(
                graph.EdgeRows(), graph.Column, UmapLayout.EpochsPerSample(graph.Weight, epochs), n, dim, epochs,
                a, b, Options.RepulsionStrength, Options.LearningRate, Options.NegativeSampleRate);
            UmapLayout.Optimize(problem, y, y, moveOther: true, (ulong)rng.NextInt64(), context.CancellationToken);
        }

        return new UMAPModel(Options, features.Schema, new Matrix(n, dim, y), x, a, b, epochs);
    }

    /// <inheritdoc />
    public (ITransformerModel Model, Table Output) FitTransform(Table features, Column? target = null, FitContext? context = null)
    {
        var model = Fit(features, target, context);
        return (model, model.EmbeddingTable());
    }

    /// <summary>The k-NN, σ, ρ and the symmetric fuzzy graph of the rows of <paramref name="x"/> (before pruning).</summary>
    internal static (UmapNeighbors Neighbors, double[] Sigmas, double[] Rhos, UmapGraph Graph) BuildGraph(Matrix x, UMAPOptions options)
    {
        int n = x.Rows;
        if (options.NNeighbors >= n)
        {
            throw new HyperparameterException("n_neighbors", string.Create(CultureInfo.InvariantCulture, $"must be less than the number of rows ({n}); try n_neighbors={Math.Max(2, Math.Min(15, n - 1))}"));
        }

        var neighbors = UmapFuzzySet.Exact(x, x, options.NNeighbors, options.Metric);
        var (sigmas, rhos) = UmapFuzzySet.SmoothDistances(neighbors, options.NNeighbors, options.LocalConnectivity);
        var directed = UmapFuzzySet.Memberships(neighbors, sigmas, rhos, n, bipartite: false);
        return (neighbors, sigmas, rhos, UmapFuzzySet.Union(directed, options.SetOpMixRatio));
    }

    // umap-learn's simplicial_set_embedding: spectral layout scaled to |max| = 10 plus N(0, 1e-4) noise (or uniform
    // [-10, 10]), then every dimension rescaled to [0, 10].
    private double[] Initialize(UmapGraph graph, Matrix x, Random rng)
    {
        int n = x.Rows, dim = Options.NComponents;
        double[]? y = Options.Init == UMAPInit.Spectral ? UmapSpectral.Layout(graph, x, dim, Options.Metric, rng) : null;
        if (y is null)
        {
            y = new double[n * dim];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = -10.0 + (20.0 * rng.NextDouble());
            }
        }
        else
        {
            double max = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<double>(y);
            double expansion = max != 0 ? 10.0 / Math.Abs(max) : 1.0;
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (y[i] * expansion) + (1e-4 * Unsupervised.Gaussian(rng));
            }
        }

        for (int c = 0; c < dim; c++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                lo = Math.Min(lo, y[(i * dim) + c]);
                hi = Math.Max(hi, y[(i * dim) + c]);
            }

            double scale = hi > lo ? 10.0 / (hi - lo) : 0.0;
            for (int i = 0; i < n; i++)
            {
                y[(i * dim) + c] = (y[(i * dim) + c] - lo) * scale;
            }
        }

        return y;
    }
}

/// <summary>
/// A fitted <see cref="UMAP"/>: the embedding of the training rows, the curve parameters, and the training rows
/// themselves, which <see cref="Transform(Matrix)"/> needs to place new rows.
/// </summary>
public sealed class UMAPModel : FittedModel<UMAPOptions>, IObjectiveEmbedding, ITransformerModel
{
    internal UMAPModel(UMAPOptions options, Schema inputSchema, Matrix embedding, Matrix trainingRows, double a, double b, int epochs)
        : base(options, inputSchema)
    {
        Embedding = embedding;
        TrainingRows = trainingRows;
        A = a;
        B = b;
        Epochs = epochs;
    }

    /// <inheritdoc />
    public override string Kind => UMAP.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The embedding of the training rows (<c>embedding_</c>).</summary>
    public Matrix Embedding { get; }

    /// <summary>The training rows (umap-learn's <c>_raw_data</c>), the neighbours of new rows.</summary>
    public Matrix TrainingRows { get; }

    /// <summary>Curve parameter a of 1 / (1 + a·d^(2b)) (<c>_a</c>).</summary>
    public double A { get; }

    /// <summary>Curve parameter b (<c>_b</c>).</summary>
    public double B { get; }

    /// <summary>Epochs the layout ran (the <c>n_epochs</c> option, or its automatic value).</summary>
    public int Epochs { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> EmbeddingNames => FeatureNamesOut;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. Enumerable.Range(0, Embedding.Columns).Select(c => string.Create(CultureInfo.InvariantCulture, $"umap{c}"))];

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, double>> EmbeddingMetrics => [new("a", A), new("b", B), new("n_epochs", Epochs)];

    /// <summary>The embedding as a table with columns <c>umap0</c>, <c>umap1</c>, ….</summary>
    public Table EmbeddingTable() => Table.FromMatrix(Embedding, EmbeddingNames);

    /// <summary>Embeds new rows; columns are matched by name (see <see cref="Transform(Matrix)"/>).</summary>
    public Table Transform(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var conformed = features.ConformTo(InputSchema);
        return Table.FromMatrix(Transform(new Matrix(conformed.RowCount, conformed.ColumnCount, Unsupervised.RowMajor(conformed))), FeatureNamesOut);
    }

    /// <summary>
    /// Embeds new rows (columns in <c>FeatureNames</c> order) as umap-learn's <c>transform</c>: their memberships to
    /// their <c>n_neighbors</c> nearest training rows (ρ with <c>local_connectivity</c> − 1), an initial position at the
    /// membership-weighted mean of those rows' embeddings (exactly a training row's position for a duplicate), then
    /// n_epochs/3 epochs (100, or 30 above 10,000 new rows, by default) of SGD at a quarter of the learning rate with
    /// the training embedding held fixed.
    /// </summary>
    public Matrix Transform(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns != TrainingRows.Columns)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"UMAP was fitted on {TrainingRows.Columns} features but got {x.Columns}. Pass the same columns"));
        }

        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (int c = 0; c < row.Length; c++)
            {
                if (!double.IsFinite(row[c]))
                {
                    throw new DataValidationException("Found a missing or infinite value. Impute it (SimpleImputer) or drop the row before transforming", column: FeatureNames[c], row: i);
                }
            }
        }

        int m = x.Rows, dim = Embedding.Columns, k = Options.NNeighbors;
        var result = new double[m * dim];
        if (m == 0)
        {
            return new Matrix(0, dim, result);
        }

        var neighbors = UmapFuzzySet.Exact(TrainingRows, x, k, Options.Metric);
        var (sigmas, rhos) = UmapFuzzySet.SmoothDistances(neighbors, k, Math.Max(0.0, Options.LocalConnectivity - 1.0));
        var graph = UmapFuzzySet.Memberships(neighbors, sigmas, rhos, TrainingRows.Rows, bipartite: true);
        var embedding = Embedding.AsSpan();
        for (int i = 0; i < m; i++)
        {
            InitialPosition(graph, i, neighbors.Indices[i * k], embedding, result.AsSpan(i * dim, dim));
        }

        int epochs = Options.NEpochs is { } e ? e / 3 : (m <= UMAP.SmallData ? 100 : 30);
        if (epochs > 0 && graph.EdgeCount > 0)
        {
            graph = graph.Prune(graph.MaxWeight / epochs);
            var problem = new UmapLayoutProblem(
                graph.EdgeRows(), graph.Column, UmapLayout.EpochsPerSample(graph.Weight, epochs), TrainingRows.Rows, dim, epochs,
                A, B, Options.RepulsionStrength, Options.LearningRate / 4.0, Options.NegativeSampleRate);
            var rng = Unsupervised.Rng(Options.RandomState);
            UmapLayout.Optimize(problem, result, embedding.ToArray(), moveOther: false, (ulong)rng.NextInt64(), CancellationToken.None);
        }

        return new Matrix(m, dim, result);
    }

    // umap-learn's init_graph_transform: a training row's position if the membership is 1, else the weighted mean.
    private static void InitialPosition(UmapGraph graph, int row, int nearest, ReadOnlySpan<double> embedding, Span<double> position)
    {
        int dim = position.Length;
        double sum = 0;
        for (int e = graph.RowStart[row]; e < graph.RowStart[row + 1]; e++)
        {
            sum += graph.Weight[e];
        }

        if (!(sum > 0))
        {
            // No membership survived underflow: start at the nearest training row.
            embedding.Slice(nearest * dim, dim).CopyTo(position);
            return;
        }

        for (int e = graph.RowStart[row]; e < graph.RowStart[row + 1]; e++)
        {
            var source = embedding.Slice(graph.Column[e] * dim, dim);
            if (graph.Weight[e] == 1)
            {
                source.CopyTo(position);
                return;
            }

            for (int d = 0; d < dim; d++)
            {
                position[d] += graph.Weight[e] / sum * source[d];
            }
        }
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("embedding", Embedding);
        writer.Write("training_rows", TrainingRows);
        writer.Write("a", A);
        writer.Write("b", B);
        writer.Write("n_epochs", Epochs);
    }

    internal static UMAPModel Load(ModelReader reader) => new(
        reader.ReadOptions<UMAPOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadMatrix("embedding"),
        reader.ReadMatrix("training_rows"),
        reader.ReadDouble("a"),
        reader.ReadDouble("b"),
        reader.ReadInt32("n_epochs"));
}
