using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetLearn.LinearAlgebra;

/// <summary>
/// Dot products of one vector with many rows of a row-major matrix, four rows at a time so that each load of the vector
/// serves four products (a register-blocked matrix–vector product over a gathered set of rows).
/// </summary>
internal static class RowDots
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
