using System.Globalization;
using NetLearn.Data;

namespace NetLearn.Trees;

/// <summary>
/// Features as 32-bit floats, as scikit-learn's trees see them (<c>DTYPE = float32</c>): column-major for training,
/// where a split scans one feature over many rows, and row-major for prediction, where a row walks down a tree.
/// </summary>
internal sealed class FeatureMatrix
{
    private FeatureMatrix(float[] values, int rows, int columns)
    {
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The values; column-major (<c>[column * Rows + row]</c>) or row-major, as created.</summary>
    public float[] Values { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Column-major float features; every column numeric or boolean, every value finite.</summary>
    public static FeatureMatrix ColumnMajor(Table features, string estimator)
    {
        ArgumentNullException.ThrowIfNull(features);
        int n = features.RowCount, p = features.ColumnCount;
        var values = new float[(long)n * p];
        for (int c = 0; c < p; c++)
        {
            var column = features[c];
            var source = Numbers(column, estimator);
            var target = values.AsSpan(c * n, n);
            for (int r = 0; r < n; r++)
            {
                target[r] = Checked(source[r], column.Name, r);
            }
        }

        return new FeatureMatrix(values, n, p);
    }

    /// <summary>Row-major float features for prediction, with the same checks as training.</summary>
    public static FeatureMatrix RowMajor(Table features, string estimator)
    {
        ArgumentNullException.ThrowIfNull(features);
        int n = features.RowCount, p = features.ColumnCount;
        var values = new float[(long)n * p];
        for (int c = 0; c < p; c++)
        {
            var column = features[c];
            var source = Numbers(column, estimator);
            for (int r = 0; r < n; r++)
            {
                values[(r * p) + c] = Checked(source[r], column.Name, r);
            }
        }

        return new FeatureMatrix(values, n, p);
    }

    private static double[] Numbers(Column column, string estimator) => column.Kind is ColumnKind.Numeric or ColumnKind.Boolean
        ? column.ToDoubleArray()
        : throw new DataValidationException(
            $"{estimator} needs numeric features, but '{column.Name}' is {column.Kind.ToString().ToLowerInvariant()}. Encode it first (OneHotEncoder, or train from the CLI, which does), or use hist-gradient-boosting, which takes categories natively",
            column: column.Name);

    private static float Checked(double value, string column, int row)
    {
        if (double.IsNaN(value))
        {
            throw new DataValidationException(
                "Found a missing value; decision trees and forests do not accept them (as in scikit-learn 1.2). Impute it (SimpleImputer), drop the row, or use hist-gradient-boosting, which handles missing values",
                column: column,
                row: row);
        }

        float f = (float)value;
        if (!float.IsFinite(f))
        {
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"Found {value:R}, which is infinite or too large for a 32-bit float. Clip or rescale the column"),
                column: column,
                row: row);
        }

        return f;
    }
}
