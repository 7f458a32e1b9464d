using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Trees;

namespace NetLearn.Ensembles;

/// <summary>What every fitted forest shares: the trees, importances, the out-of-bag score and model-file storage.</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class ForestModelBase<TOptions> : FittedModel<TOptions>, IFeatureImportances
    where TOptions : ForestOptionsBase
{
    private const int RowsPerBlock = 256;

    private protected ForestModelBase(TOptions options, Schema inputSchema, TreeStructure[] trees, double? oobScore)
        : base(options, inputSchema)
    {
        Trees = trees;
        OobScore = oobScore;
        FeatureImportances = ForestTrainer.Importances(trees, inputSchema.Count);
        Predictor = ForestPredictor.Create(trees, proportions: this is IClassifier);
    }

    /// <summary>Number of trees.</summary>
    public int TreeCount => Trees.Length;

    /// <summary>Total number of nodes over all trees.</summary>
    public long NodeCount => Trees.Sum(t => (long)t.NodeCount);

    /// <summary>Out-of-bag accuracy (classifiers) or R² (regressors) (<c>oob_score_</c>); <c>null</c> unless <c>oob_score</c> was set.</summary>
    public double? OobScore { get; }

    /// <summary>Mean impurity-decrease importances over the trees (<c>feature_importances_</c>), summing to 1.</summary>
    public IReadOnlyList<double> FeatureImportances { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ImportanceFeatureNames => FeatureNames;

    internal TreeStructure[] Trees { get; }

    /// <summary>The flat prediction layout of the trees.</summary>
    private protected ForestPredictor Predictor { get; }

    /// <summary>Tree <paramref name="index"/> as a node view (for export and plots).</summary>
    public IDecisionTreeView Tree(int index) => new ForestTreeView(Trees[index], FeatureNames, CriterionName, ClassNames);

    private protected abstract string CriterionName { get; }

    private protected abstract IReadOnlyList<string>? ClassNames { get; }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("oob_score", OobScore ?? double.NaN);
        writer.Write("node_counts", Trees.Select(t => t.NodeCount).ToArray());
        writer.Write("value_width", Trees[0].ValueWidth);
        writer.Write("left", Concat(t => t.Left));
        writer.Write("right", Concat(t => t.Right));
        writer.Write("feature", Concat(t => t.Feature));
        writer.Write("threshold", Concat(t => t.Threshold));
        writer.Write("impurity", Concat(t => t.Impurity));
        writer.Write("n_node_samples", Concat(t => t.Samples));
        writer.Write("weighted_n_node_samples", Concat(t => t.WeightedSamples));
        writer.Write("value", Concat(t => t.Value));
    }

    private protected static (TreeStructure[] Trees, double? Oob) LoadTrees(ModelReader reader, int features)
    {
        int[] counts = reader.ReadInt32s("node_counts");
        int width = reader.ReadInt32("value_width");
        int[] left = reader.ReadInt32s("left"), right = reader.ReadInt32s("right"), feature = reader.ReadInt32s("feature"), samples = reader.ReadInt32s("n_node_samples");
        double[] threshold = reader.ReadDoubles("threshold"), impurity = reader.ReadDoubles("impurity"), weighted = reader.ReadDoubles("weighted_n_node_samples"), value = reader.ReadDoubles("value");
        long total = counts.Sum(c => (long)c);
        if (counts.Length == 0 || counts.Any(c => c < 1) || width < 1 || left.Length != total || right.Length != total || feature.Length != total
            || samples.Length != total || threshold.Length != total || impurity.Length != total || weighted.Length != total || value.Length != total * width)
        {
            throw reader.Corrupt("Inconsistent forest arrays");
        }

        var trees = new TreeStructure[counts.Length];
        int offset = 0;
        for (int t = 0; t < trees.Length; t++)
        {
            int c = counts[t];
            trees[t] = TreeStructure.Validated(
                reader, left[offset..(offset + c)], right[offset..(offset + c)], feature[offset..(offset + c)], threshold[offset..(offset + c)], impurity[offset..(offset + c)],
                samples[offset..(offset + c)], weighted[offset..(offset + c)], value[(offset * width)..((offset + c) * width)], width, features);
            offset += c;
        }

        double oob = reader.ReadDouble("oob_score");
        return (trees, double.IsNaN(oob) ? null : oob);
    }

    /// <summary>
    /// The sum over the trees of the leaf outputs of every row (row-major, <paramref name="width"/> values a row), in
    /// blocks of rows that walk one tree after another; in parallel over blocks for large inputs.
    /// </summary>
    private protected double[] SumRows(Table features, int width)
    {
        var x = FeatureMatrix.RowMajor(features.ConformTo(InputSchema), Kind);
        var sums = new double[x.Rows * width];
        ForRowBlocks(x.Rows, (from, to) => Predictor.AccumulateBlock(x.Values.AsSpan(from * x.Columns, (to - from) * x.Columns), x.Columns, sums.AsSpan(from * width, (to - from) * width)));
        return sums;
    }

    /// <summary>One row in <c>FeatureNames</c> order as floats, checked for length.</summary>
    private protected void CheckRow(ReadOnlySpan<double> row, Span<float> values)
    {
        if (row.Length != InputSchema.Count)
        {
            throw new ArgumentException($"Expected {InputSchema.Count} features.", nameof(row));
        }

        for (int j = 0; j < row.Length; j++)
        {
            values[j] = (float)row[j];
        }
    }

    /// <summary>Runs <paramref name="body"/> over blocks of rows, in parallel for large inputs.</summary>
    private protected void ForRowBlocks(int rows, Action<int, int> body)
    {
        int blocks = (rows + RowsPerBlock - 1) / RowsPerBlock;
        if (blocks <= 1 || Options.Threads == 1)
        {
            body(0, rows);
            return;
        }

        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads }, b => body(b * RowsPerBlock, Math.Min(rows, (b + 1) * RowsPerBlock)));
    }

    private T[] Concat<T>(Func<TreeStructure, T[]> part) => [.. Trees.SelectMany(part)];

    private sealed class ForestTreeView(TreeStructure tree, IReadOnlyList<string> features, string criterion, IReadOnlyList<string>? classes) : IDecisionTreeView
    {
        public IReadOnlyList<TreeNodeView> Nodes { get; } = TreeViews.Nodes(tree, features);

        public string Criterion => criterion;

        public IReadOnlyList<string>? ClassNames => classes;
    }
}

/// <summary>A fitted forest classifier: the mean of the trees' leaf class proportions.</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class ForestClassifierModel<TOptions> : ForestModelBase<TOptions>, IClassifier
    where TOptions : ForestClassifierOptionsBase
{
    private readonly string[] _classNames;

    private protected ForestClassifierModel(TOptions options, Schema inputSchema, Column classes, TreeStructure[] trees, double? oobScore)
        : base(options, inputSchema, trees, oobScore)
    {
        Classes = classes;
        Labels = ClassLabels.FromClasses(classes);
        _classNames = [.. Enumerable.Range(0, classes.Length).Select(i => classes.FormatValue(i)!)];
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    private protected override string CriterionName => Options.Criterion.ToString().ToLowerInvariant() switch { "logloss" => "log_loss", var c => c };

    private protected override IReadOnlyList<string>? ClassNames => _classNames;

    private ClassLabels Labels { get; }

    /// <inheritdoc />
    public Matrix PredictProba(Table features)
    {
        double[] sums = SumRows(features, Classes.Length);
        double scale = 1.0 / Trees.Length;
        for (int i = 0; i < sums.Length; i++)
        {
            sums[i] *= scale;
        }

        return new Matrix(sums.Length / Classes.Length, Classes.Length, sums);
    }

    /// <summary>
    /// Class probabilities of one row whose values are in <c>FeatureNames</c> order, written to <paramref name="proba"/>
    /// (length = number of classes); no allocation, for low-latency serving.
    /// </summary>
    public void PredictProba(ReadOnlySpan<double> row, Span<double> proba)
    {
        if (proba.Length != Classes.Length)
        {
            throw new ArgumentException($"Expected room for {Classes.Length} probabilities.", nameof(proba));
        }

        Span<float> values = row.Length <= 256 ? stackalloc float[row.Length] : new float[row.Length];
        CheckRow(row, values);
        proba.Clear();
        Predictor.Accumulate(values, proba);
        double scale = 1.0 / Trees.Length;
        for (int k = 0; k < proba.Length; k++)
        {
            proba[k] *= scale;
        }
    }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var proba = PredictProba(features);
        var index = new int[proba.Rows];
        for (int i = 0; i < index.Length; i++)
        {
            index[i] = DecisionTreeClassifierModel.ArgMax(proba.Row(i));
        }

        return Labels.Decode(index, Classes.Name);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        base.Save(writer);
    }
}

/// <summary>A fitted forest regressor: the mean of the trees' predictions.</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class ForestRegressorModel<TOptions> : ForestModelBase<TOptions>, IPredictor
    where TOptions : ForestRegressorOptionsBase
{
    private protected ForestRegressorModel(TOptions options, Schema inputSchema, string targetName, TreeStructure[] trees, double? oobScore)
        : base(options, inputSchema, trees, oobScore)
    {
        TargetName = targetName;
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The name of the training target (the name of the prediction column).</summary>
    public string TargetName { get; }

    private protected override string CriterionName => Options.Criterion switch
    {
        SplitCriterion.AbsoluteError => "absolute_error",
        SplitCriterion.Poisson => "poisson",
        _ => "squared_error",
    };

    private protected override IReadOnlyList<string>? ClassNames => null;

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        double[] result = SumRows(features, 1);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] /= Trees.Length;
        }

        return new NumericColumn(TargetName, result);
    }

    /// <summary>The prediction for one row whose values are in <c>FeatureNames</c> order; no allocation.</summary>
    public double Predict(ReadOnlySpan<double> row)
    {
        Span<float> values = row.Length <= 256 ? stackalloc float[row.Length] : new float[row.Length];
        CheckRow(row, values);
        Span<double> sum = [0.0];
        Predictor.Accumulate(values, sum);
        return sum[0] / Trees.Length;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target_name", TargetName);
        base.Save(writer);
    }
}

/// <summary>A fitted <see cref="RandomForestClassifier"/>.</summary>
public sealed class RandomForestClassifierModel : ForestClassifierModel<RandomForestClassifierOptions>
{
    internal RandomForestClassifierModel(RandomForestClassifierOptions options, Schema schema, Column classes, TreeStructure[] trees, double? oob)
        : base(options, schema, classes, trees, oob)
    {
    }

    /// <inheritdoc />
    public override string Kind => RandomForestClassifier.KindName;

    internal static RandomForestClassifierModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var (trees, oob) = LoadTrees(reader, schema.Count);
        return new(reader.ReadOptions<RandomForestClassifierOptions>(), schema, reader.ReadColumn("classes"), trees, oob);
    }
}

/// <summary>A fitted <see cref="ExtraTreesClassifier"/>.</summary>
public sealed class ExtraTreesClassifierModel : ForestClassifierModel<ExtraTreesClassifierOptions>
{
    internal ExtraTreesClassifierModel(ExtraTreesClassifierOptions options, Schema schema, Column classes, TreeStructure[] trees, double? oob)
        : base(options, schema, classes, trees, oob)
    {
    }

    /// <inheritdoc />
    public override string Kind => ExtraTreesClassifier.KindName;

    internal static ExtraTreesClassifierModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var (trees, oob) = LoadTrees(reader, schema.Count);
        return new(reader.ReadOptions<ExtraTreesClassifierOptions>(), schema, reader.ReadColumn("classes"), trees, oob);
    }
}

/// <summary>A fitted <see cref="RandomForestRegressor"/>.</summary>
public sealed class RandomForestRegressorModel : ForestRegressorModel<RandomForestRegressorOptions>
{
    internal RandomForestRegressorModel(RandomForestRegressorOptions options, Schema schema, string targetName, TreeStructure[] trees, double? oob)
        : base(options, schema, targetName, trees, oob)
    {
    }

    /// <inheritdoc />
    public override string Kind => RandomForestRegressor.KindName;

    internal static RandomForestRegressorModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var (trees, oob) = LoadTrees(reader, schema.Count);
        return new(reader.ReadOptions<RandomForestRegressorOptions>(), schema, reader.ReadString("target_name"), trees, oob);
    }
}

/// <summary>A fitted <see cref="ExtraTreesRegressor"/>.</summary>
public sealed class ExtraTreesRegressorModel : ForestRegressorModel<ExtraTreesRegressorOptions>
{
    internal ExtraTreesRegressorModel(ExtraTreesRegressorOptions options, Schema schema, string targetName, TreeStructure[] trees, double? oob)
        : base(options, schema, targetName, trees, oob)
    {
    }

    /// <inheritdoc />
    public override string Kind => ExtraTreesRegressor.KindName;

    internal static ExtraTreesRegressorModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var (trees, oob) = LoadTrees(reader, schema.Count);
        return new(reader.ReadOptions<ExtraTreesRegressorOptions>(), schema, reader.ReadString("target_name"), trees, oob);
    }
}
