using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// <see cref="KernelDots.Dots"/>, then the kernel's function over the whole row (rbf: one vectorised exp). Same
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
        KernelDots.Dots(a, x, rows, destination);
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

/// <summary>
/// Dot products of one vector with many rows of a row-major matrix, four rows at a time so that each load of the vector
/// serves four products (a register-blocked matrix–vector product over a gathered set of rows).
/// </summary>
internal static class KernelDots
{
    /// <summary><paramref name="destination"/>[t] = a · x.Row(rows[t]).</summary>
    public static void Dots(ReadOnlySpan<double> a, Matrix x, ReadOnlySpan<int> rows, Span<double> destination)
    {
        int d = a.Length, count = rows.Length;
        if (x.Columns != d)
        {
            throw new ArgumentException("the vector and the rows differ in length", nameof(a));
        }

        destination = destination[..count];
        var data = x.AsSpan();
        if (!Vector256.IsHardwareAccelerated || d < Vector256<double>.Count)
        {
            for (int t = 0; t < count; t++)
            {
                destination[t] = TensorPrimitives.Dot<double>(a, data.Slice(rows[t] * d, d));
            }

            return;
        }

        ref double a0 = ref MemoryMarshal.GetReference(a);
        int body = d - (d % Vector256<double>.Count);
        int s = 0;
        for (; s + 4 <= count; s += 4)
        {
            ref double b0 = ref MemoryMarshal.GetReference(data.Slice(rows[s] * d, d));
            ref double b1 = ref MemoryMarshal.GetReference(data.Slice(rows[s + 1] * d, d));
            ref double b2 = ref MemoryMarshal.GetReference(data.Slice(rows[s + 2] * d, d));
            ref double b3 = ref MemoryMarshal.GetReference(data.Slice(rows[s + 3] * d, d));
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            var acc2 = Vector256<double>.Zero;
            var acc3 = Vector256<double>.Zero;
            for (int f = 0; f < body; f += Vector256<double>.Count)
            {
                var va = Vector256.LoadUnsafe(ref a0, (nuint)f);
                acc0 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b0, (nuint)f), acc0);
                acc1 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b1, (nuint)f), acc1);
                acc2 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b2, (nuint)f), acc2);
                acc3 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b3, (nuint)f), acc3);
            }

            double s0 = Vector256.Sum(acc0), s1 = Vector256.Sum(acc1), s2 = Vector256.Sum(acc2), s3 = Vector256.Sum(acc3);
            for (int f = body; f < d; f++)
            {
                double af = a[f];
                s0 += af * Unsafe.Add(ref b0, f);
                s1 += af * Unsafe.Add(ref b1, f);
                s2 += af * Unsafe.Add(ref b2, f);
                s3 += af * Unsafe.Add(ref b3, f);
            }

            destination[s] = s0;
            destination[s + 1] = s1;
            destination[s + 2] = s2;
            destination[s + 3] = s3;
        }

        for (; s < count; s++)
        {
            var b = data.Slice(rows[s] * d, d);
            ref double b0 = ref MemoryMarshal.GetReference(b);
            var acc = Vector256<double>.Zero;
            for (int f = 0; f < body; f += Vector256<double>.Count)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a0, (nuint)f), Vector256.LoadUnsafe(ref b0, (nuint)f), acc);
            }

            double sum = Vector256.Sum(acc);
            for (int f = body; f < d; f++)
            {
                sum += a[f] * b[f];
            }

            destination[s] = sum;
        }
    }
}
