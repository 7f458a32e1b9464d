using System.Globalization;

namespace NetLearn.Calibration;

/// <summary>Maps a classifier's score for one class to a calibrated probability.</summary>
public interface ICalibrator
{
    /// <summary>The calibrated probability of a score.</summary>
    double Calibrate(double score);
}

/// <summary>
/// Platt scaling: p = 1 / (1 + exp(A·f + B)), fitted by maximum likelihood against Platt's smoothed targets
/// (Platt 1999, "Probabilistic outputs for support vector machines"), solved with Newton's method and a backtracking line
/// search (Lin, Lin and Weng 2007, "A note on Platt's probabilistic outputs for support vector machines").
/// </summary>
/// <param name="A">Slope (negative when larger scores mean more likely positive).</param>
/// <param name="B">Offset.</param>
public sealed record SigmoidCalibrator(double A, double B) : ICalibrator
{
    /// <inheritdoc />
    public double Calibrate(double score)
    {
        double z = (A * score) + B;
        return z >= 0 ? Math.Exp(-z) / (1 + Math.Exp(-z)) : 1 / (1 + Math.Exp(z));
    }

    /// <summary>Fits A and B to scores and outcomes (scikit-learn's <c>_sigmoid_calibration</c> objective, solved to the exact optimum).</summary>
    public static SigmoidCalibrator Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        int n = scores.Count;
        if (n != positive.Count || n == 0)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Sigmoid calibration needs one outcome per score and at least one row (got {n} scores, {positive.Count} outcomes)"));
        }

        double prior1 = positive.Count(p => p);
        double prior0 = n - prior1;
        double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = positive[i] ? hi : lo;
        }

        double a = 0, b = Math.Log((prior0 + 1) / (prior1 + 1));
        double loss = Loss(scores, t, a, b);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (int i = 0; i < n; i++)
            {
                double p = 1 / (1 + Math.Exp((a * scores[i]) + b));
                double d = t[i] - p;
                double w = p * (1 - p);
                ga += d * scores[i];
                gb += d;
                haa += w * scores[i] * scores[i];
                hab += w * scores[i];
                hbb += w;
            }

            if (Math.Abs(ga) + Math.Abs(gb) < 1e-13 * n)
            {
                break;
            }

            double det = (haa * hbb) - (hab * hab);
            double da = -((hbb * ga) - (hab * gb)) / det;
            double db = -((haa * gb) - (hab * ga)) / det;
            double step = 1;
            double next = Loss(scores, t, a + (step * da), b + (step * db));
            while (next > loss + (1e-4 * step * ((ga * da) + (gb * db))) && step > 1e-10)
            {
                step /= 2;
                next = Loss(scores, t, a + (step * da), b + (step * db));
            }

            if (step <= 1e-10)
            {
                break;
            }

            a += step * da;
            b += step * db;
            loss = next;
        }

        return new SigmoidCalibrator(a, b);
    }

    private static double Loss(IReadOnlyList<double> f, double[] t, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double z = (a * f[i]) + b;

            // log P = −log(1 + e^z), log(1 − P) = z − log(1 + e^z), computed stably.
            double softplus = z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
            sum += (t[i] * softplus) + ((1 - t[i]) * (softplus - z));
        }

        return sum;
    }
}

/// <summary>
/// Isotonic calibration: a non-decreasing step-linear map fitted by the pool-adjacent-violators algorithm (Ayer et al.
/// 1955; Zadrozny and Elkan 2002, "Transforming classifier scores into accurate multiclass probability estimates"),
/// predictions interpolated linearly between thresholds and clipped outside them (scikit-learn's
/// <c>IsotonicRegression(out_of_bounds="clip")</c>).
/// </summary>
public sealed class IsotonicCalibrator : ICalibrator
{
    /// <summary>Creates a calibrator from its thresholds.</summary>
    public IsotonicCalibrator(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length || x.Length == 0)
        {
            throw new ArgumentException("The thresholds need as many x as y values, at least one.", nameof(y));
        }

        X = x;
        Y = y;
    }

    /// <summary>Increasing score thresholds.</summary>
    public double[] X { get; }

    /// <summary>Non-decreasing fitted values at the thresholds.</summary>
    public double[] Y { get; }

    /// <inheritdoc />
    public double Calibrate(double score)
    {
        if (score <= X[0])
        {
            return Y[0];
        }

        if (score >= X[^1])
        {
            return Y[^1];
        }

        int hi = Array.BinarySearch(X, score);
        if (hi >= 0)
        {
            return Y[hi];
        }

        hi = ~hi;
        int lo = hi - 1;
        double slope = (Y[hi] - Y[lo]) / (X[hi] - X[lo]);
        return Y[lo] + (slope * (score - X[lo]));
    }

    /// <summary>Fits a non-decreasing map from <paramref name="x"/> to <paramref name="y"/> with optional weights, clipped to [yMin, yMax].</summary>
    public static IsotonicCalibrator Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<double>? weights = null, double yMin = double.NegativeInfinity, double yMax = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = x.Count;
        if (n == 0 || y.Count != n || (weights is not null && weights.Count != n))
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Isotonic regression needs as many x as y values (and weights), at least one (got {n} and {y.Count})"));
        }

        // Merge equal x into one point with the weighted mean y and the summed weight.
        int[] order = [.. Enumerable.Range(0, n).OrderBy(i => x[i]).ThenBy(i => y[i])];
        var ux = new List<double>();
        var uy = new List<double>();
        var uw = new List<double>();
        for (int k = 0; k < n;)
        {
            double xv = x[order[k]], sumW = 0, sumWy = 0;
            while (k < n && x[order[k]] == xv)
            {
                double w = weights?[order[k]] ?? 1.0;
                sumW += w;
                sumWy += w * y[order[k]];
                k++;
            }

            ux.Add(xv);
            uy.Add(sumWy / sumW);
            uw.Add(sumW);
        }

        // Pool adjacent violators: blocks with their weighted means, merged while they decrease.
        var mean = new List<double>();
        var weight = new List<double>();
        var count = new List<int>();
        for (int i = 0; i < ux.Count; i++)
        {
            mean.Add(uy[i]);
            weight.Add(uw[i]);
            count.Add(1);
            while (mean.Count > 1 && mean[^2] > mean[^1])
            {
                double w = weight[^2] + weight[^1];
                double m = ((weight[^2] * mean[^2]) + (weight[^1] * mean[^1])) / w;
                int c = count[^2] + count[^1];
                mean.RemoveAt(mean.Count - 1);
                weight.RemoveAt(weight.Count - 1);
                count.RemoveAt(count.Count - 1);
                mean[^1] = m;
                weight[^1] = w;
                count[^1] = c;
            }
        }

        var fitted = new double[ux.Count];
        int pos = 0;
        for (int blk = 0; blk < mean.Count; blk++)
        {
            for (int j = 0; j < count[blk]; j++)
            {
                fitted[pos++] = Math.Clamp(mean[blk], yMin, yMax);
            }
        }

        return new IsotonicCalibrator([.. ux], fitted);
    }
}
