namespace NetLearn.Manifold;

/// <summary>
/// The low-dimensional similarity curve 1 / (1 + a·d^(2b)) of UMAP, fitted to the "offset exponential" target
/// (1 below <c>min_dist</c>, exp(−(d − min_dist)/spread) above) on 300 points of [0, 3·spread] by least squares, as
/// umap-learn's <c>find_ab_params</c> does with SciPy's <c>curve_fit</c> (McInnes, Healy &amp; Melville 2018, §3.2 and
/// appendix C). We solve the same two-parameter problem with Levenberg–Marquardt (Moré 1978) and an analytic
/// Jacobian from curve_fit's starting point (1, 1), converged far tighter than MINPACK's default tolerances.
/// </summary>
internal static class UmapCurve
{
    private const int Points = 300;
    private const int MaxIterations = 500;

    /// <summary>The parameters (a, b) for <paramref name="minDist"/> and <paramref name="spread"/>.</summary>
    public static (double A, double B) Fit(double spread, double minDist)
    {
        var x = new double[Points];
        var y = new double[Points];
        for (int i = 0; i < Points; i++)
        {
            // numpy.linspace(0, 3·spread, 300): start + i·step, the last point exactly the end.
            x[i] = i == Points - 1 ? 3 * spread : i * (3 * spread / (Points - 1));
            y[i] = x[i] < minDist ? 1.0 : Math.Exp(-(x[i] - minDist) / spread);
        }

        double a = 1, b = 1, lambda = 1e-3;
        double cost = Cost(x, y, a, b);
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            // Normal equations JᵀJ·δ = −Jᵀr of the residuals r = f(x; a, b) − y.
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 0; i < Points; i++)
            {
                var (f, da, db) = Curve(x[i], a, b);
                double r = f - y[i];
                jaa += da * da;
                jab += da * db;
                jbb += db * db;
                ga += da * r;
                gb += db * r;
            }

            bool improved = false;
            while (lambda < 1e16)
            {
                double maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda);
                double det = (maa * mbb) - (jab * jab);
                double stepA = (-(mbb * ga) + (jab * gb)) / det;
                double stepB = (-(maa * gb) + (jab * ga)) / det;
                double newCost = Cost(x, y, a + stepA, b + stepB);
                if (double.IsFinite(newCost) && newCost <= cost)
                {
                    bool converged = Math.Abs(stepA) <= 1e-14 * (Math.Abs(a) + 1e-14) && Math.Abs(stepB) <= 1e-14 * (Math.Abs(b) + 1e-14);
                    a += stepA;
                    b += stepB;
                    cost = newCost;
                    lambda = Math.Max(lambda / 10, 1e-12);
                    improved = true;
                    if (converged)
                    {
                        return (a, b);
                    }

                    break;
                }

                lambda *= 10;
            }

            if (!improved)
            {
                break;
            }
        }

        return (a, b);
    }

    private static double Cost(double[] x, double[] y, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = Curve(x[i], a, b).F - y[i];
            sum += r * r;
        }

        return sum;
    }

    // f = 1/(1 + a·x^(2b)); ∂f/∂a = −x^(2b)·f²; ∂f/∂b = −2a·ln(x)·x^(2b)·f² (0 at x = 0).
    private static (double F, double DA, double DB) Curve(double x, double a, double b)
    {
        if (x == 0)
        {
            return (1.0, 0.0, 0.0);
        }

        double u = Math.Pow(x, 2 * b);
        double f = 1.0 / (1.0 + (a * u));
        double f2 = f * f;
        return (f, -u * f2, -2 * a * Math.Log(x) * u * f2);
    }
}
