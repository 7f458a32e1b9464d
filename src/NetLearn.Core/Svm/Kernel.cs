using System.Numerics.Tensors;
using NetLearn.LinearAlgebra;

namespace NetLearn.Svm;

/// <summary>The kernel of an SVM (<c>kernel</c>).</summary>
public enum KernelType
{
    /// <summary>x·z.</summary>
    Linear,

    /// <summary>(γ·x·z + coef0)^degree.</summary>
    Poly,

    /// <summary>exp(−γ‖x − z‖²).</summary>
    Rbf,

    /// <summary>tanh(γ·x·z + coef0).</summary>
    Sigmoid,
}

/// <summary>A kernel function with its parameters resolved (γ is a number here).</summary>
/// <param name="Type">The kernel.</param>
/// <param name="Gamma">γ.</param>
/// <param name="Coef0">The constant of poly and sigmoid.</param>
/// <param name="Degree">The degree of poly.</param>
internal sealed record KernelFunction(KernelType Type, double Gamma, double Coef0, int Degree)
{
    /// <summary>K(a, b); <paramref name="aa"/> and <paramref name="bb"/> are ‖a‖² and ‖b‖² (used by rbf, as libsvm does).</summary>
    public double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double aa, double bb)
    {
        double dot = TensorPrimitives.Dot(a, b);
        return Type switch
        {
            KernelType.Linear => dot,
            KernelType.Poly => Power((Gamma * dot) + Coef0, Degree),
            KernelType.Rbf => Math.Exp(-Gamma * (aa + bb - (2 * dot))),
            KernelType.Sigmoid => Math.Tanh((Gamma * dot) + Coef0),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>
    /// K(a, x_r) for every r in <paramref name="rows"/> (a row of the kernel matrix at once): the dot products by
    /// <see cref="RowDots.Dots"/>, then the kernel's function over the whole row (rbf: one vectorised exp). Same
    /// formula and order of operations as <see cref="Evaluate(ReadOnlySpan{double}, ReadOnlySpan{double}, double, double)"/>.
    /// </summary>
    /// <param name="a">The row a.</param>
    /// <param name="aa">‖a‖².</param>
    /// <param name="x">The rows r (row-major).</param>
    /// <param name="norms">‖x_r‖² per row of <paramref name="x"/>.</param>
    /// <param name="rows">The rows wanted.</param>
    /// <param name="destination">One value per entry of <paramref name="rows"/>.</param>
    public void EvaluateRow(ReadOnlySpan<double> a, double aa, Matrix x, ReadOnlySpan<double> norms, ReadOnlySpan<int> rows, Span<double> destination)
    {
        RowDots.Dots(a, x, rows, destination);
        switch (Type)
        {
            case KernelType.Linear:
                return;
            case KernelType.Rbf:
                double gamma = Gamma;
                for (int t = 0; t < rows.Length; t++)
                {
                    destination[t] = -gamma * (aa + norms[rows[t]] - (2 * destination[t]));
                }

                TensorPrimitives.Exp<double>(destination[..rows.Length], destination);
                return;
            case KernelType.Poly:
                for (int t = 0; t < rows.Length; t++)
                {
                    destination[t] = Power((Gamma * destination[t]) + Coef0, Degree);
                }

                return;
            case KernelType.Sigmoid:
                for (int t = 0; t < rows.Length; t++)
                {
                    destination[t] = Math.Tanh((Gamma * destination[t]) + Coef0);
                }

                return;
            default:
                throw new InvalidOperationException();
        }
    }

    /// <summary>K between every row of <paramref name="x"/> and every row of <paramref name="z"/> (rows of x × rows of z).</summary>
    public Matrix Evaluate(Matrix x, Matrix z)
    {
        var result = new Matrix(x.Rows, z.Rows);
        double[] xx = SquaredNorms(x), zz = SquaredNorms(z);
        Parallel.For(0, x.Rows, i =>
        {
            var row = result.Row(i);
            var a = x.Row(i);
            for (int j = 0; j < z.Rows; j++)
            {
                row[j] = Evaluate(a, z.Row(j), xx[i], zz[j]);
            }
        });
        return result;
    }

    public static double[] SquaredNorms(Matrix x)
    {
        var result = new double[x.Rows];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = TensorPrimitives.Dot<double>(x.Row(i), x.Row(i));
        }

        return result;
    }

    // libsvm's powi: exponentiation by squaring.
    private static double Power(double value, int exponent)
    {
        double result = 1.0, t = value;
        for (int i = exponent; i > 0; i /= 2)
        {
            if (i % 2 == 1)
            {
                result *= t;
            }

            t *= t;
        }

        return result;
    }
}
