using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.Preprocessing;

/// <summary>
/// Base class of fitted transformers that read numeric (or boolean) columns and write numeric columns. Input columns are
/// matched by name and converted with <see cref="SchemaConformance"/>; subclasses work on one <c>double[]</c> per column.
/// </summary>
/// <typeparam name="TOptions">The options record of the estimator.</typeparam>
public abstract class NumericTransformerModel<TOptions> : FittedModel<TOptions>, ITransformerModel
    where TOptions : EstimatorOptions
{
    /// <summary>Stores the options and input schema.</summary>
    protected NumericTransformerModel(TOptions options, Schema inputSchema)
        : base(options, inputSchema)
    {
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The output column names; by default the input names (a one-to-one transformer).</summary>
    public virtual IReadOnlyList<string> FeatureNamesOut => [.. InputSchema.Names];

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var input = features.ConformTo(InputSchema);
        double[][] columns = [.. input.Columns.Select(c => c.ToDoubleArray())];
        double[][] output = TransformColumns(columns, input.RowCount);
        var names = FeatureNamesOut;
        return new Table(output.Select((values, i) => (Column)new NumericColumn(names[i], values)));
    }

    /// <summary>Transforms the input columns (copies owned by the callee) into the output columns, in <see cref="FeatureNamesOut"/> order.</summary>
    protected abstract double[][] TransformColumns(double[][] columns, int rows);
}

/// <summary>Numeric helpers shared by the preprocessing transformers: input extraction and NumPy-compatible statistics.</summary>
internal static class NumericData
{
    /// <summary>
    /// The columns of <paramref name="features"/> as doubles. Infinite values always throw; missing values throw unless
    /// <paramref name="allowMissing"/> (then they stay NaN).
    /// </summary>
    public static double[][] Columns(Table features, string estimator, bool allowMissing)
    {
        var columns = new double[features.ColumnCount][];
        for (int c = 0; c < columns.Length; c++)
        {
            double[] values = features[c].ToDoubleArray();
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsInfinity(values[i]))
                {
                    throw new DataValidationException($"{estimator} cannot use an infinite value. Fix or drop the row", column: features[c].Name, row: i);
                }

                if (!allowMissing && double.IsNaN(values[i]))
                {
                    throw new DataValidationException($"{estimator} does not accept missing values. Impute them first (SimpleImputer) or drop the row", column: features[c].Name, row: i);
                }
            }

            columns[c] = values;
        }

        return columns;
    }

    /// <summary>The non-missing values of a column, sorted ascending.</summary>
    public static double[] SortedPresent(double[] values)
    {
        double[] present = [.. values.Where(v => !double.IsNaN(v))];
        Array.Sort(present);
        return present;
    }

    /// <summary>
    /// NumPy's default ("linear") percentile of sorted values, <paramref name="q"/> in [0, 100], with NumPy's
    /// interpolation formula (<c>_lerp</c>), so results agree to the last bit in most cases. NaN when empty.
    /// </summary>
    public static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double index = q / 100.0 * (sorted.Length - 1);
        int lower = (int)Math.Floor(index);
        if (lower >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        if (lower < 0)
        {
            return sorted[0];
        }

        double t = index - lower, a = sorted[lower], b = sorted[lower + 1], diff = b - a;
        return t >= 0.5 ? b - (diff * (1 - t)) : a + (diff * t);
    }

    /// <summary>Population variance (ddof = 0) of the non-missing values, two-pass like NumPy.</summary>
    public static double Variance(double[] values)
    {
        double sum = 0;
        int n = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        if (n == 0)
        {
            return double.NaN;
        }

        double mean = sum / n, squares = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                squares += (v - mean) * (v - mean);
            }
        }

        return squares / n;
    }

    /// <summary>Invariant text of a number, as used in feature names.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>scikit-learn's <c>_handle_zeros_in_scale</c>: a scale that is (numerically) zero becomes 1.</summary>
    public static double NonZeroScale(double scale) => scale < 10 * 2.220446049250313e-16 ? 1.0 : scale;
}
