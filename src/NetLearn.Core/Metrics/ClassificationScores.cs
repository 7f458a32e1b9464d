using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.Metrics;

/// <summary>The weighting of disagreements in <see cref="ClassificationMetrics.CohenKappa"/>.</summary>
public enum KappaWeights
{
    /// <summary>Every disagreement counts 1.</summary>
    None,

    /// <summary>A disagreement between the i-th and j-th sorted label counts |i − j|.</summary>
    Linear,

    /// <summary>A disagreement counts (i − j)².</summary>
    Quadratic,
}

/// <summary>How <see cref="ConfusionMatrixExtensions.Normalize"/> divides the counts (scikit-learn's <c>normalize</c>).</summary>
public enum ConfusionNormalization
{
    /// <summary>Each row (true label) sums to 1.</summary>
    True,

    /// <summary>Each column (predicted label) sums to 1.</summary>
    Pred,

    /// <summary>The whole matrix sums to 1.</summary>
    All,
}

/// <summary>Precision, recall, F-beta and support of one class.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Precision">tp / (tp + fp), 0 when nothing was predicted as the class.</param>
/// <param name="Recall">tp / (tp + fn), 0 when the class does not occur.</param>
/// <param name="FBeta">The F-beta score, 0 when precision and recall are both 0.</param>
/// <param name="Support">Number of rows whose true label is the class.</param>
public sealed record ClassScores(string Label, double Precision, double Recall, double FBeta, int Support);

/// <summary>Extensions of the confusion matrix.</summary>
public static class ConfusionMatrixExtensions
{
    /// <summary>The counts divided by row sums, column sums or the total (0 where the divisor is 0), as scikit-learn's <c>normalize</c>.</summary>
    public static double[,] Normalize(this ConfusionMatrix matrix, ConfusionNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int k = matrix.Labels.Count;
        var counts = matrix.Counts;
        var result = new double[k, k];
        double total = 0;
        var rowSums = new double[k];
        var columnSums = new double[k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                rowSums[i] += counts[i, j];
                columnSums[j] += counts[i, j];
                total += counts[i, j];
            }
        }

        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                double divisor = normalization switch
                {
                    ConfusionNormalization.True => rowSums[i],
                    ConfusionNormalization.Pred => columnSums[j],
                    _ => total,
                };
                result[i, j] = divisor == 0 ? 0 : counts[i, j] / divisor;
            }
        }

        return result;
    }
}

/// <content>Label-based scores beyond precision and recall: balanced accuracy, MCC, kappa, per-class scores.</content>
public static partial class ClassificationMetrics
{
    /// <summary>
    /// Balanced accuracy: the mean recall over the classes present in the true labels. With <paramref name="adjusted"/>,
    /// rescaled so that chance scores 0 and perfect scores 1 (scikit-learn's <c>balanced_accuracy_score</c>).
    /// </summary>
    public static double BalancedAccuracy(Column yTrue, Column yPred, bool adjusted = false)
    {
        var (t, p, labels) = Encode(yTrue, yPred);
        int k = labels.Count;
        var correct = new double[k];
        var support = new double[k];
        for (int i = 0; i < t.Length; i++)
        {
            support[t[i]]++;
            correct[t[i]] += t[i] == p[i] ? 1 : 0;
        }

        double sum = 0;
        int present = 0;
        for (int c = 0; c < k; c++)
        {
            if (support[c] > 0)
            {
                sum += correct[c] / support[c];
                present++;
            }
        }

        double score = sum / present;
        if (adjusted)
        {
            double chance = 1.0 / present;
            score = (score - chance) / (1 - chance);
        }

        return score;
    }

    /// <summary>
    /// Matthews correlation coefficient, the multiclass form of Gorodkin (2004), "Comparing two K-category assignments by a
    /// K-category correlation coefficient"; 0 when either labelling is constant.
    /// </summary>
    public static double MatthewsCorrelation(Column yTrue, Column yPred)
    {
        var counts = Confusion(yTrue, yPred).Counts;
        int k = counts.GetLength(0);
        var trueSums = new double[k];
        var predSums = new double[k];
        double correct = 0, n = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                trueSums[i] += counts[i, j];
                predSums[j] += counts[i, j];
                n += counts[i, j];
            }

            correct += counts[i, i];
        }

        double tp = 0, pp = 0, tt = 0;
        for (int c = 0; c < k; c++)
        {
            tp += trueSums[c] * predSums[c];
            pp += predSums[c] * predSums[c];
            tt += trueSums[c] * trueSums[c];
        }

        double covTruePred = (correct * n) - tp;
        double covPredPred = (n * n) - pp;
        double covTrueTrue = (n * n) - tt;
        return covPredPred * covTrueTrue == 0 ? 0 : covTruePred / Math.Sqrt(covTrueTrue * covPredPred);
    }

    /// <summary>Cohen's kappa, agreement corrected for chance (Cohen 1960), optionally weighted (Cohen 1968).</summary>
    public static double CohenKappa(Column yTrue, Column yPred, KappaWeights weights = KappaWeights.None)
    {
        var counts = Confusion(yTrue, yPred).Counts;
        int k = counts.GetLength(0);
        var columnSums = new double[k];
        var rowSums = new double[k];
        double n = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                rowSums[i] += counts[i, j];
                columnSums[j] += counts[i, j];
                n += counts[i, j];
            }
        }

        double observed = 0, expected = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                double w = weights switch
                {
                    KappaWeights.Linear => Math.Abs(i - j),
                    KappaWeights.Quadratic => (i - j) * (i - j),
                    _ => i == j ? 0 : 1,
                };
                observed += w * counts[i, j];
                expected += w * columnSums[i] * rowSums[j] / n;
            }
        }

        return 1 - (observed / expected);
    }

    /// <summary>Fraction of rows whose predicted label differs from the true one.</summary>
    public static double HammingLoss(Column yTrue, Column yPred) => 1 - Accuracy(yTrue, yPred);

    /// <summary>
    /// Precision, recall, F-beta and support of every label in the union of true and predicted labels, sorted
    /// (scikit-learn's <c>precision_recall_fscore_support(average=None, zero_division=0)</c>).
    /// </summary>
    public static IReadOnlyList<ClassScores> PerClass(Column yTrue, Column yPred, double beta = 1.0)
    {
        var (t, p, labels) = Encode(yTrue, yPred);
        int k = labels.Count;
        var tp = new double[k];
        var fp = new double[k];
        var fn = new double[k];
        var support = new int[k];
        for (int i = 0; i < t.Length; i++)
        {
            support[t[i]]++;
            if (t[i] == p[i])
            {
                tp[t[i]]++;
            }
            else
            {
                fp[p[i]]++;
                fn[t[i]]++;
            }
        }

        return [.. Enumerable.Range(0, k).Select(c => new ClassScores(
            labels[c],
            One(tp[c], fp[c], fn[c], beta, Kind.Precision),
            One(tp[c], fp[c], fn[c], beta, Kind.Recall),
            One(tp[c], fp[c], fn[c], beta, Kind.FBeta),
            support[c]))];
    }

    /// <summary>
    /// Top-k accuracy: the fraction of rows whose true class is among the <paramref name="k"/> classes with the highest
    /// probability (ties broken towards the later class, as scikit-learn's stable sort does). With two classes and k = 1,
    /// a row is correct when the second class's probability is above 0.5 exactly when it is the true class.
    /// </summary>
    public static double TopKAccuracy(Column yTrue, Matrix proba, Column classes, int k = 2)
    {
        ArgumentNullException.ThrowIfNull(proba);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int[] t = ClassLabels.FromClasses(classes).Encode(yTrue);
        CheckRows(yTrue, proba.Rows);
        int hits = 0;
        if (classes.Length == 2)
        {
            if (k >= 2)
            {
                return 1.0;
            }

            double[] score = proba.Column(1);
            double threshold = score.Min() >= 0 && score.Max() <= 1 ? 0.5 : 0;
            for (int i = 0; i < t.Length; i++)
            {
                hits += (score[i] > threshold ? 1 : 0) == t[i] ? 1 : 0;
            }

            return (double)hits / t.Length;
        }

        for (int i = 0; i < t.Length; i++)
        {
            var row = proba.Row(i);
            double mine = row[t[i]];

            // The rank of the true class: classes with a higher score, or an equal score and a larger index, come first.
            int ahead = 0;
            for (int c = 0; c < row.Length; c++)
            {
                if (row[c] > mine || (row[c] == mine && c > t[i]))
                {
                    ahead++;
                }
            }

            hits += ahead < k ? 1 : 0;
        }

        return (double)hits / t.Length;
    }

    /// <summary>
    /// Brier score of a binary problem: the mean squared difference between the probability of the positive class
    /// (the second of the two <paramref name="classes"/>, column 1 of <paramref name="proba"/>) and the 0/1 outcome.
    /// </summary>
    /// <exception cref="DataValidationException">More than two classes (scikit-learn 1.2 defines the Brier score for binary problems only).</exception>
    public static double BrierScore(Column yTrue, Matrix proba, Column classes)
    {
        ArgumentNullException.ThrowIfNull(proba);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Length != 2)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The Brier score is defined for two classes; the model has {classes.Length}. Use log loss for multiclass problems"), column: yTrue?.Name);
        }

        int[] t = ClassLabels.FromClasses(classes).Encode(yTrue!);
        CheckRows(yTrue!, proba.Rows);
        return BrierScore([.. t.Select(c => c == 1)], proba.Column(1));
    }

    /// <summary>Brier score of positive-class probabilities against a boolean truth.</summary>
    public static double BrierScore(IReadOnlyList<bool> positive, IReadOnlyList<double> probability)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(probability);
        if (positive.Count != probability.Count || positive.Count == 0)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The Brier score needs as many probabilities as labels and at least one row (got {positive.Count} labels, {probability.Count} probabilities)"));
        }

        double sum = 0;
        for (int i = 0; i < positive.Count; i++)
        {
            double d = (positive[i] ? 1.0 : 0.0) - probability[i];
            sum += d * d;
        }

        return sum / positive.Count;
    }

    /// <summary>
    /// Multiclass ROC AUC, one-vs-one (Hand and Till 2001, "A simple generalisation of the area under the ROC curve for
    /// multiple class classification problems"): for each pair of classes, the mean of the two AUCs computed on the rows of
    /// those two classes; pairs averaged uniformly (macro) or by their prevalence (weighted).
    /// </summary>
    public static double RocAucOneVsOne(Column yTrue, Matrix proba, Column classes, Average average = Average.Macro)
    {
        ArgumentNullException.ThrowIfNull(proba);
        ArgumentNullException.ThrowIfNull(classes);
        int[] t = ClassLabels.FromClasses(classes).Encode(yTrue);
        CheckRows(yTrue, proba.Rows);
        if (classes.Length == 2)
        {
            return RocAuc(yTrue, proba, classes);
        }

        if (average is not (Average.Macro or Average.Weighted))
        {
            throw new ArgumentException("One-vs-one ROC AUC supports macro or weighted averaging.", nameof(average));
        }

        double total = 0, weights = 0;
        for (int a = 0; a < classes.Length; a++)
        {
            for (int b = a + 1; b < classes.Length; b++)
            {
                int[] rows = [.. Enumerable.Range(0, t.Length).Where(i => t[i] == a || t[i] == b)];
                bool[] isA = [.. rows.Select(i => t[i] == a)];
                bool[] isB = [.. rows.Select(i => t[i] == b)];
                double aucA = BinaryRocAuc(isA, [.. rows.Select(i => proba[i, a])], yTrue.Name);
                double aucB = BinaryRocAuc(isB, [.. rows.Select(i => proba[i, b])], yTrue.Name);
                double w = average == Average.Weighted ? (double)rows.Length / t.Length : 1.0;
                total += w * (aucA + aucB) / 2;
                weights += w;
            }
        }

        return total / weights;
    }
}
