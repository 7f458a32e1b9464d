using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.Metrics;

/// <summary>How per-class scores are combined (scikit-learn's <c>average</c>).</summary>
public enum Average
{
    /// <summary>Only the positive class (the larger of two sorted labels unless given).</summary>
    Binary,

    /// <summary>Unweighted mean over classes.</summary>
    Macro,

    /// <summary>Mean over classes weighted by their support in the true labels.</summary>
    Weighted,

    /// <summary>Computed from the total true positives, false negatives and false positives.</summary>
    Micro,
}

/// <summary>A confusion matrix: <c>Counts[i, j]</c> is the number of rows of true class <c>Labels[i]</c> predicted as <c>Labels[j]</c>.</summary>
/// <param name="Labels">The labels, sorted.</param>
/// <param name="Counts">The counts.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, int[,] Counts);

/// <summary>Classification metrics with scikit-learn 1.2's definitions (zero division gives 0).</summary>
public static partial class ClassificationMetrics
{
    /// <summary>Fraction of rows predicted correctly.</summary>
    public static double Accuracy(Column yTrue, Column yPred)
    {
        var (t, p, _) = Encode(yTrue, yPred);
        int correct = 0;
        for (int i = 0; i < t.Length; i++)
        {
            correct += t[i] == p[i] ? 1 : 0;
        }

        return (double)correct / t.Length;
    }

    /// <summary>The confusion matrix over the union of true and predicted labels.</summary>
    public static ConfusionMatrix Confusion(Column yTrue, Column yPred)
    {
        var (t, p, labels) = Encode(yTrue, yPred);
        var counts = new int[labels.Count, labels.Count];
        for (int i = 0; i < t.Length; i++)
        {
            counts[t[i], p[i]]++;
        }

        return new ConfusionMatrix(labels, counts);
    }

    /// <summary>Precision: tp / (tp + fp).</summary>
    public static double Precision(Column yTrue, Column yPred, Average average = Average.Binary, string? positiveLabel = null) =>
        Score(yTrue, yPred, average, positiveLabel, 1.0, Kind.Precision);

    /// <summary>Recall: tp / (tp + fn).</summary>
    public static double Recall(Column yTrue, Column yPred, Average average = Average.Binary, string? positiveLabel = null) =>
        Score(yTrue, yPred, average, positiveLabel, 1.0, Kind.Recall);

    /// <summary>F1: the harmonic mean of precision and recall.</summary>
    public static double F1(Column yTrue, Column yPred, Average average = Average.Binary, string? positiveLabel = null) =>
        Score(yTrue, yPred, average, positiveLabel, 1.0, Kind.FBeta);

    /// <summary>F-beta: (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp).</summary>
    public static double FBeta(Column yTrue, Column yPred, double beta, Average average = Average.Binary, string? positiveLabel = null) =>
        Score(yTrue, yPred, average, positiveLabel, beta, Kind.FBeta);

    /// <summary>Jaccard index (intersection over union of predicted and true positives): tp / (tp + fp + fn).</summary>
    public static double Jaccard(Column yTrue, Column yPred, Average average = Average.Binary, string? positiveLabel = null) =>
        Score(yTrue, yPred, average, positiveLabel, 1.0, Kind.Jaccard);

    /// <summary>
    /// Area under the ROC curve. <paramref name="proba"/> has one column per class in <paramref name="classes"/> order
    /// (as <see cref="IClassifier.PredictProba"/> returns). Two classes: the AUC of the second class's score.
    /// More classes: one-vs-rest AUCs averaged (<see cref="Average.Macro"/> or <see cref="Average.Weighted"/>).
    /// </summary>
    public static double RocAuc(Column yTrue, Matrix proba, Column classes, Average average = Average.Macro)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(proba);
        ArgumentNullException.ThrowIfNull(classes);
        int[] t = ClassLabels.FromClasses(classes).Encode(yTrue);
        CheckRows(yTrue, proba.Rows);
        if (classes.Length == 2)
        {
            return BinaryRocAuc(t.Select(c => c == 1).ToArray(), proba.Column(1), yTrue.Name);
        }

        if (average is not (Average.Macro or Average.Weighted))
        {
            throw new ArgumentException("Multiclass ROC AUC supports macro or weighted averaging.", nameof(average));
        }

        double total = 0, weights = 0;
        for (int k = 0; k < classes.Length; k++)
        {
            bool[] positive = [.. t.Select(c => c == k)];
            double support = positive.Count(b => b);
            double w = average == Average.Weighted ? support : 1.0;
            total += w * BinaryRocAuc(positive, proba.Column(k), yTrue.Name);
            weights += w;
        }

        return total / weights;
    }

    /// <summary>Binary ROC AUC of scores against a boolean truth (the Mann–Whitney U statistic with tied ranks averaged).</summary>
    public static double BinaryRocAuc(IReadOnlyList<bool> positive, IReadOnlyList<double> score, string target = "target")
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(score);
        int n = positive.Count;
        int[] order = [.. Enumerable.Range(0, n).OrderBy(i => score[i])];
        double rankSum = 0;
        int nPos = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && score[order[end + 1]] == score[order[start]])
            {
                end++;
            }

            double rank = ((start + end) / 2.0) + 1.0;
            for (int j = start; j <= end; j++)
            {
                if (positive[order[j]])
                {
                    rankSum += rank;
                    nPos++;
                }
            }

            start = end + 1;
        }

        int nNeg = n - nPos;
        if (nPos == 0 || nNeg == 0)
        {
            throw new DataValidationException("ROC AUC is undefined when the true labels contain only one class. Evaluate on data with both classes", column: target);
        }

        return (rankSum - (nPos * (nPos + 1) / 2.0)) / ((double)nPos * nNeg);
    }

    /// <summary>
    /// Mean negative log-likelihood of the true classes under <paramref name="proba"/> (rows are renormalised and clipped
    /// to [ε, 1 − ε] with ε the double machine epsilon, as scikit-learn 1.2 does).
    /// </summary>
    public static double LogLoss(Column yTrue, Matrix proba, Column classes)
    {
        ArgumentNullException.ThrowIfNull(proba);
        int[] t = ClassLabels.FromClasses(classes).Encode(yTrue);
        CheckRows(yTrue, proba.Rows);
        const double eps = 2.220446049250313e-16;
        double total = 0;
        for (int i = 0; i < t.Length; i++)
        {
            var row = proba.Row(i);
            double sum = 0;
            for (int k = 0; k < row.Length; k++)
            {
                sum += Math.Clamp(row[k], eps, 1 - eps);
            }

            total -= Math.Log(Math.Clamp(row[t[i]], eps, 1 - eps) / sum);
        }

        return total / t.Length;
    }

    private enum Kind
    {
        Precision,
        Recall,
        FBeta,
        Jaccard,
    }

    private static double Score(Column yTrue, Column yPred, Average average, string? positiveLabel, double beta, Kind kind)
    {
        var (t, p, labels) = Encode(yTrue, yPred);
        int k = labels.Count;
        var tp = new double[k];
        var fp = new double[k];
        var fn = new double[k];
        var support = new double[k];
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

        switch (average)
        {
            case Average.Binary:
                if (k > 2)
                {
                    throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The labels have {k} classes; binary averaging needs at most two. Use macro, weighted or micro averaging"), column: yTrue.Name);
                }

                int positive = positiveLabel is null ? k - 1 : labels.ToList().IndexOf(positiveLabel);
                if (positive < 0)
                {
                    throw new DataValidationException($"The positive label '{positiveLabel}' is not among the labels ({string.Join(", ", labels)})", column: yTrue.Name);
                }

                return One(tp[positive], fp[positive], fn[positive], beta, kind);
            case Average.Micro:
                return One(tp.Sum(), fp.Sum(), fn.Sum(), beta, kind);
            default:
                double total = 0, weightSum = 0;
                for (int c = 0; c < k; c++)
                {
                    double w = average == Average.Weighted ? support[c] : 1.0;
                    total += w * One(tp[c], fp[c], fn[c], beta, kind);
                    weightSum += w;
                }

                return weightSum == 0 ? 0 : total / weightSum;
        }
    }

    private static double One(double tp, double fp, double fn, double beta, Kind kind)
    {
        double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : tp / (tp + fn);
        if (kind == Kind.Precision)
        {
            return precision;
        }

        if (kind == Kind.Recall)
        {
            return recall;
        }

        if (kind == Kind.Jaccard)
        {
            return tp + fp + fn == 0 ? 0 : tp / (tp + fp + fn);
        }

        double b2 = beta * beta;
        double denominator = ((1 + b2) * tp) + (b2 * fn) + fp;
        return denominator == 0 ? 0 : (1 + b2) * tp / denominator;
    }

    /// <summary>Encodes true and predicted labels over their sorted union.</summary>
    internal static (int[] True, int[] Pred, IReadOnlyList<string> Labels) Encode(Column yTrue, Column yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        CheckRows(yTrue, yPred.Length);
        if (yTrue.Length == 0)
        {
            throw new DataValidationException("There are no rows to score", column: yTrue.Name);
        }

        Column union = yTrue is NumericColumn a && yPred is NumericColumn b
            ? new NumericColumn("labels", [.. a.Values, .. b.Values])
            : new TextColumn("labels", [.. Enumerable.Range(0, yTrue.Length).Select(yTrue.FormatValue), .. Enumerable.Range(0, yPred.Length).Select(yPred.FormatValue)]);
        var labels = ClassLabels.FromTarget(union);
        return (labels.Encode(yTrue), labels.Encode(yPred), [.. Enumerable.Range(0, labels.Count).Select(i => labels.Classes.FormatValue(i)!)]);
    }

    private static void CheckRows(Column yTrue, int rows)
    {
        if (yTrue.Length != rows)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The true labels have {yTrue.Length} rows but the predictions have {rows}"), column: yTrue.Name);
        }
    }
}
