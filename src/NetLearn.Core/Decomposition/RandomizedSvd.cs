using NetLearn.Clustering;
using NetLearn.LinearAlgebra;

namespace NetLearn.Decomposition;

/// <summary>A truncated SVD A ≈ U·diag(S)·Vᵀ: <c>U</c> is n×k row-major, <c>Vt</c> k×p row-major.</summary>
internal sealed record SvdResult(double[] U, double[] S, double[] Vt, int Rank);

/// <summary>
/// Randomized truncated SVD (Halko, Martinsson &amp; Tropp 2011, "Finding structure with randomness", algorithms 4.3/4.4
/// with subspace iteration), as scikit-learn's <c>randomized_svd</c>: a Gaussian test matrix Ω with
/// <c>n_oversamples</c> extra columns, <c>n_iter</c> power iterations, then an exact SVD of the small projected matrix
/// B = QᵀA. The basis spans A(AᵀA)^q Ω, as scikit-learn's; how it gets there is arranged so A is read once per
/// iteration (decision 4.17):
/// <list type="bullet">
/// <item>each power iteration is one fused pass Z ← orth(Aᵀ(A·Z)) (<see cref="DenseKernels.NormalTimes"/>), with the
/// p×l iterate re-orthonormalised by Gram–Schmidt (twice), where scikit-learn normalises the n×l and p×l iterates by LU;</item>
/// <item>the last pass forms Y = A·Z together with W = AᵀY and YᵀY; Y is orthonormalised by CholeskyQR2 (Fukaya et al.
/// 2014; Yamamoto et al. 2015), Q = Y·R⁻¹, so B = QᵀA = R⁻ᵀWᵀ needs no further pass over A. When Y is too ill-conditioned
/// for CholeskyQR2 (a pivot vanishes or the first pass leaves Q far from orthonormal) the classical Gram–Schmidt
/// ("twice is enough", Giraud et al. 2005) below takes over and B is formed from A directly.</item>
/// </list>
/// </summary>
internal static class RandomizedSvd
{
    public static SvdResult Compute(double[] a, int n, int p, int k, int oversamples, int iterations, Random rng)
    {
        int l = Math.Min(k + oversamples, Math.Min(n, p));
        var z = new double[p * l];
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = Unsupervised.Gaussian(rng);
        }

        for (int it = 0; it < iterations; it++)
        {
            z = Orthonormalize(DenseKernels.NormalTimes(a, n, p, z, l), p, l);
        }

        var y = new double[(long)n * l];
        var gram = new double[l * l];
        double[] w = DenseKernels.NormalTimes(a, n, p, z, l, y, gram); // W = AᵀY (p×l)
        double[] q, bt;
        if (CholeskyQr2(y, n, l, gram) is { } factor)
        {
            // B = R⁻ᵀ Wᵀ (l×p): forward substitution with Rᵀ (lower triangular), one column of Wᵀ (row of W) at a time.
            (q, double[] r) = factor;
            bt = new double[l * p];
            for (int j = 0; j < p; j++)
            {
                for (int i = 0; i < l; i++)
                {
                    double sum = w[(j * l) + i];
                    for (int t = 0; t < i; t++)
                    {
                        sum -= r[(t * l) + i] * bt[(t * p) + j];
                    }

                    bt[(i * p) + j] = sum / r[(i * l) + i];
                }
            }
        }
        else
        {
            q = Orthonormalize(y, n, l);
            bt = DenseKernels.TransposeMultiply(q, n, l, a, p); // B = QᵀA (l×p)
        }

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

    /// <summary>
    /// CholeskyQR2 of the tall n×m matrix <paramref name="y"/> (row-major) given its Gram matrix YᵀY: Q₁ = Y·R₁⁻¹ with
    /// R₁ the Cholesky factor of YᵀY, then the same once more on Q₁, so Q = Y·R⁻¹ with R = R₂R₁ (upper triangular,
    /// m×m row-major). Null when Y is too ill-conditioned for it to be accurate: a pivot loses more than six digits of
    /// its column's norm, or Q₁ is not within ‖Q₁ᵀQ₁ − I‖_F &lt; 0.5 of orthonormal (then the second pass could not restore
    /// orthogonality to working precision).
    /// </summary>
    private static (double[] Q, double[] R)? CholeskyQr2(double[] y, int n, int m, double[] gram)
    {
        if (Cholesky(gram, m) is not { } r1)
        {
            return null;
        }

        double[] q1 = DenseKernels.Multiply(y, n, m, UpperInverse(r1, m), m);
        double[] g2 = DenseKernels.Gram(q1, n, m);
        double deviation = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double d = g2[(i * m) + j] - (i == j ? 1.0 : 0.0);
                deviation += d * d;
            }
        }

        if (!(deviation < 0.25) || Cholesky(g2, m) is not { } r2)
        {
            return null;
        }

        double[] q = DenseKernels.Multiply(q1, n, m, UpperInverse(r2, m), m);
        var r = new double[m * m]; // R₂R₁, upper triangular
        for (int i = 0; i < m; i++)
        {
            for (int j = i; j < m; j++)
            {
                double sum = 0;
                for (int t = i; t <= j; t++)
                {
                    sum += r2[(i * m) + t] * r1[(t * m) + j];
                }

                r[(i * m) + j] = sum;
            }
        }

        return (q, r);
    }

    // Upper-triangular R (row-major) with RᵀR = G, or null when a pivot is not positive or keeps less than 1e-6 of its
    // column's norm (the column is numerically dependent on the previous ones).
    private static double[]? Cholesky(double[] g, int m)
    {
        var r = new double[m * m];
        for (int j = 0; j < m; j++)
        {
            double d = g[(j * m) + j];
            for (int t = 0; t < j; t++)
            {
                d -= r[(t * m) + j] * r[(t * m) + j];
            }

            if (!(d > 1e-12 * g[(j * m) + j]))
            {
                return null;
            }

            double pivot = Math.Sqrt(d);
            r[(j * m) + j] = pivot;
            for (int i = j + 1; i < m; i++)
            {
                double sum = g[(j * m) + i];
                for (int t = 0; t < j; t++)
                {
                    sum -= r[(t * m) + j] * r[(t * m) + i];
                }

                r[(j * m) + i] = sum / pivot;
            }
        }

        return r;
    }

    // The inverse of an upper-triangular m×m matrix (row-major), itself upper triangular: back substitution per column.
    private static double[] UpperInverse(double[] r, int m)
    {
        var inverse = new double[m * m];
        for (int c = 0; c < m; c++)
        {
            for (int i = c; i >= 0; i--)
            {
                double sum = i == c ? 1.0 : 0.0;
                for (int t = i + 1; t <= c; t++)
                {
                    sum -= r[(i * m) + t] * inverse[(t * m) + c];
                }

                inverse[(i * m) + c] = sum / r[(i * m) + i];
            }
        }

        return inverse;
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
