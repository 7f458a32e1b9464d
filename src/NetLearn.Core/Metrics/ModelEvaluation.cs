using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.Metrics;

/// <summary>The standard metric set of a fitted model on labelled data (what <c>netlearn train</c> and <c>evaluate</c> report).</summary>
public static class ModelEvaluation
{
    /// <summary>
    /// Classification: accuracy, balanced accuracy, precision/recall/F1 (macro; binary for two classes; F1 weighted),
    /// Matthews correlation (<c>mcc</c>), ROC AUC (<c>roc_auc</c> for two classes, ranked by the decision function where
    /// the model has one; one-vs-rest macro <c>roc_auc_ovr</c> for more) and log loss — the last two only when every
    /// true label is a class the model knows (ROC AUC also only when the data hold every class). Regression: R², MSE, RMSE, MAE, median absolute error, MAPE, explained variance and max error.
    /// Names are scikit-learn's scorer names without the <c>neg_</c> prefix.
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
            metrics["median_absolute_error"] = RegressionMetrics.MedianAbsoluteError(target, predictions);
            metrics["mape"] = RegressionMetrics.MeanAbsolutePercentageError(target, predictions);
            metrics["explained_variance"] = RegressionMetrics.ExplainedVariance(target, predictions);
            metrics["max_error"] = RegressionMetrics.MaxError(target, predictions);
            return metrics;
        }

        metrics["accuracy"] = ClassificationMetrics.Accuracy(target, predictions);
        metrics["balanced_accuracy"] = ClassificationMetrics.BalancedAccuracy(target, predictions);
        metrics["mcc"] = ClassificationMetrics.MatthewsCorrelation(target, predictions);
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

        if (!known)
        {
            return metrics;
        }

        bool allClasses = Enumerable.Range(0, target.Length).Select(target.FormatValue).Distinct(StringComparer.Ordinal).Count() == classifier.Classes.Length;
        if (classifier.SupportsProbabilities())
        {
            var proba = classifier.PredictProba(features);
            metrics["log_loss"] = ClassificationMetrics.LogLoss(target, proba, classifier.Classes);
            if (allClasses && classifier.Classes.Length > 2)
            {
                metrics["roc_auc_ovr"] = ClassificationMetrics.RocAuc(target, proba, classifier.Classes);
            }
        }

        // Binary ROC AUC ranks by the decision function where there is one (scikit-learn's roc_auc scorer), so models
        // without probabilities (LinearSVC, SVC) report it too.
        if (allClasses && classifier.Classes.Length == 2 && (classifier.SupportsProbabilities() || DecisionScores.Of(classifier) is not null))
        {
            metrics["roc_auc"] = Scorers.Get("roc_auc").Score(classifier, features, target);
        }

        return metrics;
    }
}
