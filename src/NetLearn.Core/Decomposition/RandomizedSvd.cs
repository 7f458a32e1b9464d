using NetLearn.Clustering;
using NetLearn.LinearAlgebra;

namespace NetLearn.Decomposition;

/// <summary>A truncated SVD A ≈ U·diag(S)·Vᵀ: <c>U</c> is n×k row-major, <c>Vt</c> k×p row-major.</summary>
internal sealed record SvdResult(double[] U, double[] S, double[] Vt, int Rank);

/// <summary>
/// Randomized truncated SVD (Halko, Martinsson &amp; Tropp 2011, "Finding structure with randomness", algorithms 4.3/4.4
/// with subspace iteration), as scikit-learn's <c>randomized_svd</c>: a Gaussian test matrix with <c>n_oversamples</c>
/// extra columns, <c>n_iter</c> power iterations re-orthonormalised after every product, then an exact SVD of the small
/// projected matrix. Products use <see cref="DenseKernels"/>; orthonormalisation is classical Gram–Schmidt applied twice
/// ("twice is enough", Giraud et al. 2005) on column-major copies, which keeps every kernel a long SIMD loop.
/// </summary>
internal static class RandomizedSvd
{
    public static SvdResult Compute(double[] a, int n, int p, int k, int oversamples, int iterations, Random rng)
    {
        int l = Math.Min(k + oversamples, Math.Min(n, p));
        var omega = new double[p * l];
        for (int i = 0; i < omega.Length; i++)
        {
            omega[i] = Unsupervised.Gaussian(rng);
        }

        // Between power iterations one Gram–Schmidt pass keeps the basis well conditioned (scikit-learn uses LU there);
        // the final basis gets the full two passes.
        double[] q = Orthonormalize(DenseKernels.Multiply(a, n, p, omega, l), n, l, passes: iterations > 0 ? 1 : 2);
        for (int it = 0; it < iterations; it++)
        {
            double[] z = Orthonormalize(DenseKernels.TransposeMultiply(a, n, p, q, l), p, l);
            q = Orthonormalize(DenseKernels.Multiply(a, n, p, z, l), n, l, passes: it == iterations - 1 ? 2 : 1);
        }

        // B = Qᵀ A (l × p), exact SVD of the small matrix.
        double[] bt = DenseKernels.TransposeMultiply(q, n, l, a, p); // l × p
        var b = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(l, p, (r, c) => bt[(r * p) + c]);
        var svd = b.Svd(computeVectors: true);
        int rank = Math.Min(k, l);
        var s = new double[rank];
        var vt = new double[rank * p];
        var uhat = new double[l * rank];
        for (int c = 0; c < rank; c++)
        {
            s[c] = svd.S[c];
            for (int j = 0; j < p; j++)
            {
                vt[(c * p) + j] = svd.VT[c, j];
            }

            for (int r = 0; r < l; r++)
            {
                uhat[(r * rank) + c] = svd.U[r, c];
            }
        }

        double[] u = DenseKernels.Multiply(q, n, l, uhat, rank);
        return new SvdResult(u, s, vt, rank);
    }

    /// <summary>An orthonormal basis of the columns of the row-major n×m matrix <paramref name="y"/> (row-major, same shape).</summary>
    public static double[] Orthonormalize(double[] y, int n, int m, int passes = 2)
    {
        // Column-major copy: column j at [j·n, (j+1)·n).
        var cols = new double[n * m];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < m; j++)
            {
                cols[(j * n) + r] = y[(r * m) + j];
            }
        }

        var coefficients = new double[m];
        for (int j = 0; j < m; j++)
        {
            var v = cols.AsSpan(j * n, n);
            double original = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v, v));
            for (int pass = 0; pass < passes; pass++)
            {
                for (int i = 0; i < j; i++)
                {
                    coefficients[i] = System.Numerics.Tensors.TensorPrimitives.Dot(cols.AsSpan(i * n, n), v);
                }

                for (int i = 0; i < j; i++)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(cols.AsSpan(i * n, n), -coefficients[i], v, v);
                }
            }

            double norm = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v, v));
            if (norm <= 1e-13 * Math.Max(original, double.Epsilon))
            {
                v.Clear(); // The column lies in the span of the previous ones: it contributes nothing.
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
            }
        }

        var result = new double[n * m];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < m; j++)
            {
                result[(r * m) + j] = cols[(j * n) + r];
            }
        }

        return result;
    }
}
