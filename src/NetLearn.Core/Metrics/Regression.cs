using System.Globalization;
using NetLearn.Data;

namespace NetLearn.Metrics;

/// <summary>Regression metrics with scikit-learn 1.2's definitions.</summary>
public static partial class RegressionMetrics
{
    /// <summary>Mean squared error.</summary>
    public static double MeanSquaredError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            double d = yTrue[i] - yPred[i];
            sum += d * d;
        }

        return sum / yTrue.Length;
    }

    /// <summary>Root mean squared error.</summary>
    public static double RootMeanSquaredError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred) => Math.Sqrt(MeanSquaredError(yTrue, yPred));

    /// <summary>Mean absolute error.</summary>
    public static double MeanAbsoluteError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            sum += Math.Abs(yTrue[i] - yPred[i]);
        }

        return sum / yTrue.Length;
    }

    /// <summary>Coefficient of determination R² = 1 − SS_res / SS_tot (1 for a perfect fit of a constant target, else 0 there).</summary>
    public static double R2(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        Check(yTrue, yPred);
        double mean = 0;
        foreach (double v in yTrue)
        {
            mean += v;
        }

        mean /= yTrue.Length;
        double residual = 0, total = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            residual += (yTrue[i] - yPred[i]) * (yTrue[i] - yPred[i]);
            total += (yTrue[i] - mean) * (yTrue[i] - mean);
        }

        if (total == 0)
        {
            return residual == 0 ? 1.0 : 0.0;
        }

        return 1 - (residual / total);
    }

    /// <summary>Mean squared error of numeric columns.</summary>
    public static double MeanSquaredError(Column yTrue, Column yPred) => MeanSquaredError(Values(yTrue), Values(yPred));

    /// <summary>Root mean squared error of numeric columns.</summary>
    public static double RootMeanSquaredError(Column yTrue, Column yPred) => RootMeanSquaredError(Values(yTrue), Values(yPred));

    /// <summary>Mean absolute error of numeric columns.</summary>
    public static double MeanAbsoluteError(Column yTrue, Column yPred) => MeanAbsoluteError(Values(yTrue), Values(yPred));

    /// <summary>R² of numeric columns.</summary>
    public static double R2(Column yTrue, Column yPred) => R2(Values(yTrue), Values(yPred));

    private static double[] Values(Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        double[] values = column.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new DataValidationException("Regression metrics need finite numbers; this value is missing or infinite", column: column.Name, row: i);
            }
        }

        return values;
    }

    private static void Check(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        if (yTrue.Length != yPred.Length)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The true values have {yTrue.Length} rows but the predictions have {yPred.Length}"));
        }

        if (yTrue.Length == 0)
        {
            throw new DataValidationException("There are no rows to score");
        }
    }
}
