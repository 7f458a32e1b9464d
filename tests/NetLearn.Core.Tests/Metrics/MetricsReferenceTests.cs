using System.Text.Json;
using NetLearn.Data;
using NetLearn.LinearAlgebra;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Metrics;

/// <summary>Metrics against scikit-learn 1.2 (fixture: metrics.json), to 1e-9.</summary>
public class MetricsReferenceTests
{
    private static readonly JsonElement Data = Fixture.Load("metrics.json");

    [Fact]
    public void BinaryClassification()
    {
        var b = Data.GetProperty("binary");
        var yTrue = b.GetProperty("y_true").Labels();
        var yPred = b.GetProperty("y_pred").Labels();
        Fixture.Close(b.GetProperty("accuracy").GetDouble(), ClassificationMetrics.Accuracy(yTrue, yPred), rel: 1e-9);
        foreach (var (key, average) in new[] { ("binary", Average.Binary), ("macro", Average.Macro), ("weighted", Average.Weighted), ("micro", Average.Micro) })
        {
            var expected = b.GetProperty(key);
            Fixture.Close(expected.GetProperty("precision").GetDouble(), ClassificationMetrics.Precision(yTrue, yPred, average), rel: 1e-9, what: $"precision {key}");
            Fixture.Close(expected.GetProperty("recall").GetDouble(), ClassificationMetrics.Recall(yTrue, yPred, average), rel: 1e-9, what: $"recall {key}");
            Fixture.Close(expected.GetProperty("f1").GetDouble(), ClassificationMetrics.F1(yTrue, yPred, average), rel: 1e-9, what: $"f1 {key}");
        }

        double[] score = b.GetProperty("y_score").Doubles();
        var proba = Matrix.FromRows([.. score.Select(s => new[] { 1 - s, s })]);
        var classes = new NumericColumn("classes", [0, 1]);
        Fixture.Close(b.GetProperty("roc_auc").GetDouble(), ClassificationMetrics.RocAuc(yTrue, proba, classes), rel: 1e-9, what: "roc_auc");
        Fixture.Close(b.GetProperty("log_loss").GetDouble(), ClassificationMetrics.LogLoss(yTrue, proba, classes), rel: 1e-9, what: "log_loss");
        AssertConfusion(b.GetProperty("confusion_matrix"), ClassificationMetrics.Confusion(yTrue, yPred));
    }

    [Fact]
    public void MulticlassClassification()
    {
        var m = Data.GetProperty("multiclass");
        var yTrue = m.GetProperty("y_true").Labels();
        var yPred = m.GetProperty("y_pred").Labels();
        var proba = m.GetProperty("proba").ToMatrix();
        var classes = m.GetProperty("labels").Labels("classes");
        Fixture.Close(m.GetProperty("accuracy").GetDouble(), ClassificationMetrics.Accuracy(yTrue, yPred), rel: 1e-9);
        foreach (var (key, average) in new[] { ("macro", Average.Macro), ("weighted", Average.Weighted), ("micro", Average.Micro) })
        {
            var expected = m.GetProperty(key);
            Fixture.Close(expected.GetProperty("precision").GetDouble(), ClassificationMetrics.Precision(yTrue, yPred, average), rel: 1e-9, what: $"precision {key}");
            Fixture.Close(expected.GetProperty("recall").GetDouble(), ClassificationMetrics.Recall(yTrue, yPred, average), rel: 1e-9, what: $"recall {key}");
            Fixture.Close(expected.GetProperty("f1").GetDouble(), ClassificationMetrics.F1(yTrue, yPred, average), rel: 1e-9, what: $"f1 {key}");
        }

        Fixture.Close(m.GetProperty("roc_auc_ovr_macro").GetDouble(), ClassificationMetrics.RocAuc(yTrue, proba, classes, Average.Macro), rel: 1e-9, what: "auc macro");
        Fixture.Close(m.GetProperty("roc_auc_ovr_weighted").GetDouble(), ClassificationMetrics.RocAuc(yTrue, proba, classes, Average.Weighted), rel: 1e-9, what: "auc weighted");
        Fixture.Close(m.GetProperty("log_loss").GetDouble(), ClassificationMetrics.LogLoss(yTrue, proba, classes), rel: 1e-9, what: "log_loss");
        AssertConfusion(m.GetProperty("confusion_matrix"), ClassificationMetrics.Confusion(yTrue, yPred));
        Assert.Throws<DataValidationException>(() => ClassificationMetrics.F1(yTrue, yPred, Average.Binary));
    }

    [Fact]
    public void Regression()
    {
        var r = Data.GetProperty("regression");
        double[] yTrue = r.GetProperty("y_true").Doubles(), yPred = r.GetProperty("y_pred").Doubles();
        Fixture.Close(r.GetProperty("mse").GetDouble(), RegressionMetrics.MeanSquaredError(yTrue, yPred), rel: 1e-9);
        Fixture.Close(r.GetProperty("rmse").GetDouble(), RegressionMetrics.RootMeanSquaredError(yTrue, yPred), rel: 1e-9);
        Fixture.Close(r.GetProperty("mae").GetDouble(), RegressionMetrics.MeanAbsoluteError(yTrue, yPred), rel: 1e-9);
        Fixture.Close(r.GetProperty("r2").GetDouble(), RegressionMetrics.R2(yTrue, yPred), rel: 1e-9);
    }

    [Fact]
    public void MismatchedLengthsAndEmptyInputAreClearErrors()
    {
        var e = Assert.Throws<DataValidationException>(() => RegressionMetrics.MeanSquaredError([1.0, 2.0], [1.0]));
        Assert.Contains("2 rows", e.Message, StringComparison.Ordinal);
        Assert.Throws<DataValidationException>(() => RegressionMetrics.R2(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty));
        var single = new NumericColumn("y", [1, 1, 1]);
        Assert.Throws<DataValidationException>(() => ClassificationMetrics.BinaryRocAuc([true, true, true], [0.1, 0.2, 0.3]));
        Assert.Equal(1.0, ClassificationMetrics.Accuracy(single, single));
    }

    private static void AssertConfusion(JsonElement expected, ConfusionMatrix actual)
    {
        var rows = expected.Rows();
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rows[i].Length; j++)
            {
                Assert.Equal((int)rows[i][j], actual.Counts[i, j]);
            }
        }
    }
}
