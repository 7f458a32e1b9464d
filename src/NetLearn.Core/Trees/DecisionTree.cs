using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Trees;

/// <summary>
/// A CART classification tree (scikit-learn's <c>DecisionTreeClassifier</c>): features are compared as 32-bit floats,
/// splits minimise Gini impurity or entropy, leaves hold weighted class counts and predict their proportions.
/// Needs numeric features without missing values (as scikit-learn 1.2).
/// </summary>
public sealed class DecisionTreeClassifier(DecisionTreeClassifierOptions? options = null)
    : Estimator<DecisionTreeClassifierOptions, DecisionTreeClassifierModel>(options ?? new DecisionTreeClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "decision_tree_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override DecisionTreeClassifierModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var data = TreeTrainingData.Classification(features, target, context, Options.ClassWeight, "DecisionTreeClassifier");
        var criterion = Options.Criterion == SplitCriterion.LogLoss ? SplitCriterion.Entropy : Options.Criterion;
        var settings = TreeSettings.From(Options, criterion, Options.Splitter, data.X.Columns);
        var tree = data.Builder(settings).Build(data.Weights, TreeRandom.SeedFrom(Options.RandomState), context.CancellationToken);
        if (Options.CcpAlpha > 0)
        {
            tree = TreePruning.Prune(tree, Options.CcpAlpha);
        }

        context.Progress?.Report(new FitProgress(Kind, 1, 1, null));
        return new DecisionTreeClassifierModel(Options, features.Schema, data.Labels!.Classes, tree);
    }

    /// <summary>
    /// The effective alphas of minimal cost-complexity pruning of the unpruned tree and the total leaf impurity at each
    /// (scikit-learn's <c>cost_complexity_pruning_path</c>); useful to choose <c>ccp_alpha</c>.
    /// </summary>
    public (double[] CcpAlphas, double[] Impurities) CostComplexityPruningPath(Table features, Column target, FitContext? context = null)
    {
        var unpruned = new DecisionTreeClassifier(Options with { CcpAlpha = 0 }).Fit(features, target, context);
        return TreePruning.Path(unpruned.Tree);
    }
}

/// <summary>
/// A CART regression tree (scikit-learn's <c>DecisionTreeRegressor</c>): splits minimise squared error, absolute error
/// or Poisson deviance; leaves predict the weighted mean (the median for absolute error).
/// </summary>
public sealed class DecisionTreeRegressor(DecisionTreeRegressorOptions? options = null)
    : Estimator<DecisionTreeRegressorOptions, DecisionTreeRegressorModel>(options ?? new DecisionTreeRegressorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "decision_tree_regressor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override DecisionTreeRegressorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var data = TreeTrainingData.Regression(features, target, context, Options.Criterion, "DecisionTreeRegressor");
        var settings = TreeSettings.From(Options, Options.Criterion, Options.Splitter, data.X.Columns);
        var tree = data.Builder(settings).Build(data.Weights, TreeRandom.SeedFrom(Options.RandomState), context.CancellationToken);
        if (Options.CcpAlpha > 0)
        {
            tree = TreePruning.Prune(tree, Options.CcpAlpha);
        }

        context.Progress?.Report(new FitProgress(Kind, 1, 1, null));
        return new DecisionTreeRegressorModel(Options, features.Schema, target!.Name, tree);
    }

    /// <summary>The effective alphas of minimal cost-complexity pruning and the total leaf impurity at each.</summary>
    public (double[] CcpAlphas, double[] Impurities) CostComplexityPruningPath(Table features, Column target, FitContext? context = null)
    {
        var unpruned = new DecisionTreeRegressor(Options with { CcpAlpha = 0 }).Fit(features, target, context);
        return TreePruning.Path(unpruned.Tree);
    }
}

/// <summary>What both fitted decision trees share: the node arrays, their views and importances.</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class DecisionTreeModelBase<TOptions> : FittedModel<TOptions>, IDecisionTreeView, IFeatureImportances
    where TOptions : TreeOptionsBase
{
    private IReadOnlyList<TreeNodeView>? _nodes;

    private protected DecisionTreeModelBase(TOptions options, Schema inputSchema, TreeStructure tree)
        : base(options, inputSchema)
    {
        Tree = tree;
        FeatureImportances = tree.FeatureImportances(inputSchema.Count);
    }

    /// <summary>Number of nodes (<c>tree_.node_count</c>).</summary>
    public int NodeCount => Tree.NodeCount;

    /// <summary>Depth of the deepest leaf (<c>get_depth()</c>); a single leaf has depth 0.</summary>
    public int Depth => Tree.MaxDepth;

    /// <summary>Number of leaves (<c>get_n_leaves()</c>).</summary>
    public int LeafCount => Tree.LeafCount;

    /// <summary>Impurity-based feature importances (<c>feature_importances_</c>), in <c>FeatureNames</c> order, summing to 1.</summary>
    public IReadOnlyList<double> FeatureImportances { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ImportanceFeatureNames => FeatureNames;

    /// <inheritdoc />
    public IReadOnlyList<TreeNodeView> Nodes => _nodes ??= TreeViews.Nodes(Tree, FeatureNames);

    /// <inheritdoc />
    public abstract string Criterion { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<string>? ClassNames { get; }

    internal TreeStructure Tree { get; }

    /// <summary>The index of the leaf each row falls into (scikit-learn's <c>apply</c>).</summary>
    public int[] Apply(Table features)
    {
        var x = FeatureMatrix.RowMajor(features.ConformTo(InputSchema), Kind);
        var leaves = new int[x.Rows];
        for (int i = 0; i < leaves.Length; i++)
        {
            leaves[i] = Tree.Apply(x.Values.AsSpan(i * x.Columns, x.Columns));
        }

        return leaves;
    }

    /// <summary>The tree as indented text, like scikit-learn's <c>export_text</c>.</summary>
    public string ExportText(int maxDepth = 10, int decimals = 2, bool showWeights = false) => TreeExport.Text(this, maxDepth, decimals, showWeights);

    /// <summary>The tree in Graphviz DOT, like scikit-learn's <c>export_graphviz</c>.</summary>
    public string ExportGraphviz(int decimals = 3) => TreeExport.Graphviz(this, decimals);

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Tree.Save(writer.Child("tree"));
    }

    private protected static TreeStructure LoadTree(ModelReader reader, int features)
    {
        var tree = TreeStructure.Load(reader.Child("tree"));
        TreeViews.CheckFeatures(tree, features, reader);
        return tree;
    }
}

/// <summary>A fitted <see cref="DecisionTreeClassifier"/>.</summary>
public sealed class DecisionTreeClassifierModel : DecisionTreeModelBase<DecisionTreeClassifierOptions>, IClassifier
{
    internal DecisionTreeClassifierModel(DecisionTreeClassifierOptions options, Schema inputSchema, Column classes, TreeStructure tree)
        : base(options, inputSchema, tree)
    {
        Classes = classes;
        Labels = ClassLabels.FromClasses(classes);
        ClassNames = [.. Enumerable.Range(0, classes.Length).Select(i => classes.FormatValue(i)!)];
    }

    /// <inheritdoc />
    public override string Kind => DecisionTreeClassifier.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    /// <inheritdoc />
    public override string Criterion => Options.Criterion == SplitCriterion.LogLoss ? "log_loss" : Options.Criterion == SplitCriterion.Entropy ? "entropy" : "gini";

    /// <inheritdoc />
    public override IReadOnlyList<string>? ClassNames { get; }

    private ClassLabels Labels { get; }

    /// <inheritdoc />
    public Matrix PredictProba(Table features)
    {
        var x = FeatureMatrix.RowMajor(features.ConformTo(InputSchema), "DecisionTreeClassifier");
        var proba = new Matrix(x.Rows, Classes.Length);
        for (int i = 0; i < x.Rows; i++)
        {
            LeafProba(Tree, x.Values.AsSpan(i * x.Columns, x.Columns), proba.Row(i));
        }

        return proba;
    }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var proba = PredictProba(features);
        var index = new int[proba.Rows];
        for (int i = 0; i < index.Length; i++)
        {
            index[i] = ArgMax(proba.Row(i));
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

    internal static DecisionTreeClassifierModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        return new(reader.ReadOptions<DecisionTreeClassifierOptions>(), schema, reader.ReadColumn("classes"), LoadTree(reader, schema.Count));
    }

    /// <summary>Normalised class counts of the row's leaf, added into <paramref name="target"/> times <paramref name="scale"/>.</summary>
    internal static void LeafProba(TreeStructure tree, ReadOnlySpan<float> row, Span<double> target, double scale = 1.0, bool add = false)
    {
        var value = tree.LeafValue(tree.Apply(row));
        double sum = 0;
        foreach (double v in value)
        {
            sum += v;
        }

        double factor = sum > 0 ? scale / sum : 0;
        for (int k = 0; k < value.Length; k++)
        {
            target[k] = (add ? target[k] : 0) + (value[k] * factor);
        }
    }

    /// <summary>The first index of the largest value (numpy's argmax).</summary>
    internal static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }
}

/// <summary>A fitted <see cref="DecisionTreeRegressor"/>.</summary>
public sealed class DecisionTreeRegressorModel : DecisionTreeModelBase<DecisionTreeRegressorOptions>, IPredictor
{
    internal DecisionTreeRegressorModel(DecisionTreeRegressorOptions options, Schema inputSchema, string targetName, TreeStructure tree)
        : base(options, inputSchema, tree)
    {
        TargetName = targetName;
    }

    /// <inheritdoc />
    public override string Kind => DecisionTreeRegressor.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The name of the training target (the name of the prediction column).</summary>
    public string TargetName { get; }

    /// <inheritdoc />
    public override string Criterion => Options.Criterion switch
    {
        SplitCriterion.AbsoluteError => "absolute_error",
        SplitCriterion.Poisson => "poisson",
        _ => "squared_error",
    };

    /// <inheritdoc />
    public override IReadOnlyList<string>? ClassNames => null;

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var x = FeatureMatrix.RowMajor(features.ConformTo(InputSchema), "DecisionTreeRegressor");
        var result = new double[x.Rows];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Tree.Value[Tree.Apply(x.Values.AsSpan(i * x.Columns, x.Columns))];
        }

        return new NumericColumn(TargetName, result);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target_name", TargetName);
        base.Save(writer);
    }

    internal static DecisionTreeRegressorModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        return new(reader.ReadOptions<DecisionTreeRegressorOptions>(), schema, reader.ReadString("target_name"), LoadTree(reader, schema.Count));
    }
}
