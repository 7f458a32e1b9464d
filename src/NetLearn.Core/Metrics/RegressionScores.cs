using System.Globalization;
using NetLearn.Data;

namespace NetLearn.Metrics;

/// <content>Regression metrics beyond MSE, MAE and R²: median and percentage errors, explained variance, deviances.</content>
public static partial class RegressionMetrics
{
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Median of the absolute errors (the mean of the two middle values for an even count).</summary>
    public static double MedianAbsoluteError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        var errors = new double[yTrue.Length];
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i] = Math.Abs(yTrue[i] - yPred[i]);
        }

        Array.Sort(errors);
        int mid = errors.Length / 2;
        return errors.Length % 2 == 1 ? errors[mid] : (errors[mid - 1] + errors[mid]) / 2;
    }

    /// <summary>Mean absolute percentage error |y − ŷ| / max(|y|, ε) as a fraction (not ×100), ε the machine epsilon, as scikit-learn.</summary>
    public static double MeanAbsolutePercentageError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            sum += Math.Abs(yPred[i] - yTrue[i]) / Math.Max(Math.Abs(yTrue[i]), MachineEpsilon);
        }

        return sum / yTrue.Length;
    }

    /// <summary>Explained variance 1 − Var(y − ŷ) / Var(y); for constant y, 1 when the residuals are constant too, else 0.</summary>
    public static double ExplainedVariance(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        int n = yTrue.Length;
        double meanDiff = 0, meanTrue = 0;
        for (int i = 0; i < n; i++)
        {
            meanDiff += yTrue[i] - yPred[i];
            meanTrue += yTrue[i];
        }

        meanDiff /= n;
        meanTrue /= n;
        double numerator = 0, denominator = 0;
        for (int i = 0; i < n; i++)
        {
            double r = yTrue[i] - yPred[i] - meanDiff;
            numerator += r * r;
            double d = yTrue[i] - meanTrue;
            denominator += d * d;
        }

        if (denominator == 0)
        {
            return numerator == 0 ? 1.0 : 0.0;
        }

        return 1 - (numerator / n / (denominator / n));
    }

    /// <summary>The largest absolute error.</summary>
    public static double MaxError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double max = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            max = Math.Max(max, Math.Abs(yTrue[i] - yPred[i]));
        }

        return max;
    }

    /// <summary>Mean squared logarithmic error, mean of (log(1 + y) − log(1 + ŷ))²; needs y, ŷ ≥ 0.</summary>
    public static double MeanSquaredLogError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            Require(yTrue[i] >= 0 && yPred[i] >= 0, i, "Mean squared log error needs non-negative true values and predictions");
            double d = Math.Log(1 + yTrue[i]) - Math.Log(1 + yPred[i]);
            sum += d * d;
        }

        return sum / yTrue.Length;
    }

    /// <summary>Mean Poisson deviance 2·(y·log(y/ŷ) − y + ŷ) (Tweedie power 1); needs y ≥ 0 and ŷ &gt; 0.</summary>
    public static double MeanPoissonDeviance(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            double y = yTrue[i], p = yPred[i];
            Require(y >= 0 && p > 0, i, "Mean Poisson deviance needs non-negative true values and positive predictions");
            double xlogy = y == 0 ? 0 : y * Math.Log(y / p);
            sum += 2 * (xlogy - y + p);
        }

        return sum / yTrue.Length;
    }

    /// <summary>Mean Gamma deviance 2·(log(ŷ/y) + y/ŷ − 1) (Tweedie power 2); needs y &gt; 0 and ŷ &gt; 0.</summary>
    public static double MeanGammaDeviance(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            double y = yTrue[i], p = yPred[i];
            Require(y > 0 && p > 0, i, "Mean Gamma deviance needs positive true values and predictions");
            sum += 2 * (Math.Log(p / y) + (y / p) - 1);
        }

        return sum / yTrue.Length;
    }

    /// <summary>Median absolute error of numeric columns.</summary>
    public static double MedianAbsoluteError(Column yTrue, Column yPred) => MedianAbsoluteError(Values(yTrue), Values(yPred));

    /// <summary>Mean absolute percentage error of numeric columns.</summary>
    public static double MeanAbsolutePercentageError(Column yTrue, Column yPred) => MeanAbsolutePercentageError(Values(yTrue), Values(yPred));

    /// <summary>Explained variance of numeric columns.</summary>
    public static double ExplainedVariance(Column yTrue, Column yPred) => ExplainedVariance(Values(yTrue), Values(yPred));

    /// <summary>Maximum absolute error of numeric columns.</summary>
    public static double MaxError(Column yTrue, Column yPred) => MaxError(Values(yTrue), Values(yPred));

    /// <summary>Mean squared log error of numeric columns.</summary>
    public static double MeanSquaredLogError(Column yTrue, Column yPred) => MeanSquaredLogError(Values(yTrue), Values(yPred));

    /// <summary>Mean Poisson deviance of numeric columns.</summary>
    public static double MeanPoissonDeviance(Column yTrue, Column yPred) => MeanPoissonDeviance(Values(yTrue), Values(yPred));

    /// <summary>Mean Gamma deviance of numeric columns.</summary>
    public static double MeanGammaDeviance(Column yTrue, Column yPred) => MeanGammaDeviance(Values(yTrue), Values(yPred));

    private static void Require(bool condition, int row, string message)
    {
        if (!condition)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"{message}; row {row} is outside that range"), row: row);
        }
    }
}
