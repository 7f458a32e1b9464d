using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.Metrics;

/// <summary>A receiver operating characteristic curve: false and true positive rates at decreasing thresholds.</summary>
/// <param name="FalsePositiveRate">False positive rate at each threshold, increasing from 0 to 1.</param>
/// <param name="TruePositiveRate">True positive rate at each threshold, increasing from 0 to 1.</param>
/// <param name="Thresholds">Decreasing thresholds; the first is the highest score + 1 (scikit-learn 1.2's convention), so no row is predicted positive.</param>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds);

/// <summary>A precision–recall curve (scikit-learn's <c>precision_recall_curve</c>).</summary>
/// <param name="Precision">Precision at each threshold, then a final 1.</param>
/// <param name="Recall">Recall at each threshold (decreasing), then a final 0.</param>
/// <param name="Thresholds">Increasing distinct scores; one fewer than precision and recall.</param>
public sealed record PrecisionRecallCurve(double[] Precision, double[] Recall, double[] Thresholds);

/// <content>Threshold curves and ranking metrics built on them.</content>
public static partial class ClassificationMetrics
{
    /// <summary>The ROC curve of scores against a boolean truth; with <paramref name="dropIntermediate"/>, points on straight segments are dropped.</summary>
    public static RocCurve RocCurve(IReadOnlyList<bool> positive, IReadOnlyList<double> score, bool dropIntermediate = true)
    {
        var (fps, tps, thresholds) = BinaryCounts(positive, score);
        if (dropIntermediate && fps.Length > 2)
        {
            // Keep the end points and every point where the curve changes direction (a non-zero second difference).
            var keep = new List<int> { 0 };
            for (int i = 1; i < fps.Length - 1; i++)
            {
                double d2f = fps[i + 1] - (2 * fps[i]) + fps[i - 1];
                double d2t = tps[i + 1] - (2 * tps[i]) + tps[i - 1];
                if (d2f != 0 || d2t != 0)
                {
                    keep.Add(i);
                }
            }

            keep.Add(fps.Length - 1);
            fps = [.. keep.Select(i => fps[i])];
            tps = [.. keep.Select(i => tps[i])];
            thresholds = [.. keep.Select(i => thresholds[i])];
        }

        double totalF = fps[^1], totalT = tps[^1];
        if (totalF == 0 || totalT == 0)
        {
            throw new DataValidationException("The ROC curve needs both positive and negative rows in the true labels");
        }

        double[] fpr = [0, .. fps.Select(v => v / totalF)];
        double[] tpr = [0, .. tps.Select(v => v / totalT)];
        double[] thr = [thresholds[0] + 1, .. thresholds];
        return new RocCurve(fpr, tpr, thr);
    }

    /// <summary>The ROC curve of one class of a classifier: <paramref name="score"/> is that class's probability.</summary>
    public static RocCurve RocCurve(Column yTrue, IReadOnlyList<double> score, string positiveLabel, bool dropIntermediate = true)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(positiveLabel);
        return RocCurve(Positives(yTrue, positiveLabel), score, dropIntermediate);
    }

    /// <summary>The precision–recall curve of scores against a boolean truth.</summary>
    public static PrecisionRecallCurve PrecisionRecallCurve(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        var (fps, tps, thresholds) = BinaryCounts(positive, score);
        int m = tps.Length;
        double last = tps[^1];
        var precision = new double[m + 1];
        var recall = new double[m + 1];
        var thr = new double[m];
        for (int i = 0; i < m; i++)
        {
            int src = m - 1 - i;
            double predicted = tps[src] + fps[src];
            precision[i] = predicted == 0 ? 0 : tps[src] / predicted;
            recall[i] = last == 0 ? 1 : tps[src] / last;
            thr[i] = thresholds[src];
        }

        precision[m] = 1;
        recall[m] = 0;
        return new PrecisionRecallCurve(precision, recall, thr);
    }

    /// <summary>
    /// Average precision: Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the precision–recall curve's thresholds, not interpolated (scikit-learn's
    /// <c>average_precision_score</c>).
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        var curve = PrecisionRecallCurve(positive, score);
        double sum = 0;
        for (int i = 0; i < curve.Recall.Length - 1; i++)
        {
            sum += (curve.Recall[i + 1] - curve.Recall[i]) * curve.Precision[i];
        }

        return -sum;
    }

    /// <summary>
    /// Average precision of a classifier's probabilities. Two classes: of the second class. More classes: one-vs-rest,
    /// averaged macro or weighted by support (what scikit-learn computes on label-binarized targets).
    /// </summary>
    public static double AveragePrecision(Column yTrue, Matrix proba, Column classes, Average average = Average.Macro)
    {
        ArgumentNullException.ThrowIfNull(proba);
        ArgumentNullException.ThrowIfNull(classes);
        int[] t = ClassLabels.FromClasses(classes).Encode(yTrue);
        CheckRows(yTrue, proba.Rows);
        if (classes.Length == 2)
        {
            return AveragePrecision([.. t.Select(c => c == 1)], proba.Column(1));
        }

        if (average is not (Average.Macro or Average.Weighted))
        {
            throw new ArgumentException("Multiclass average precision supports macro or weighted averaging.", nameof(average));
        }

        double total = 0, weights = 0;
        for (int k = 0; k < classes.Length; k++)
        {
            bool[] isK = [.. t.Select(c => c == k)];
            double w = average == Average.Weighted ? isK.Count(b => b) : 1.0;
            if (w == 0)
            {
                continue;
            }

            total += w * AveragePrecision(isK, proba.Column(k));
            weights += w;
        }

        return total / weights;
    }

    /// <summary>
    /// Cumulative true and false positives at each distinct score, scores taken in decreasing order (scikit-learn's
    /// <c>_binary_clf_curve</c>).
    /// </summary>
    private static (double[] Fps, double[] Tps, double[] Thresholds) BinaryCounts(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(score);
        int n = positive.Count;
        if (n != score.Count || n == 0)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"A threshold curve needs one score per label and at least one row (got {n} labels, {score.Count} scores)"));
        }

        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(score[i]))
            {
                throw new DataValidationException("Scores must be finite numbers", row: i);
            }
        }

        int[] order = [.. Enumerable.Range(0, n).OrderByDescending(i => score[i])];
        var fps = new List<double>();
        var tps = new List<double>();
        var thresholds = new List<double>();
        double tp = 0;
        for (int j = 0; j < n; j++)
        {
            tp += positive[order[j]] ? 1 : 0;
            if (j == n - 1 || score[order[j + 1]] != score[order[j]])
            {
                tps.Add(tp);
                fps.Add(j + 1 - tp);
                thresholds.Add(score[order[j]]);
            }
        }

        return ([.. fps], [.. tps], [.. thresholds]);
    }

    private static bool[] Positives(Column yTrue, string positiveLabel)
    {
        var result = new bool[yTrue.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = yTrue.FormatValue(i) == positiveLabel;
        }

        return result;
    }
}
