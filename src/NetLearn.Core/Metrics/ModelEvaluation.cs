using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.Metrics;

/// <summary>The standard metric set of a fitted model on labelled data (what <c>netlearn train</c> and <c>evaluate</c> report).</summary>
public static class ModelEvaluation
{
    /// <summary>
    /// Classification: accuracy, precision/recall/F1 (macro; binary for two classes; F1 weighted), ROC AUC (binary, or
    /// one-vs-rest macro) and log loss — the last two only when every true label is a class the model knows and the data
    /// hold at least two classes. Regression: R², MSE, RMSE and MAE.
    /// </summary>
    public static SortedDictionary<string, double> Evaluate(IPredictor model, Table features, Column target)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        var predictions = model.Predict(features);
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (model is not IClassifier classifier)
        {
            metrics["r2"] = RegressionMetrics.R2(target, predictions);
            metrics["mse"] = RegressionMetrics.MeanSquaredError(target, predictions);
            metrics["rmse"] = RegressionMetrics.RootMeanSquaredError(target, predictions);
            metrics["mae"] = RegressionMetrics.MeanAbsoluteError(target, predictions);
            return metrics;
        }

        metrics["accuracy"] = ClassificationMetrics.Accuracy(target, predictions);
        metrics["precision_macro"] = ClassificationMetrics.Precision(target, predictions, Average.Macro);
        metrics["recall_macro"] = ClassificationMetrics.Recall(target, predictions, Average.Macro);
        metrics["f1_macro"] = ClassificationMetrics.F1(target, predictions, Average.Macro);
        metrics["f1_weighted"] = ClassificationMetrics.F1(target, predictions, Average.Weighted);
        var labels = ClassLabels.FromClasses(classifier.Classes);
        bool known = Enumerable.Range(0, target.Length).All(i => target.FormatValue(i) is { } label && labels.IndexOf(label) >= 0);
        string? positive = classifier.Classes.Length == 2 ? classifier.Classes.FormatValue(1) : null;
        if (positive is not null && known && Enumerable.Range(0, target.Length).Any(i => target.FormatValue(i) == positive || predictions.FormatValue(i) == positive))
        {
            metrics["precision"] = ClassificationMetrics.Precision(target, predictions, Average.Binary, positive);
            metrics["recall"] = ClassificationMetrics.Recall(target, predictions, Average.Binary, positive);
            metrics["f1"] = ClassificationMetrics.F1(target, predictions, Average.Binary, positive);
        }

        if (known && classifier.SupportsProbabilities())
        {
            var proba = classifier.PredictProba(features);
            metrics["log_loss"] = ClassificationMetrics.LogLoss(target, proba, classifier.Classes);
            int present = Enumerable.Range(0, target.Length).Select(target.FormatValue).Distinct(StringComparer.Ordinal).Count();
            if (present == classifier.Classes.Length)
            {
                metrics["roc_auc"] = ClassificationMetrics.RocAuc(target, proba, classifier.Classes);
            }
        }

        return metrics;
    }
}
