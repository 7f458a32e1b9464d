using System.Globalization;
using NetLearn.Data;

namespace NetLearn.Validation;

/// <summary>Input checks shared by estimators; each throws a <see cref="DataValidationException"/> that says what to do.</summary>
public static class Checks
{
    /// <summary>The table must have rows and columns.</summary>
    public static void NotEmpty(Table features, string estimator)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.RowCount == 0)
        {
            throw new DataValidationException($"{estimator} needs at least one row to fit, but the data has none. Check the file and any filters");
        }

        if (features.ColumnCount == 0)
        {
            throw new DataValidationException($"{estimator} needs at least one feature column, but the data has none. Keep at least one column besides the target");
        }
    }

    /// <summary>A supervised estimator needs a target of the same length as the features.</summary>
    public static Column Target(Table features, Column? target, string estimator)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (target is null)
        {
            throw new DataValidationException($"{estimator} is supervised: pass the target column to Fit");
        }

        if (target.Length != features.RowCount)
        {
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"The target has {target.Length} rows but the features have {features.RowCount}. Pass the target of the same rows"),
                column: target.Name);
        }

        for (int i = 0; i < target.Length; i++)
        {
            if (target.IsMissing(i))
            {
                throw new DataValidationException("The target is missing. Drop rows without a target before fitting", column: target.Name, row: i);
            }
        }

        return target;
    }

    /// <summary>A regression target: numeric and finite.</summary>
    public static double[] RegressionTarget(Table features, Column? target, string estimator)
    {
        var y = Target(features, target, estimator);
        if (y.Kind is not (ColumnKind.Numeric or ColumnKind.Boolean))
        {
            throw new DataValidationException($"{estimator} predicts numbers, but the target is {y.Kind.ToString().ToLowerInvariant()}. Use a classifier, or pick a numeric target", column: y.Name);
        }

        double[] values = y.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new DataValidationException("The target is not a finite number. Fix or drop the row", column: y.Name, row: i);
            }
        }

        return values;
    }

    /// <summary>Sample weights: one per row, finite, non-negative, not all zero. Returns <c>null</c> when none were given.</summary>
    public static double[]? SampleWeight(IReadOnlyList<double>? weights, int rows)
    {
        if (weights is null)
        {
            return null;
        }

        if (weights.Count != rows)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Got {weights.Count} sample weights for {rows} rows. Give one weight per row"), column: "sample_weight");
        }

        var result = new double[rows];
        double sum = 0;
        for (int i = 0; i < rows; i++)
        {
            double w = weights[i];
            if (!double.IsFinite(w) || w < 0)
            {
                throw new DataValidationException("Sample weights must be finite and non-negative", column: "sample_weight", row: i);
            }

            result[i] = w;
            sum += w;
        }

        if (sum <= 0)
        {
            throw new DataValidationException("All sample weights are zero. Give some rows a positive weight", column: "sample_weight");
        }

        return result;
    }
}
