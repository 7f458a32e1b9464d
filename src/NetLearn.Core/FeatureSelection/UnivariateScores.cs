using MathNet.Numerics;
using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.FeatureSelection;

/// <summary>Per-feature scores (and p-values where defined) for univariate feature selection.</summary>
/// <param name="Scores">One score per feature; higher is more informative.</param>
/// <param name="PValues">One p-value per feature, or <c>null</c> (mutual information has none).</param>
public sealed record FeatureScores(double[] Scores, double[]? PValues);

/// <summary>
/// The univariate statistics of scikit-learn's <c>feature_selection</c> module: ANOVA F (<c>f_classif</c>), the
/// regression F test (<c>f_regression</c>), χ² (<c>chi2</c>) and k-nearest-neighbour mutual information
/// (<c>mutual_info_classif</c>/<c>mutual_info_regression</c>).
/// </summary>
public static class UnivariateScores
{
    /// <summary>One-way ANOVA F statistic of each feature across the classes of <paramref name="y"/>, with its p-value.</summary>
    public static FeatureScores FClassif(double[][] columns, Column y)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int[] classes = ClassLabels.FromTarget(y).Encode(y);
        int k = classes.Max() + 1, n = classes.Length;
        var counts = new int[k];
        foreach (int c in classes)
        {
            counts[c]++;
        }

        var scores = new double[columns.Length];
        var p = new double[columns.Length];
        for (int j = 0; j < columns.Length; j++)
        {
            var x = columns[j];
            double ssAll = 0;
            var sums = new double[k];
            for (int i = 0; i < n; i++)
            {
                ssAll += x[i] * x[i];
                sums[classes[i]] += x[i];
            }

            double total = sums.Sum();
            double squareOfSums = total * total;
            double sstot = ssAll - (squareOfSums / n);
            double ssbn = 0;
            for (int c = 0; c < k; c++)
            {
                ssbn += sums[c] * sums[c] / counts[c];
            }

            ssbn -= squareOfSums / n;
            double sswn = sstot - ssbn;
            int dfbn = k - 1, dfwn = n - k;
            double f = ssbn / dfbn / (sswn / dfwn);
            scores[j] = f;
            p[j] = FSurvival(f, dfbn, dfwn);
        }

        return new FeatureScores(scores, p);
    }

    /// <summary>
    /// The F statistic of a univariate linear regression of <paramref name="y"/> on each feature (centred), with its
    /// p-value; a perfect correlation gives the largest finite double and p = 0, a constant feature F = 0 and p = 1
    /// (scikit-learn's <c>force_finite</c>).
    /// </summary>
    public static FeatureScores FRegression(double[][] columns, double[] y)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(y);
        int n = y.Length;
        double yMean = y.Average();
        double yNorm = Math.Sqrt(y.Sum(v => (v - yMean) * (v - yMean)));
        var scores = new double[columns.Length];
        var p = new double[columns.Length];
        int dof = n - 2;
        for (int j = 0; j < columns.Length; j++)
        {
            var x = columns[j];
            double xMean = x.Average(), dot = 0, xx = 0;
            for (int i = 0; i < n; i++)
            {
                double d = x[i] - xMean;
                dot += d * (y[i] - yMean);
                xx += d * d;
            }

            double r = dot / (Math.Sqrt(xx) * yNorm);
            double r2 = r * r;
            double f = r2 / (1 - r2) * dof;
            if (double.IsNaN(f))
            {
                scores[j] = 0;
                p[j] = 1;
            }
            else if (double.IsInfinity(f))
            {
                scores[j] = double.MaxValue;
                p[j] = 0;
            }
            else
            {
                scores[j] = f;
                p[j] = FSurvival(f, 1, dof);
            }
        }

        return new FeatureScores(scores, p);
    }

    /// <summary>χ² statistic between each non-negative feature (counts, frequencies, indicators) and the class, with its p-value.</summary>
    /// <exception cref="DataValidationException">A feature has a negative value.</exception>
    public static FeatureScores Chi2(double[][] columns, Column y, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(names);
        int[] classes = ClassLabels.FromTarget(y).Encode(y);
        int k = classes.Max() + 1, n = classes.Length;
        var classCount = new double[k];
        foreach (int c in classes)
        {
            classCount[c]++;
        }

        var scores = new double[columns.Length];
        var p = new double[columns.Length];
        for (int j = 0; j < columns.Length; j++)
        {
            var observed = new double[k];
            double featureCount = 0;
            for (int i = 0; i < n; i++)
            {
                if (columns[j][i] < 0)
                {
                    throw new DataValidationException("chi2 needs non-negative features (counts or frequencies). Use f_classif or mutual_info_classif, or scale with MinMaxScaler", column: names[j], row: i);
                }

                observed[classes[i]] += columns[j][i];
                featureCount += columns[j][i];
            }

            double chi2 = 0;
            for (int c = 0; c < k; c++)
            {
                double expected = classCount[c] / n * featureCount;
                chi2 += (observed[c] - expected) * (observed[c] - expected) / expected;
            }

            scores[j] = chi2;
            p[j] = SpecialFunctions.GammaUpperRegularized((k - 1) / 2.0, chi2 / 2.0);
        }

        return new FeatureScores(scores, p);
    }

    /// <summary>The survival function of the F distribution, P(F(d1, d2) &gt; f), via the regularized incomplete beta function.</summary>
    internal static double FSurvival(double f, double d1, double d2) =>
        double.IsNaN(f) ? double.NaN : f <= 0 ? 1.0 : SpecialFunctions.BetaRegularized(d2 / 2.0, d1 / 2.0, d2 / (d2 + (d1 * f)));
}
