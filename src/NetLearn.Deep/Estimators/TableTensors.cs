using System.Globalization;
using NetLearn.Data;
using NetLearn.LinearAlgebra;
using static TorchSharp.torch;

namespace NetLearn.Deep.Estimators;

/// <summary>How inputs are standardised before the network.</summary>
internal enum Scaling
{
    /// <summary>Each column by its own mean and standard deviation (tabular data).</summary>
    PerColumn,

    /// <summary>One mean and standard deviation for all columns (pixels).</summary>
    Global,

    /// <summary>One mean and standard deviation per feature of a time step (sequences).</summary>
    PerStepFeature,

    /// <summary>No scaling (token ids).</summary>
    None,
}

/// <summary>Conversions from tables to tensors, with standardisation and input checks.</summary>
internal static class TableTensors
{
    /// <summary>Standardisation parameters of <paramref name="x"/>: one (mean, scale) per column, a zero deviation giving scale 1.</summary>
    public static (double[] Mean, double[] Scale) Standardization(Matrix x, Scaling scaling, int groupSize = 1)
    {
        int p = x.Columns, n = x.Rows;
        var mean = new double[p];
        var scale = new double[p];
        Array.Fill(scale, 1.0);
        if (scaling == Scaling.None)
        {
            return (mean, scale);
        }

        int groups = scaling switch { Scaling.PerColumn => p, Scaling.Global => 1, _ => groupSize };
        int Group(int column) => scaling switch { Scaling.PerColumn => column, Scaling.Global => 0, _ => column % groupSize };
        var sum = new double[groups];
        var count = new double[groups];
        var data = x.AsSpan();
        // Missing values (padding steps of packed sequences) take no part.
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < p; c++)
            {
                double v = data[(r * p) + c];
                if (!double.IsNaN(v))
                {
                    sum[Group(c)] += v;
                    count[Group(c)]++;
                }
            }
        }

        var groupMean = sum.Select((s, g) => count[g] > 0 ? s / count[g] : 0).ToArray();
        var squares = new double[groups];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < p; c++)
            {
                double d = data[(r * p) + c] - groupMean[Group(c)];
                if (!double.IsNaN(d))
                {
                    squares[Group(c)] += d * d;
                }
            }
        }

        for (int c = 0; c < p; c++)
        {
            int g = Group(c);
            double sd = count[g] > 0 ? Math.Sqrt(squares[g] / count[g]) : 0;
            mean[c] = groupMean[g];
            scale[c] = sd > 1e-12 ? sd : 1.0;
        }

        return (mean, scale);
    }

    /// <summary>
    /// The features as a matrix. Missing values are refused (naming row and column), except in packed numeric sequences,
    /// where a step whose values are all missing is padding; a step with only some values missing, or a row without any
    /// step, is refused there.
    /// </summary>
    /// <exception cref="DataValidationException">A value is missing or infinite where it must not be; the message names the row and column.</exception>
    public static Matrix ToMatrix(DeepOptions options, Table features)
    {
        if (options is not RecurrentOptions { PackSequences: true, VocabSize: 0 } recurrent)
        {
            return features.ToMatrix();
        }

        var x = features.ToMatrix(allowMissing: true);
        int perStep = recurrent.FeaturesPerStep;
        int steps = NetworkFitting.SequenceLength(recurrent, x.Columns);
        var data = x.AsSpan();
        for (int r = 0; r < x.Rows; r++)
        {
            int present = 0;
            for (int t = 0; t < steps; t++)
            {
                int missing = 0, firstMissing = -1;
                for (int f = 0; f < perStep; f++)
                {
                    int c = (t * perStep) + f;
                    double v = data[(r * x.Columns) + c];
                    if (double.IsInfinity(v))
                    {
                        throw new DataValidationException("Found an infinite value. Replace or drop it", column: features.Schema.Columns[c].Name, row: r);
                    }

                    if (double.IsNaN(v))
                    {
                        missing++;
                        firstMissing = firstMissing < 0 ? c : firstMissing;
                    }
                }

                if (missing > 0 && missing < perStep)
                {
                    int c = firstMissing;
                    throw new DataValidationException(
                        string.Create(CultureInfo.InvariantCulture, $"Step {t} has {missing} of its {perStep} values missing. A step is either complete or entirely missing (padding of a shorter sequence); impute the value or blank the whole step"),
                        column: features.Schema.Columns[c].Name,
                        row: r);
                }

                present += missing == 0 ? 1 : 0;
            }

            if (present == 0)
            {
                throw new DataValidationException("The sequence has no steps: every value is missing. Drop the row or give it at least one step", row: r);
            }
        }

        return x;
    }

    /// <summary>A float32 tensor [rows, columns] of (x − mean) / scale.</summary>
    public static Tensor Inputs(Matrix x, double[] mean, double[] scale)
    {
        int p = x.Columns;
        var values = new float[x.Rows * p];
        var data = x.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            int c = i % p;
            values[i] = (float)((data[i] - mean[c]) / scale[c]);
        }

        return tensor(values, [x.Rows, p]);
    }

    /// <summary>Checks raw inputs: token ids must be whole numbers in [0, vocab_size).</summary>
    /// <exception cref="DataValidationException">An id is out of range; the message names the row and column.</exception>
    public static void Check(DeepOptions options, Matrix x, Schema schema)
    {
        if (options is not RecurrentOptions { VocabSize: > 0 } recurrent)
        {
            return;
        }

        var data = x.AsSpan();
        for (int i = 0; i < data.Length; i++)
        {
            double v = data[i];
            if (v < 0 || v >= recurrent.VocabSize || v != Math.Floor(v))
            {
                throw new DataValidationException(
                    string.Create(CultureInfo.InvariantCulture, $"Token id {v} is not a whole number in [0, {recurrent.VocabSize}) (vocab_size). Map unknown tokens to an id below vocab_size, or raise vocab_size"),
                    column: schema.Columns[i % x.Columns].Name,
                    row: i / x.Columns);
            }
        }
    }
}
