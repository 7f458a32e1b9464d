using System.Globalization;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace NetLearn.LinearAlgebra;

/// <summary>
/// A dense row-major matrix of doubles over one contiguous array: the numeric type algorithms consume.
/// Element-wise and row kernels use <see cref="TensorPrimitives"/> (SIMD); decompositions go through MathNet.Numerics
/// via <see cref="ToMathNet"/>.
/// </summary>
public sealed class Matrix
{
    private readonly double[] _data;

    /// <summary>A zero matrix.</summary>
    public Matrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        _data = new double[checked(rows * columns)];
    }

    /// <summary>Wraps row-major <paramref name="data"/> (not copied).</summary>
    public Matrix(int rows, int columns, double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != rows * columns)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {rows * columns} values for a {rows}x{columns} matrix, got {data.Length}."), nameof(data));
        }

        Rows = rows;
        Columns = columns;
        _data = data;
    }

    /// <summary>Builds a matrix from jagged rows of equal length.</summary>
    public static Matrix FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int columns = rows.Count == 0 ? 0 : rows[0].Length;
        var m = new Matrix(rows.Count, columns);
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != columns)
            {
                throw new ArgumentException($"Row {r} has {rows[r].Length} values, expected {columns}.", nameof(rows));
            }

            rows[r].CopyTo(m.Row(r));
        }

        return m;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>The element at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public double this[int row, int column]
    {
        get => _data[(row * Columns) + column];
        set => _data[(row * Columns) + column] = value;
    }

    /// <summary>The whole matrix, row-major.</summary>
    public Span<double> AsSpan() => _data;

    /// <summary>One row as a span over the matrix storage.</summary>
    public Span<double> Row(int row) => _data.AsSpan(row * Columns, Columns);

    /// <summary>A copy of one column.</summary>
    public double[] Column(int column)
    {
        var result = new double[Rows];
        for (int r = 0; r < Rows; r++)
        {
            result[r] = _data[(r * Columns) + column];
        }

        return result;
    }

    /// <summary>A deep copy.</summary>
    public Matrix Clone() => new(Rows, Columns, (double[])_data.Clone());

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public Matrix TakeRows(ReadOnlySpan<int> rows)
    {
        var result = new Matrix(rows.Length, Columns);
        for (int i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(result.Row(i));
        }

        return result;
    }

    /// <summary>y = this · x.</summary>
    public double[] Multiply(ReadOnlySpan<double> x)
    {
        if (x.Length != Columns)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Vector has {x.Length} values; the matrix has {Columns} columns."), nameof(x));
        }

        var y = new double[Rows];
        for (int r = 0; r < Rows; r++)
        {
            y[r] = TensorPrimitives.Dot(Row(r), x);
        }

        return y;
    }

    /// <summary>this · otherᵀ, where <paramref name="other"/> holds one vector per row (as coefficient matrices do).</summary>
    public Matrix MultiplyTransposed(Matrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Columns != Columns)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Cannot multiply {Rows}x{Columns} by the transpose of {other.Rows}x{other.Columns}."), nameof(other));
        }

        var result = new Matrix(Rows, other.Rows);
        for (int r = 0; r < Rows; r++)
        {
            var row = Row(r);
            var target = result.Row(r);
            for (int k = 0; k < other.Rows; k++)
            {
                target[k] = TensorPrimitives.Dot(row, other.Row(k));
            }
        }

        return result;
    }

    /// <summary>Converts to a MathNet dense matrix (copies).</summary>
    public Matrix<double> ToMathNet() => Matrix<double>.Build.Dense(Rows, Columns, (r, c) => _data[(r * Columns) + c]);

    /// <summary>Converts from a MathNet matrix (copies).</summary>
    public static Matrix FromMathNet(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var result = new Matrix(matrix.RowCount, matrix.ColumnCount);
        for (int r = 0; r < result.Rows; r++)
        {
            for (int c = 0; c < result.Columns; c++)
            {
                result[r, c] = matrix[r, c];
            }
        }

        return result;
    }

    /// <summary>Rows as jagged arrays (copies); convenient for JSON and tests.</summary>
    public double[][] ToRowArrays()
    {
        var rows = new double[Rows][];
        for (int r = 0; r < Rows; r++)
        {
            rows[r] = Row(r).ToArray();
        }

        return rows;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Matrix {Rows}x{Columns}");
}
