using System.Text.Json;
using NetLearn.Data;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Metrics;

/// <summary>Every metric of issue 5 against scikit-learn 1.2 (fixture: metrics_sklearn.json from make_metrics_fixtures.py), to 1e-9.</summary>
public class SklearnMetricsTests
{
    private const double Rel = 1e-9;
    private static readonly JsonElement Data = Fixture.Load("metrics_sklearn.json");

    public static TheoryData<string> BinaryCases => new() { "binary", "binary_ties" };

    public static TheoryData<string> MulticlassCases => new() { "multiclass", "multiclass_ties" };

    public static TheoryData<string> RegressionCases => new() { "regression", "regression_positive", "regression_even" };

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_label_metrics(string name)
    {
        var b = Data.GetProperty(name);
        var yTrue = b.GetProperty("y_true").Labels();
        var yPred = b.GetProperty("y_pred").Labels();
        Close(b, "accuracy", ClassificationMetrics.Accuracy(yTrue, yPred));
        Close(b, "balanced_accuracy", ClassificationMetrics.BalancedAccuracy(yTrue, yPred));
        Close(b, "balanced_accuracy_adjusted", ClassificationMetrics.BalancedAccuracy(yTrue, yPred, adjusted: true));
        Close(b, "mcc", ClassificationMetrics.MatthewsCorrelation(yTrue, yPred));
        Close(b, "kappa", ClassificationMetrics.CohenKappa(yTrue, yPred));
        Close(b, "kappa_linear", ClassificationMetrics.CohenKappa(yTrue, yPred, KappaWeights.Linear));
        Close(b, "kappa_quadratic", ClassificationMetrics.CohenKappa(yTrue, yPred, KappaWeights.Quadratic));
        Close(b, "jaccard", ClassificationMetrics.Jaccard(yTrue, yPred));
        Close(b, "hamming_loss", ClassificationMetrics.HammingLoss(yTrue, yPred));
        Close(b, "fbeta_2_binary", ClassificationMetrics.FBeta(yTrue, yPred, 2.0));
        Close(b, "fbeta_half_macro", ClassificationMetrics.FBeta(yTrue, yPred, 0.5, Average.Macro));
        AssertPerClass(b.GetProperty("per_class"), ClassificationMetrics.PerClass(yTrue, yPred));

        var cm = ClassificationMetrics.Confusion(yTrue, yPred);
        AssertMatrix(b.GetProperty("confusion_matrix").Rows(), ToDouble(cm.Counts));
        AssertMatrix(b.GetProperty("confusion_matrix_true").Rows(), cm.Normalize(ConfusionNormalization.True));
        AssertMatrix(b.GetProperty("confusion_matrix_pred").Rows(), cm.Normalize(ConfusionNormalization.Pred));
        AssertMatrix(b.GetProperty("confusion_matrix_all").Rows(), cm.Normalize(ConfusionNormalization.All));
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_score_metrics_and_curves(string name)
    {
        var b = Data.GetProperty(name);
        var yTrue = b.GetProperty("y_true").Labels();
        double[] score = b.GetProperty("y_score").Doubles();
        bool[] positive = [.. b.GetProperty("y_true").Doubles().Select(v => v == 1)];
        var proba = Matrix.FromRows([.. score.Select(s => new[] { 1 - s, s })]);
        var classes = new NumericColumn("classes", [0, 1]);

        Close(b, "roc_auc", ClassificationMetrics.RocAuc(yTrue, proba, classes));
        Close(b, "average_precision", ClassificationMetrics.AveragePrecision(positive, score));
        Close(b, "average_precision", ClassificationMetrics.AveragePrecision(yTrue, proba, classes));
        Close(b, "brier", ClassificationMetrics.BrierScore(yTrue, proba, classes));
        Close(b, "log_loss", ClassificationMetrics.LogLoss(yTrue, proba, classes));
        Close(b, "top_1", ClassificationMetrics.TopKAccuracy(yTrue, proba, classes, 1));

        var roc = ClassificationMetrics.RocCurve(positive, score);
        var expected = b.GetProperty("roc_curve");
        Fixture.Close(expected.GetProperty("fpr").Doubles(), roc.FalsePositiveRate, Rel, what: "fpr");
        Fixture.Close(expected.GetProperty("tpr").Doubles(), roc.TruePositiveRate, Rel, what: "tpr");
        Fixture.Close(expected.GetProperty("thresholds").Doubles(), roc.Thresholds, Rel, what: "thresholds");

        var all = ClassificationMetrics.RocCurve(yTrue, score, "1", dropIntermediate: false);
        expected = b.GetProperty("roc_curve_all");
        Fixture.Close(expected.GetProperty("fpr").Doubles(), all.FalsePositiveRate, Rel, what: "fpr");
        Fixture.Close(expected.GetProperty("tpr").Doubles(), all.TruePositiveRate, Rel, what: "tpr");
        Fixture.Close(expected.GetProperty("thresholds").Doubles(), all.Thresholds, Rel, what: "thresholds");

        var pr = ClassificationMetrics.PrecisionRecallCurve(positive, score);
        expected = b.GetProperty("pr_curve");
        Fixture.Close(expected.GetProperty("precision").Doubles(), pr.Precision, Rel, what: "precision");
        Fixture.Close(expected.GetProperty("recall").Doubles(), pr.Recall, Rel, what: "recall");
        Fixture.Close(expected.GetProperty("thresholds").Doubles(), pr.Thresholds, Rel, what: "thresholds");
    }

    [Theory]
    [MemberData(nameof(MulticlassCases))]
    public void Multiclass_metrics(string name)
    {
        var m = Data.GetProperty(name);
        var yTrue = m.GetProperty("y_true").Labels();
        var yPred = m.GetProperty("y_pred").Labels();
        var proba = m.GetProperty("proba").ToMatrix();
        var classes = m.GetProperty("labels").Labels("classes");

        Close(m, "accuracy", ClassificationMetrics.Accuracy(yTrue, yPred));
        Close(m, "balanced_accuracy", ClassificationMetrics.BalancedAccuracy(yTrue, yPred));
        Close(m, "balanced_accuracy_adjusted", ClassificationMetrics.BalancedAccuracy(yTrue, yPred, adjusted: true));
        Close(m, "mcc", ClassificationMetrics.MatthewsCorrelation(yTrue, yPred));
        Close(m, "kappa", ClassificationMetrics.CohenKappa(yTrue, yPred));
        Close(m, "kappa_linear", ClassificationMetrics.CohenKappa(yTrue, yPred, KappaWeights.Linear));
        Close(m, "kappa_quadratic", ClassificationMetrics.CohenKappa(yTrue, yPred, KappaWeights.Quadratic));
        Close(m, "hamming_loss", ClassificationMetrics.HammingLoss(yTrue, yPred));
        Close(m, "jaccard_macro", ClassificationMetrics.Jaccard(yTrue, yPred, Average.Macro));
        Close(m, "jaccard_weighted", ClassificationMetrics.Jaccard(yTrue, yPred, Average.Weighted));
        Close(m, "jaccard_micro", ClassificationMetrics.Jaccard(yTrue, yPred, Average.Micro));
        foreach (var (key, average) in new[] { ("macro", Average.Macro), ("weighted", Average.Weighted), ("micro", Average.Micro) })
        {
            var expected = m.GetProperty(key);
            Fixture.Close(expected.GetProperty("precision").GetDouble(), ClassificationMetrics.Precision(yTrue, yPred, average), Rel, what: $"precision {key}");
            Fixture.Close(expected.GetProperty("recall").GetDouble(), ClassificationMetrics.Recall(yTrue, yPred, average), Rel, what: $"recall {key}");
            Fixture.Close(expected.GetProperty("fbeta").GetDouble(), ClassificationMetrics.F1(yTrue, yPred, average), Rel, what: $"f1 {key}");
        }

        Close(m, "fbeta_2_weighted", ClassificationMetrics.FBeta(yTrue, yPred, 2.0, Average.Weighted));
        AssertPerClass(m.GetProperty("per_class"), ClassificationMetrics.PerClass(yTrue, yPred));
        Close(m, "roc_auc_ovr_macro", ClassificationMetrics.RocAuc(yTrue, proba, classes, Average.Macro));
        Close(m, "roc_auc_ovr_weighted", ClassificationMetrics.RocAuc(yTrue, proba, classes, Average.Weighted));
        Close(m, "roc_auc_ovo_macro", ClassificationMetrics.RocAucOneVsOne(yTrue, proba, classes, Average.Macro));
        Close(m, "roc_auc_ovo_weighted", ClassificationMetrics.RocAucOneVsOne(yTrue, proba, classes, Average.Weighted));
        Close(m, "average_precision_ovr_macro", ClassificationMetrics.AveragePrecision(yTrue, proba, classes, Average.Macro));
        Close(m, "average_precision_ovr_weighted", ClassificationMetrics.AveragePrecision(yTrue, proba, classes, Average.Weighted));
        Close(m, "log_loss", ClassificationMetrics.LogLoss(yTrue, proba, classes));
        foreach (var k in m.GetProperty("top_k").EnumerateObject())
        {
            Fixture.Close(k.Value.GetDouble(), ClassificationMetrics.TopKAccuracy(yTrue, proba, classes, int.Parse(k.Name, System.Globalization.CultureInfo.InvariantCulture)), Rel, what: $"top {k.Name}");
        }

        AssertMatrix(m.GetProperty("confusion_matrix").Rows(), ToDouble(ClassificationMetrics.Confusion(yTrue, yPred).Counts));
        Assert.Throws<DataValidationException>(() => ClassificationMetrics.BrierScore(yTrue, proba, classes));
    }

    [Theory]
    [MemberData(nameof(MulticlassCases))]
    public void Classification_report_matches_values_and_text(string name)
    {
        var m = Data.GetProperty(name);
        var yTrue = m.GetProperty("y_true").Labels();
        var yPred = m.GetProperty("y_pred").Labels();
        var report = ClassificationReport.Create(yTrue, yPred, digits: 4);
        var expected = m.GetProperty("report");
        foreach (var row in report.Classes.Append(report.MacroAverage).Append(report.WeightedAverage))
        {
            var e = expected.GetProperty(row.Label);
            Fixture.Close(e.GetProperty("precision").GetDouble(), row.Precision, Rel, what: row.Label);
            Fixture.Close(e.GetProperty("recall").GetDouble(), row.Recall, Rel, what: row.Label);
            Fixture.Close(e.GetProperty("f1-score").GetDouble(), row.FBeta, Rel, what: row.Label);
            Assert.Equal((int)e.GetProperty("support").GetDouble(), row.Support);
        }

        Fixture.Close(expected.GetProperty("accuracy").GetDouble(), report.Accuracy, Rel);
        Assert.Equal(m.GetProperty("report_text").GetString(), report.ToString());
    }

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void Regression_metrics(string name)
    {
        var r = Data.GetProperty(name);
        double[] yTrue = r.GetProperty("y_true").Doubles(), yPred = r.GetProperty("y_pred").Doubles();
        Close(r, "mse", RegressionMetrics.MeanSquaredError(yTrue, yPred));
        Close(r, "rmse", RegressionMetrics.RootMeanSquaredError(yTrue, yPred));
        Close(r, "mae", RegressionMetrics.MeanAbsoluteError(yTrue, yPred));
        Close(r, "median_absolute_error", RegressionMetrics.MedianAbsoluteError(yTrue, yPred));
        Close(r, "mape", RegressionMetrics.MeanAbsolutePercentageError(yTrue, yPred));
        Close(r, "r2", RegressionMetrics.R2(yTrue, yPred));
        Close(r, "explained_variance", RegressionMetrics.ExplainedVariance(yTrue, yPred));
        Close(r, "max_error", RegressionMetrics.MaxError(yTrue, yPred));
        if (r.TryGetProperty("poisson_deviance", out _))
        {
            Close(r, "poisson_deviance", RegressionMetrics.MeanPoissonDeviance(yTrue, yPred));
            Close(r, "gamma_deviance", RegressionMetrics.MeanGammaDeviance(yTrue, yPred));
            Close(r, "msle", RegressionMetrics.MeanSquaredLogError(yTrue, yPred));
        }
        else
        {
            Assert.Throws<DataValidationException>(() => RegressionMetrics.MeanGammaDeviance(yTrue, yPred));
        }
    }

    [Fact]
    public void Constant_targets_follow_scikit_learn()
    {
        var c = Data.GetProperty("constant");
        double[] yTrue = c.GetProperty("y_true").Doubles(), yPred = c.GetProperty("y_pred").Doubles();
        Close(c, "r2", RegressionMetrics.R2(yTrue, yPred));
        Close(c, "explained_variance", RegressionMetrics.ExplainedVariance(yTrue, yPred));
        Close(c, "explained_variance_exact", RegressionMetrics.ExplainedVariance(yTrue, yTrue));
    }

    [Fact]
    public void Scorers_have_scikit_learn_names_and_signs()
    {
        var m = Data.GetProperty("regression");
        var yTrue = new NumericColumn("y", m.GetProperty("y_true").Doubles());
        var yPred = new NumericColumn("p", m.GetProperty("y_pred").Doubles());
        foreach (string name in new[] { "accuracy", "balanced_accuracy", "f1_macro", "roc_auc_ovr", "roc_auc_ovo", "neg_log_loss", "precision_weighted", "matthews_corrcoef", "r2", "neg_mean_squared_error", "neg_root_mean_squared_error", "neg_mean_absolute_percentage_error", "max_error" })
        {
            Assert.Equal(name, Scorers.Get(name).Name);
        }

        Assert.Equal(-1, Scorers.Get("neg_mean_squared_error").Sign);
        Assert.Equal("mean_squared_error", Scorers.Get("neg_mean_squared_error").MetricName);
        var error = Assert.Throws<HyperparameterException>(() => Scorers.Get("mean_squared_error"));
        Assert.Contains("neg_mean_squared_error", error.Message, StringComparison.Ordinal);
        Assert.Throws<HyperparameterException>(() => Scorers.Parse("accuracy", NetLearn.Estimators.ModelTask.Regression));
        Assert.NotNull(yTrue);
        Assert.NotNull(yPred);
    }

    private static void Close(JsonElement e, string key, double actual) => Fixture.Close(e.GetProperty(key).GetDouble(), actual, Rel, what: key);

    private static void AssertPerClass(JsonElement expected, IReadOnlyList<ClassScores> actual)
    {
        Fixture.Close(expected.GetProperty("precision").Doubles(), [.. actual.Select(c => c.Precision)], Rel, what: "precision");
        Fixture.Close(expected.GetProperty("recall").Doubles(), [.. actual.Select(c => c.Recall)], Rel, what: "recall");
        Fixture.Close(expected.GetProperty("fbeta").Doubles(), [.. actual.Select(c => c.FBeta)], Rel, what: "fbeta");
        Assert.Equal(expected.GetProperty("support").Doubles().Select(v => (int)v), actual.Select(c => c.Support));
    }

    private static double[,] ToDouble(int[,] counts)
    {
        var result = new double[counts.GetLength(0), counts.GetLength(1)];
        for (int i = 0; i < counts.GetLength(0); i++)
        {
            for (int j = 0; j < counts.GetLength(1); j++)
            {
                result[i, j] = counts[i, j];
            }
        }

        return result;
    }

    private static void AssertMatrix(double[][] expected, double[,] actual)
    {
        Assert.Equal(expected.Length, actual.GetLength(0));
        for (int i = 0; i < expected.Length; i++)
        {
            for (int j = 0; j < expected[i].Length; j++)
            {
                Fixture.Close(expected[i][j], actual[i, j], Rel, what: $"[{i},{j}]");
            }
        }
    }
}
