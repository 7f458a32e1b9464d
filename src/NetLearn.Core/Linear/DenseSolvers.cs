namespace NetLearn.Linear;

/// <summary>Small dense solvers for p×p systems (p = number of features).</summary>
internal static class DenseSolvers
{
    /// <summary>
    /// Solves A·x = b for symmetric positive definite A (row-major p×p) by Cholesky factorisation A = L·Lᵀ
    /// (Golub and Van Loan, Matrix Computations, §4.2). Returns <c>null</c> when A is not numerically positive definite.
    /// </summary>
    public static double[]? CholeskySolve(double[] a, int p, double[] b)
    {
        var l = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            double d = a[(j * p) + j];
            for (int k = 0; k < j; k++)
            {
                d -= l[(j * p) + k] * l[(j * p) + k];
            }

            if (!(d > 0))
            {
                return null;
            }

            double ljj = Math.Sqrt(d);
            l[(j * p) + j] = ljj;
            for (int i = j + 1; i < p; i++)
            {
                double s = a[(i * p) + j];
                for (int k = 0; k < j; k++)
                {
                    s -= l[(i * p) + k] * l[(j * p) + k];
                }

                l[(i * p) + j] = s / ljj;
            }
        }

        var z = new double[p];
        for (int i = 0; i < p; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++)
            {
                s -= l[(i * p) + k] * z[k];
            }

            z[i] = s / l[(i * p) + i];
        }

        var x = new double[p];
        for (int i = p - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < p; k++)
            {
                s -= l[(k * p) + i] * x[k];
            }

            x[i] = s / l[(i * p) + i];
        }

        return x;
    }
}
