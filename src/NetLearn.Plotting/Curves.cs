namespace NetLearn.Plotting;

/// <summary>A ROC curve: false and true positive rates at each distinct score threshold (highest first), and its area.</summary>
/// <param name="FalsePositiveRate">FPR per threshold, starting at 0.</param>
/// <param name="TruePositiveRate">TPR per threshold, starting at 0.</param>
/// <param name="Thresholds">The score thresholds; the first is +∞ (nothing predicted positive).</param>
/// <param name="Auc">The area under the curve (trapezoidal rule).</param>
internal sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds, double Auc);

/// <summary>A precision–recall curve in scikit-learn's order (recall decreasing, ending at recall 0, precision 1) and average precision.</summary>
/// <param name="Precision">Precision per threshold.</param>
/// <param name="Recall">Recall per threshold.</param>
/// <param name="Thresholds">The score thresholds, increasing (one fewer than the points).</param>
/// <param name="AveragePrecision">Σ (Rₙ − Rₙ₋₁) Pₙ, as scikit-learn's <c>average_precision_score</c>.</param>
internal sealed record PrecisionRecallCurve(double[] Precision, double[] Recall, double[] Thresholds, double AveragePrecision);

/// <summary>A reliability curve: per non-empty probability bin, the mean predicted probability and the observed fraction of positives.</summary>
/// <param name="MeanPredicted">Mean predicted probability per bin.</param>
/// <param name="FractionPositive">Observed fraction of positives per bin.</param>
/// <param name="Counts">Rows per bin.</param>
internal sealed record CalibrationCurve(double[] MeanPredicted, double[] FractionPositive, int[] Counts);

/// <summary>
/// The curves behind the model plots, computed with scikit-learn 1.2's definitions (<c>roc_curve</c> with
/// <c>drop_intermediate=False</c>, <c>precision_recall_curve</c>, <c>calibration_curve</c> with uniform bins,
/// <c>silhouette_samples</c>) and checked against it in the tests.
/// </summary>
internal static class Curves
{
    /// <summary>The ROC curve of scores for a binary problem.</summary>
    /// <exception cref="DataValidationException">Lengths differ, a score is not finite, or one class is absent.</exception>
    public static RocCurve Roc(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        var (fps, tps, thresholds) = BinaryCurve(positive, score);
        double p = tps[^1], n = fps[^1];
        if (p == 0 || n == 0)
        {
            throw new DataValidationException("A ROC curve needs both positive and negative rows; the labels have only one class");
        }

        var fpr = new double[fps.Length + 1];
        var tpr = new double[tps.Length + 1];
        var thr = new double[thresholds.Length + 1];
        thr[0] = double.PositiveInfinity;
        for (int i = 0; i < fps.Length; i++)
        {
            fpr[i + 1] = fps[i] / n;
            tpr[i + 1] = tps[i] / p;
            thr[i + 1] = thresholds[i];
        }

        double auc = 0;
        for (int i = 1; i < fpr.Length; i++)
        {
            auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }

        return new RocCurve(fpr, tpr, thr, auc);
    }

    /// <summary>The precision–recall curve of scores for a binary problem.</summary>
    public static PrecisionRecallCurve PrecisionRecall(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        var (fps, tps, thresholds) = BinaryCurve(positive, score);
        double p = tps[^1];
        if (p == 0)
        {
            throw new DataValidationException("A precision-recall curve needs positive rows; the labels have none");
        }

        int k = tps.Length;
        var precision = new double[k + 1];
        var recall = new double[k + 1];
        var thr = new double[k];
        for (int i = 0; i < k; i++)
        {
            int j = k - 1 - i; // reversed: recall decreasing
            double predicted = tps[j] + fps[j];
            precision[i] = predicted == 0 ? 0 : tps[j] / predicted;
            recall[i] = tps[j] / p;
            thr[i] = thresholds[j];
        }

        precision[k] = 1;
        recall[k] = 0;
        double ap = 0;
        for (int i = 0; i < k; i++)
        {
            ap += (recall[i] - recall[i + 1]) * precision[i];
        }

        return new PrecisionRecallCurve(precision, recall, thr, ap);
    }

    /// <summary>The calibration (reliability) curve with <paramref name="bins"/> equal-width probability bins.</summary>
    /// <exception cref="DataValidationException">A probability is outside [0, 1].</exception>
    public static CalibrationCurve Calibration(IReadOnlyList<bool> positive, IReadOnlyList<double> probability, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(probability);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        CheckLengths(positive.Count, probability.Count);
        var sumProb = new double[bins];
        var sumTrue = new double[bins];
        var counts = new int[bins];
        for (int i = 0; i < probability.Count; i++)
        {
            double v = probability[i];
            if (!(v >= 0 && v <= 1))
            {
                throw new DataValidationException(FormattableString.Invariant($"Probabilities must lie in [0, 1]; row {i + 1} has {v}"));
            }

            // np.searchsorted(inner_edges, v, side="left"): the number of inner edges strictly below v.
            int bin = 0;
            while (bin < bins - 1 && (double)(bin + 1) / bins < v)
            {
                bin++;
            }

            sumProb[bin] += v;
            sumTrue[bin] += positive[i] ? 1 : 0;
            counts[bin]++;
        }

        var nonEmpty = Enumerable.Range(0, bins).Where(b => counts[b] > 0).ToArray();
        return new CalibrationCurve(
            [.. nonEmpty.Select(b => sumProb[b] / counts[b])],
            [.. nonEmpty.Select(b => sumTrue[b] / counts[b])],
            [.. nonEmpty.Select(b => counts[b])]);
    }

    /// <summary>
    /// The silhouette value of each row (Rousseeuw 1987) with Euclidean distances: (b − a) / max(a, b), where a is the
    /// mean distance to the row's own cluster and b the smallest mean distance to another cluster; 0 for singleton clusters.
    /// </summary>
    /// <exception cref="DataValidationException">Fewer than two clusters, or lengths differ.</exception>
    public static double[] Silhouette(IReadOnlyList<double[]> points, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        CheckLengths(points.Count, labels.Count);
        int[] clusters = [.. labels.Distinct().Order()];
        if (clusters.Length < 2 || clusters.Length >= points.Count)
        {
            throw new DataValidationException(FormattableString.Invariant($"Silhouette values need 2 to n-1 clusters; the labels have {clusters.Length} for {points.Count} rows"));
        }

        var index = clusters.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i);
        var sizes = new int[clusters.Length];
        foreach (int l in labels)
        {
            sizes[index[l]]++;
        }

        var values = new double[points.Count];
        var sums = new double[clusters.Length];
        for (int i = 0; i < points.Count; i++)
        {
            Array.Clear(sums);
            for (int j = 0; j < points.Count; j++)
            {
                if (i != j)
                {
                    double d = 0;
                    for (int f = 0; f < points[i].Length; f++)
                    {
                        double diff = points[i][f] - points[j][f];
                        d += diff * diff;
                    }

                    sums[index[labels[j]]] += Math.Sqrt(d);
                }
            }

            int own = index[labels[i]];
            if (sizes[own] == 1)
            {
                values[i] = 0;
                continue;
            }

            double a = sums[own] / (sizes[own] - 1);
            double b = double.PositiveInfinity;
            for (int c = 0; c < clusters.Length; c++)
            {
                if (c != own)
                {
                    b = Math.Min(b, sums[c] / sizes[c]);
                }
            }

            double max = Math.Max(a, b);
            values[i] = max > 0 ? (b - a) / max : 0;
        }

        return values;
    }

    /// <summary>Cumulative false and true positives at each distinct score, highest score first (scikit-learn's <c>_binary_clf_curve</c>).</summary>
    private static (double[] Fps, double[] Tps, double[] Thresholds) BinaryCurve(IReadOnlyList<bool> positive, IReadOnlyList<double> score)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(score);
        CheckLengths(positive.Count, score.Count);
        if (score.Count == 0)
        {
            throw new DataValidationException("There are no rows to draw a curve from");
        }

        for (int i = 0; i < score.Count; i++)
        {
            if (!double.IsFinite(score[i]))
            {
                throw new DataValidationException(FormattableString.Invariant($"Scores must be finite numbers; row {i + 1} has {score[i]}"));
            }
        }

        int[] order = [.. Enumerable.Range(0, score.Count).OrderByDescending(i => score[i])];
        var fps = new List<double>();
        var tps = new List<double>();
        var thresholds = new List<double>();
        double tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            if (positive[i])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (k == order.Length - 1 || score[order[k + 1]] != score[i])
            {
                fps.Add(fp);
                tps.Add(tp);
                thresholds.Add(score[i]);
            }
        }

        return ([.. fps], [.. tps], [.. thresholds]);
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new DataValidationException(FormattableString.Invariant($"The labels ({a}) and the scores ({b}) differ in length: give one score per row"));
        }
    }
}
