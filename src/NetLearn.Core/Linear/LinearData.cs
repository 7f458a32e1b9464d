using System.Numerics.Tensors;
using NetLearn.LinearAlgebra;

namespace NetLearn.Linear;

/// <summary>
/// A regression design prepared as scikit-learn's <c>_preprocess_data</c> + <c>_rescale_data</c> do: optionally centred
/// on the weighted column means, then every row multiplied by √wᵢ. Stored column-major so that coordinate-wise
/// kernels (coordinate descent, Gram products) run over contiguous memory.
/// </summary>
internal sealed class LinearData
{
    private LinearData(double[] columns, double[] y, double[] xOffset, double yOffset, int n, int p)
    {
        Columns = columns;
        Y = y;
        XOffset = xOffset;
        YOffset = yOffset;
        N = n;
        P = p;
    }

    /// <summary>The prepared design, column-major (column j is <c>Columns[j·N .. (j+1)·N)</c>).</summary>
    public double[] Columns { get; }

    /// <summary>The prepared target.</summary>
    public double[] Y { get; }

    /// <summary>The weighted column means subtracted (zeros without an intercept).</summary>
    public double[] XOffset { get; }

    /// <summary>The weighted target mean subtracted (0 without an intercept).</summary>
    public double YOffset { get; }

    /// <summary>Rows.</summary>
    public int N { get; }

    /// <summary>Columns.</summary>
    public int P { get; }

    /// <summary>Column <paramref name="j"/>.</summary>
    public Span<double> Column(int j) => Columns.AsSpan(j * N, N);

    /// <summary>The intercept that goes with <paramref name="coef"/> on the original scale.</summary>
    public double Intercept(ReadOnlySpan<double> coef, bool fitIntercept) => fitIntercept ? YOffset - TensorPrimitives.Dot(XOffset, coef) : 0.0;

    /// <summary>Prepares <paramref name="x"/> and <paramref name="y"/> with optional sample weights.</summary>
    public static LinearData Prepare(Matrix x, double[] y, double[]? weights, bool fitIntercept)
    {
        int n = x.Rows, p = x.Columns;
        var xOffset = new double[p];
        double yOffset = 0;
        if (fitIntercept)
        {
            double total = weights is null ? n : TensorPrimitives.Sum<double>(weights);
            for (int r = 0; r < n; r++)
            {
                double share = (weights?[r] ?? 1.0) / total;
                TensorPrimitives.MultiplyAdd<double>(x.Row(r), share, xOffset, xOffset);
                yOffset += share * y[r];
            }
        }

        var columns = new double[(long)n * p <= int.MaxValue ? n * p : throw new InvalidOperationException("The design is too large.")];
        var target = new double[n];
        for (int r = 0; r < n; r++)
        {
            double sw = weights is null ? 1.0 : Math.Sqrt(weights[r]);
            var row = x.Row(r);
            for (int c = 0; c < p; c++)
            {
                columns[(c * n) + r] = (row[c] - xOffset[c]) * sw;
            }

            target[r] = (y[r] - yOffset) * sw;
        }

        return new LinearData(columns, target, xOffset, yOffset, n, p);
    }

    /// <summary>Wraps an already prepared column-major design (no centring; used by the path functions).</summary>
    public static LinearData Raw(Matrix x, double[] y)
    {
        int n = x.Rows, p = x.Columns;
        var columns = new double[n * p];
        for (int r = 0; r < n; r++)
        {
            var row = x.Row(r);
            for (int c = 0; c < p; c++)
            {
                columns[(c * n) + r] = row[c];
            }
        }

        return new LinearData(columns, (double[])y.Clone(), new double[p], 0, n, p);
    }

    /// <summary>
    /// AᵀA (p×p, row-major) and Aᵀy, from SIMD dot products over the columns.
    /// </summary>
    public (double[] Gram, double[] Xty) GramAndXty()
    {
        int n = N, p = P;
        var gram = new double[p * p];
        var xty = new double[p];
        for (int i = 0; i < p; i++)
        {
            var ci = Column(i);
            xty[i] = TensorPrimitives.Dot<double>(ci, Y);
            for (int j = i; j < p; j++)
            {
                double g = TensorPrimitives.Dot<double>(ci, Column(j));
                gram[(i * p) + j] = g;
                gram[(j * p) + i] = g;
            }
        }

        return (gram, xty);
    }
}
