using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Trees;

namespace NetLearn.Plotting.Tests;

public sealed class ModelPlotTests
{
    private static readonly Random Seeded = new(3);

    [Fact]
    public void Confusion_matrix_counts_and_normalized()
    {
        var yTrue = Column.Create("y", new string?[] { "cat", "cat", "dog", "dog", "dog", "bird", "bird", "cat", "dog", "bird" });
        var yPred = Column.Create("p", new string?[] { "cat", "dog", "dog", "dog", "cat", "bird", "cat", "cat", "dog", "bird" });
        Images.SaveAndCheck(Plot.ConfusionMatrix(yTrue, yPred), "confusion", 640, 540);
        Images.SaveAndCheck(Plot.ConfusionMatrix(yTrue, yPred, normalize: true), "confusion-normalized", 640, 540);
    }

    [Fact]
    public void Roc_pr_and_calibration_curves()
    {
        var (positive, score) = BinaryScores(300);
        Images.SaveAndCheck(Plot.Roc(positive, score, "logistic"), "roc", 700, 640);
        Images.SaveAndCheck(Plot.PrecisionRecall(positive, score), "pr", 700, 640);
        Images.SaveAndCheck(Plot.Calibration(positive, score), "calibration", 700, 640);
    }

    [Fact]
    public void One_vs_rest_curves_from_probabilities()
    {
        string[] classes = ["a", "b", "c"];
        int n = 240;
        var truth = new string?[n];
        var proba = new Matrix(n, 3);
        for (int i = 0; i < n; i++)
        {
            int k = i % 3;
            truth[i] = classes[k];
            double[] raw = [Seeded.NextDouble(), Seeded.NextDouble(), Seeded.NextDouble()];
            raw[k] += 0.8;
            for (int j = 0; j < 3; j++)
            {
                proba[i, j] = raw[j] / raw.Sum();
            }
        }

        var y = Column.Create("target", truth);
        var cls = Column.Create("classes", new string?[] { "a", "b", "c" });
        Images.SaveAndCheck(Plot.Roc(y, proba, cls), "roc-ovr");
        Images.SaveAndCheck(Plot.PrecisionRecall(y, proba, cls), "pr-ovr");
    }

    [Fact]
    public void Learning_and_validation_curves()
    {
        double[] sizes = [50, 100, 200, 400, 800];
        var train = sizes.Select(s => (IReadOnlyList<double>)[.. Enumerable.Range(0, 5).Select(f => 0.98 - (0.05 * Math.Log10(s)) + (0.01 * f))]).ToList();
        var valid = sizes.Select(s => (IReadOnlyList<double>)[.. Enumerable.Range(0, 5).Select(f => 0.6 + (0.08 * Math.Log10(s)) - (0.02 * f))]).ToList();
        Images.SaveAndCheck(Plot.LearningCurve(sizes, train, valid, "accuracy"), "learning-curve");
        double[] c = [0.001, 0.01, 0.1, 1, 10, 100];
        var vt = c.Select(v => (IReadOnlyList<double>)[0.7 + (0.04 * Math.Log10(v * 1000)), 0.72 + (0.04 * Math.Log10(v * 1000))]).ToList();
        var vv = c.Select(v => (IReadOnlyList<double>)[0.9 - (0.01 * Math.Pow(Math.Log10(v), 2)), 0.88 - (0.01 * Math.Pow(Math.Log10(v), 2))]).ToList();
        Images.SaveAndCheck(Plot.ValidationCurve("C", c, vt, vv, logScale: true, metric: "accuracy"), "validation-curve");
        Assert.Throws<HyperparameterException>(() => Plot.ValidationCurve("C", [0, 1], vt[..2], vv[..2], logScale: true));
    }

    [Fact]
    public void Residuals_and_predicted_vs_actual()
    {
        double[] actual = [.. Enumerable.Range(0, 200).Select(i => i * 0.5)];
        double[] predicted = [.. actual.Select(a => a + (3 * TestData.Normal(Seeded)))];
        Images.SaveAndCheck(Plot.Residuals(actual, predicted), "residuals");
        Images.SaveAndCheck(Plot.PredictedVsActual(actual, predicted), "predicted-vs-actual", 700, 640);
        Assert.Throws<DataValidationException>(() => Plot.PredictedVsActual(actual, predicted[..10]));
    }

    [Fact]
    public void Feature_importances_from_a_model()
    {
        var model = new ImportanceModel(["petal_length", "petal_width", "sepal_length", "sepal_width"], [0.42, 0.41, 0.12, 0.05]);
        Images.SaveAndCheck(Plot.FeatureImportances(model), "importances", 800, 400);
        Assert.Throws<DataValidationException>(() => Plot.FeatureImportances(["a"], [0.1, 0.2]));
    }

    [Fact]
    public void Decision_tree_diagram_of_a_hand_built_tree()
    {
        // The first levels of a gini tree on iris.
        var tree = new HandTree(
            [
                new TreeNodeView(0, 1, 2, "petal_length", 2.45, 0.667, 150, 150, [50, 50, 50]),
                new TreeNodeView(1, -1, -1, null, double.NaN, 0.0, 50, 50, [50, 0, 0]),
                new TreeNodeView(2, 3, 4, "petal_width", 1.75, 0.5, 100, 100, [0, 50, 50]),
                new TreeNodeView(3, 5, 6, "petal_length", 4.95, 0.168, 54, 54, [0, 49, 5]),
                new TreeNodeView(4, -1, -1, null, double.NaN, 0.043, 46, 46, [0, 1, 45]),
                new TreeNodeView(5, -1, -1, null, double.NaN, 0.041, 48, 48, [0, 47, 1]),
                new TreeNodeView(6, -1, -1, null, double.NaN, 0.444, 6, 6, [0, 2, 4]),
            ],
            ["setosa", "versicolor", "virginica"]);
        Images.SaveAndCheck(Plot.DecisionTree(tree), "tree", 1000, 640);
        Images.SaveAndCheck(Plot.DecisionTree(tree, maxDepth: 1), "tree-depth1", 800, 400);
        var broken = new HandTree([new TreeNodeView(0, 1, 7, "x", 1, 0.5, 2, 2, [1, 1]), new TreeNodeView(1, -1, -1, null, double.NaN, 0, 1, 1, [1, 0])], ["a", "b"]);
        Assert.Throws<DataValidationException>(() => Plot.DecisionTree(broken));
    }

    [Fact]
    public void Dendrogram_from_a_scipy_linkage_matrix()
    {
        // scipy.cluster.hierarchy.linkage([[0],[1],[5],[6],[12]], "single")
        double[,] z = { { 0, 1, 1, 2 }, { 2, 3, 1, 2 }, { 5, 6, 4, 4 }, { 4, 7, 6, 5 } };
        Images.SaveAndCheck(Plot.Dendrogram(z, ["a", "b", "c", "d", "e"]), "dendrogram", 800, 500);
        Assert.Throws<DataValidationException>(() => Plot.Dendrogram(new double[,] { { 0, 1, 1, 2 }, { 0, 2, 2, 3 } }));
        Assert.Throws<DataValidationException>(() => Plot.Dendrogram(new double[,] { { 0, 1, 1 } }));
    }

    [Fact]
    public void Embedding_coloured_by_label_and_by_cluster()
    {
        var m = new Matrix(150, 2);
        var labels = new string?[150];
        var clusters = new int[150];
        for (int i = 0; i < 150; i++)
        {
            int k = i % 3;
            m[i, 0] = (k * 3) + TestData.Normal(Seeded);
            m[i, 1] = (k % 2 * 2) + TestData.Normal(Seeded);
            labels[i] = $"class {k}";
            clusters[i] = i % 17 == 0 ? -1 : k;
        }

        Images.SaveAndCheck(Plot.Embedding(m, Column.Create("species", labels), "PCA"), "embedding", 760, 640);
        Images.SaveAndCheck(Plot.Embedding(m, clusters, "t-SNE"), "embedding-clusters", 760, 640);
    }

    [Fact]
    public void Elbow_marks_the_knee_and_silhouette_plot_draws()
    {
        int[] k = [1, 2, 3, 4, 5, 6, 7, 8];
        double[] inertia = [1000, 520, 210, 180, 160, 148, 140, 134];
        Images.SaveAndCheck(Plot.Elbow(k, inertia), "elbow");
        var points = new Matrix(90, 2);
        var labels = new int[90];
        for (int i = 0; i < 90; i++)
        {
            labels[i] = i % 3;
            points[i, 0] = (labels[i] * 4) + TestData.Normal(Seeded);
            points[i, 1] = TestData.Normal(Seeded);
        }

        Images.SaveAndCheck(Plot.Silhouette(points, labels), "silhouette", 760, 640);
    }

    private static (bool[] Positive, double[] Score) BinaryScores(int n)
    {
        var positive = new bool[n];
        var score = new double[n];
        for (int i = 0; i < n; i++)
        {
            positive[i] = Seeded.NextDouble() < 0.4;
            score[i] = 1 / (1 + Math.Exp(-((positive[i] ? 1.2 : -0.6) + (1.2 * TestData.Normal(Seeded)))));
        }

        return (positive, score);
    }

    private sealed class HandTree(IReadOnlyList<TreeNodeView> nodes, IReadOnlyList<string>? classes) : IDecisionTreeView
    {
        public IReadOnlyList<TreeNodeView> Nodes { get; } = nodes;

        public string Criterion => "gini";

        public IReadOnlyList<string>? ClassNames { get; } = classes;
    }

    private sealed class ImportanceModel(IReadOnlyList<string> names, IReadOnlyList<double> importances) : IFeatureImportances
    {
        public IReadOnlyList<string> ImportanceFeatureNames { get; } = names;

        public IReadOnlyList<double> FeatureImportances { get; } = importances;

        public string Kind => "hand_made";

        public ModelTask Task => ModelTask.Classification;

        public Schema InputSchema => throw new NotSupportedException();

        public EstimatorOptions Options => throw new NotSupportedException();

        public void Save(ModelWriter writer) => throw new NotSupportedException();
    }
}
