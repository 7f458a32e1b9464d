using System.Globalization;
using NetLearn.Data;
using NetLearn.LinearAlgebra;

namespace NetLearn.Serving;

/// <summary>
/// Request rows in a model's input schema, column by column: numbers as <c>double</c> (NaN = missing), other kinds as text
/// parsed when the table is built. Every protocol (named-column JSON, TensorFlow Serving, Open Inference Protocol REST and
/// gRPC) decodes into this one form, so validation is the same everywhere and the dynamic batcher can concatenate
/// requests from different protocols.
/// </summary>
public sealed class InputBatch
{
    [ThreadStatic]
    private static Matrix? _matrix;

    private readonly double[]?[] _numbers;
    private readonly string?[]?[] _texts;

    /// <summary>Creates an empty batch of <paramref name="rows"/> rows (numbers missing, text null) to fill in.</summary>
    public InputBatch(Schema schema, int rows)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (rows <= 0)
        {
            throw new DataValidationException("The request has no rows; send at least one");
        }

        Schema = schema;
        Rows = rows;
        _numbers = new double[]?[schema.Count];
        _texts = new string?[]?[schema.Count];
        for (int c = 0; c < schema.Count; c++)
        {
            if (schema.Columns[c].Kind == ColumnKind.Numeric)
            {
                var values = new double[rows];
                values.AsSpan().Fill(double.NaN);
                _numbers[c] = values;
            }
            else
            {
                _texts[c] = new string?[rows];
            }
        }
    }

    /// <summary>A batch over filled columns (taken, not copied): numbers for numeric columns, text for the others.</summary>
    internal InputBatch(Schema schema, int rows, double[]?[] numbers, string?[]?[] texts)
    {
        Schema = schema;
        Rows = rows;
        _numbers = numbers;
        _texts = texts;
    }

    /// <summary>The model's input schema.</summary>
    public Schema Schema { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>True when column <paramref name="column"/> holds numbers.</summary>
    public bool IsNumeric(int column) => _numbers[column] is not null;

    /// <summary>Sets a number; for a non-numeric column the number is stored as text.</summary>
    /// <exception cref="DataValidationException">An infinite value.</exception>
    public void SetNumber(int column, int row, double value)
    {
        if (double.IsInfinity(value))
        {
            throw new DataValidationException("Infinite values cannot be used; send a finite number (or null for a missing value)", Schema.Columns[column].Name, row);
        }

        if (_numbers[column] is { } numbers)
        {
            numbers[row] = value;
        }
        else
        {
            _texts[column]![row] = double.IsNaN(value) ? null : value.ToString("R", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Sets a value given as text (parsed as a number for numeric columns); <c>null</c> is a missing value.</summary>
    /// <exception cref="DataValidationException">Text that is not a number in a numeric column.</exception>
    public void SetText(int column, int row, string? value)
    {
        if (_numbers[column] is { } numbers)
        {
            if (value is null)
            {
                numbers[row] = double.NaN;
            }
            else if (ColumnInference.TryParseNumber(value, out double number))
            {
                SetNumber(column, row, number);
            }
            else
            {
                throw new DataValidationException($"'{Truncate(value)}' is not a number, and column '{Schema.Columns[column].Name}' is numeric. Send a number, a numeric string, or null for a missing value", Schema.Columns[column].Name, row);
            }
        }
        else
        {
            _texts[column]![row] = value;
        }
    }

    /// <summary>Sets a boolean (as 1/0 for numeric columns).</summary>
    public void SetBoolean(int column, int row, bool value)
    {
        if (_numbers[column] is { } numbers)
        {
            numbers[row] = value ? 1 : 0;
        }
        else
        {
            _texts[column]![row] = value ? "true" : "false";
        }
    }

    /// <summary>Refuses missing numeric values (for models configured with <c>allow_missing: false</c>).</summary>
    /// <exception cref="DataValidationException">A NaN or null value; the message names the row and column.</exception>
    public void RequireComplete()
    {
        for (int c = 0; c < Schema.Count; c++)
        {
            if (_numbers[c] is { } numbers)
            {
                int row = numbers.AsSpan().IndexOfAnyExceptInRange(double.NegativeInfinity, double.PositiveInfinity);
                if (row >= 0)
                {
                    throw new DataValidationException("Missing values (null or NaN) are not allowed for this model; send a number", Schema.Columns[c].Name, row);
                }
            }
            else if (Array.IndexOf(_texts[c]!, null) is int row and >= 0)
            {
                throw new DataValidationException("Missing values (null) are not allowed for this model; send a value", Schema.Columns[c].Name, row);
            }
        }
    }

    /// <summary>The rows as a table in the model's schema.</summary>
    /// <exception cref="DataValidationException">A value cannot be parsed as its column's kind.</exception>
    public Table ToTable()
    {
        var columns = new Column[Schema.Count];
        for (int c = 0; c < Schema.Count; c++)
        {
            var info = Schema.Columns[c];
            columns[c] = _numbers[c] is { } numbers
                ? new NumericColumn(info.Name, numbers)
                : ColumnInference.Parse(info.Name, _texts[c]!, info.Kind);
        }

        return new Table(columns);
    }

    /// <summary>
    /// The rows as a row-major matrix in schema order when every column is numeric (else <c>null</c>): a per-thread
    /// buffer, reused for the next batch of the same shape on this thread, so it is valid until then.
    /// </summary>
    internal Matrix? ToMatrix()
    {
        int columns = Schema.Count;
        var matrix = _matrix is { } m && m.Rows == Rows && m.Columns == columns ? m : null;
        for (int c = 0; c < columns; c++)
        {
            if (_numbers[c] is not { } numbers)
            {
                return null;
            }

            matrix ??= _matrix = new Matrix(Rows, columns);
            var data = matrix.AsSpan();
            for (int r = 0, at = c; r < Rows; r++, at += columns)
            {
                data[at] = numbers[r];
            }
        }

        return matrix;
    }

    /// <summary>Joins batches of the same schema, rows in order (the dynamic batcher's step).</summary>
    public static InputBatch Concat(IReadOnlyList<InputBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count == 1)
        {
            return batches[0];
        }

        var first = batches[0];
        var result = new InputBatch(first.Schema, batches.Sum(b => b.Rows));
        for (int c = 0; c < first.Schema.Count; c++)
        {
            int offset = 0;
            foreach (var batch in batches)
            {
                if (result._numbers[c] is { } numbers)
                {
                    batch._numbers[c]!.CopyTo(numbers, offset);
                }
                else
                {
                    batch._texts[c]!.CopyTo(result._texts[c]!, offset);
                }

                offset += batch.Rows;
            }
        }

        return result;
    }

    internal static string Truncate(string value) => value.Length <= 60 ? value : string.Concat(value.AsSpan(0, 57), "...");
}
