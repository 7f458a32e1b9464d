using System.Globalization;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Anomaly;

/// <summary>Hyperparameters of <see cref="IsolationForest"/> (scikit-learn's names and defaults).</summary>
public sealed record IsolationForestOptions : EstimatorOptions
{
    /// <summary>Number of isolation trees (<c>n_estimators</c>).</summary>
    public int NEstimators { get; init; } = 100;

    /// <summary>Rows drawn (without replacement) for each tree (<c>max_samples</c>); <c>null</c> = min(256, n), a value ≤ 1 is a fraction of n.</summary>
    public double? MaxSamples { get; init; }

    /// <summary>Expected fraction of outliers (<c>contamination</c>); <c>null</c> is scikit-learn's "auto" (offset −0.5).</summary>
    public double? Contamination { get; init; }

    /// <summary>Seed (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (NEstimators < 1)
        {
            throw new HyperparameterException("n_estimators", "must be at least 1");
        }

        if (MaxSamples is { } m && (!(m > 0) || (m > 1 && m != Math.Floor(m))))
        {
            throw new HyperparameterException("max_samples", "must be a whole number of rows, a fraction in (0, 1], or null for min(256, n)");
        }

        if (Contamination is { } c && !(c > 0 && c <= 0.5))
        {
            throw new HyperparameterException("contamination", "must be in (0, 0.5], or null for automatic");
        }
    }
}

/// <summary>
/// Isolation forest (Liu, Ting &amp; Zhou 2008), as scikit-learn's <c>IsolationForest</c>: random trees split a random
/// feature at a uniform random threshold until rows are isolated (depth limit ⌈log₂ ψ⌉); anomalies isolate in
/// fewer splits. Score s(x) = −2^(−E[h(x)] / c(ψ)), c(ψ) the average path length of an unsuccessful BST search.
/// </summary>
public sealed class IsolationForest(IsolationForestOptions? options = null)
    : Estimator<IsolationForestOptions, IsolationForestModel>(options ?? new IsolationForestOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "isolation_forest";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override IsolationForestModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var x = Unsupervised.Features(features, "IsolationForest");
        int n = x.Rows;
        int psi = Options.MaxSamples switch
        {
            null => Math.Min(256, n),
            <= 1 and var f => Math.Max(1, (int)(f * n)),
            var m => (int)m,
        };
        if (psi > n)
        {
            throw new HyperparameterException("max_samples", string.Create(CultureInfo.InvariantCulture, $"is {psi} but the data has only {n} rows"));
        }

        int maxDepth = (int)Math.Ceiling(Math.Log2(Math.Max(psi, 2)));
        var rng = Unsupervised.Rng(Options.RandomState);
        int[] seeds = [.. Enumerable.Range(0, Options.NEstimators).Select(_ => rng.Next())];
        var trees = new IsolationTree[Options.NEstimators];
        Parallel.For(0, trees.Length, new ParallelOptions { CancellationToken = context.CancellationToken }, t =>
        {
            var treeRng = new Random(seeds[t]);
            int[] rows = [.. Enumerable.Range(0, n).OrderBy(_ => treeRng.Next()).Take(psi)];
            trees[t] = IsolationTree.Build(x, rows, maxDepth, treeRng);
        });

        var model = new IsolationForestModel(Options, features.Schema, trees, psi, -0.5);
        if (Options.Contamination is { } c)
        {
            double offset = LocalOutlierFactor.Percentile(model.ScoreSamples(x), 100.0 * c);
            model = new IsolationForestModel(Options, features.Schema, trees, psi, offset);
        }

        return model;
    }
}

/// <summary>One isolation tree in flat arrays: internal nodes split <c>Feature</c> at <c>Threshold</c>; leaves keep their row count.</summary>
internal sealed class IsolationTree(int[] feature, double[] threshold, int[] left, int[] right, int[] size)
{
    public int[] Feature { get; } = feature;

    public double[] Threshold { get; } = threshold;

    public int[] Left { get; } = left;

    public int[] Right { get; } = right;

    public int[] Size { get; } = size;

    public static IsolationTree Build(Matrix x, int[] rows, int maxDepth, Random rng)
    {
        var feature = new List<int>();
        var threshold = new List<double>();
        var left = new List<int>();
        var right = new List<int>();
        var size = new List<int>();
        Grow(x, rows, 0, maxDepth, rng, feature, threshold, left, right, size);
        return new IsolationTree([.. feature], [.. threshold], [.. left], [.. right], [.. size]);
    }

    private static int Grow(Matrix x, int[] rows, int depth, int maxDepth, Random rng, List<int> feature, List<double> threshold, List<int> left, List<int> right, List<int> size)
    {
        int node = feature.Count;
        feature.Add(-1);
        threshold.Add(0);
        left.Add(-1);
        right.Add(-1);
        size.Add(rows.Length);
        if (rows.Length <= 1 || depth >= maxDepth)
        {
            return node;
        }

        // A random feature that is not constant here (scikit-learn's random splitter draws among non-constant features).
        int p = x.Columns;
        int[] order = [.. Enumerable.Range(0, p).OrderBy(_ => rng.Next())];
        foreach (int f in order)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (int r in rows)
            {
                double v = x[r, f];
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            if (max <= min)
            {
                continue;
            }

            double t = min + (rng.NextDouble() * (max - min));
            if (t >= max)
            {
                t = min;
            }

            int[] l = [.. rows.Where(r => x[r, f] <= t)];
            int[] rr = [.. rows.Where(r => x[r, f] > t)];
            feature[node] = f;
            threshold[node] = t;
            int ln = Grow(x, l, depth + 1, maxDepth, rng, feature, threshold, left, right, size);
            int rn = Grow(x, rr, depth + 1, maxDepth, rng, feature, threshold, left, right, size);
            left[node] = ln;
            right[node] = rn;
            return node;
        }

        return node; // All features constant: a leaf of identical rows.
    }

    /// <summary>Depth of the leaf reached plus c(leaf size), the expected remaining depth.</summary>
    public double PathLength(ReadOnlySpan<double> row)
    {
        int node = 0, depth = 0;
        while (Feature[node] >= 0)
        {
            node = row[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
            depth++;
        }

        return depth + IsolationForestModel.AveragePathLength(Size[node]);
    }
}

/// <summary>A fitted <see cref="IsolationForest"/>.</summary>
public sealed class IsolationForestModel : FittedModel<IsolationForestOptions>, IPredictor
{
    private readonly IsolationTree[] _trees;

    internal IsolationForestModel(IsolationForestOptions options, Schema inputSchema, IsolationTree[] trees, int maxSamples, double offset)
        : base(options, inputSchema)
    {
        _trees = trees;
        MaxSamplesUsed = maxSamples;
        Offset = offset;
    }

    /// <inheritdoc />
    public override string Kind => IsolationForest.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.AnomalyDetection;

    /// <summary>Rows per tree (<c>max_samples_</c>).</summary>
    public int MaxSamplesUsed { get; }

    /// <summary>Threshold on <see cref="ScoreSamples(Table)"/> below which a row is an outlier (<c>offset_</c>).</summary>
    public double Offset { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _trees.Length;

    /// <summary>The anomaly score of each row (<c>score_samples</c>): −2^(−E[h]/c(ψ)), in [−1, 0); lower is more anomalous.</summary>
    public double[] ScoreSamples(Table features) => ScoreSamples(features.ConformTo(InputSchema).ToMatrix());

    /// <summary>Scores of a matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public double[] ScoreSamples(Matrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var scores = new double[x.Rows];
        double c = AveragePathLength(MaxSamplesUsed);
        Parallel.For(0, x.Rows, i =>
        {
            double total = 0;
            foreach (var tree in _trees)
            {
                total += tree.PathLength(x.Row(i));
            }

            scores[i] = -Math.Pow(2, -(total / _trees.Length) / c);
        });
        return scores;
    }

    /// <summary>Score minus offset (<c>decision_function</c>): negative for outliers.</summary>
    public double[] DecisionFunction(Table features) => [.. ScoreSamples(features).Select(s => s - Offset)];

    /// <inheritdoc />
    public Column Predict(Table features) => new NumericColumn("anomaly", [.. DecisionFunction(features).Select(d => d < 0 ? -1.0 : 1.0)]);

    /// <summary>c(n) = 2H(n − 1) − 2(n − 1)/n, H(i) ≈ ln i + γ (c(1) = 0, c(2) = 1), as scikit-learn's <c>_average_path_length</c>.</summary>
    internal static double AveragePathLength(int n) => n switch
    {
        <= 1 => 0.0,
        2 => 1.0,
        _ => (2.0 * (Math.Log(n - 1.0) + 0.5772156649015329)) - (2.0 * (n - 1.0) / n),
    };

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("max_samples", MaxSamplesUsed);
        writer.Write("offset", Offset);
        writer.Write("tree_count", _trees.Length);
        for (int t = 0; t < _trees.Length; t++)
        {
            var child = writer.Child(string.Create(CultureInfo.InvariantCulture, $"tree{t}"));
            child.Write("feature", _trees[t].Feature);
            child.Write("threshold", _trees[t].Threshold);
            child.Write("left", _trees[t].Left);
            child.Write("right", _trees[t].Right);
            child.Write("size", _trees[t].Size);
        }
    }

    internal static IsolationForestModel Load(ModelReader reader)
    {
        int count = reader.ReadInt32("tree_count");
        var trees = new IsolationTree[count];
        for (int t = 0; t < count; t++)
        {
            var child = reader.Child(string.Create(CultureInfo.InvariantCulture, $"tree{t}"));
            trees[t] = new IsolationTree(child.ReadInt32s("feature"), child.ReadDoubles("threshold"), child.ReadInt32s("left"), child.ReadInt32s("right"), child.ReadInt32s("size"));
        }

        return new IsolationForestModel(reader.ReadOptions<IsolationForestOptions>(), reader.ReadSchema("input_schema"), trees, reader.ReadInt32("max_samples"), reader.ReadDouble("offset"));
    }
}
