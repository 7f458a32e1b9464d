namespace NetLearn.Optimization;

/// <summary>
/// One-dimensional minimisation without derivatives: a downhill bracket search from two starting points followed by
/// Brent's method (R. P. Brent, "Algorithms for Minimization without Derivatives", 1973, ch. 5: golden-section steps
/// safeguarded parabolic interpolation). The bracket expansion and stopping rule follow SciPy's <c>optimize.brent</c>
/// (relative tolerance 1.48e-8, absolute 1e-11), so estimators that call it in scikit-learn land on the same point.
/// </summary>
public static class Brent
{
    private const double Golden = 1.618034;
    private const double GoldenSection = 0.3819660;
    private const double MinTolerance = 1.0e-11;
    private const double VerySmall = 1e-21;

    /// <summary>Minimises <paramref name="f"/> starting from the bracket guess (<paramref name="a"/>, <paramref name="b"/>).</summary>
    /// <param name="f">The function to minimise.</param>
    /// <param name="a">First starting point.</param>
    /// <param name="b">Second starting point.</param>
    /// <param name="tolerance">Relative tolerance on the minimiser.</param>
    /// <param name="maxIterations">Iteration limit of the Brent phase.</param>
    /// <returns>The minimiser.</returns>
    public static double Minimize(Func<double, double> f, double a = 0.0, double b = 1.0, double tolerance = 1.48e-8, int maxIterations = 500)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (xa, xb, xc, _, fb, _) = Bracket(f, a, b);
        double x = xb, w = xb, v = xb;
        double fx = fb, fw = fb, fv = fb;
        double lo = Math.Min(xa, xc), hi = Math.Max(xa, xc);
        double deltax = 0.0, rat = 0.0;
        for (int iter = 0; iter < maxIterations; iter++)
        {
            double tol1 = (tolerance * Math.Abs(x)) + MinTolerance;
            double tol2 = 2.0 * tol1;
            double xmid = 0.5 * (lo + hi);
            if (Math.Abs(x - xmid) < tol2 - (0.5 * (hi - lo)))
            {
                break;
            }

            if (Math.Abs(deltax) <= tol1)
            {
                deltax = x >= xmid ? lo - x : hi - x;
                rat = GoldenSection * deltax;
            }
            else
            {
                double tmp1 = (x - w) * (fx - fv);
                double tmp2 = (x - v) * (fx - fw);
                double p = ((x - v) * tmp2) - ((x - w) * tmp1);
                tmp2 = 2.0 * (tmp2 - tmp1);
                if (tmp2 > 0.0)
                {
                    p = -p;
                }

                tmp2 = Math.Abs(tmp2);
                double previous = deltax;
                deltax = rat;
                if (p > tmp2 * (lo - x) && p < tmp2 * (hi - x) && Math.Abs(p) < Math.Abs(0.5 * tmp2 * previous))
                {
                    rat = p * 1.0 / tmp2;
                    double trial = x + rat;
                    if (trial - lo < tol2 || hi - trial < tol2)
                    {
                        rat = xmid - x >= 0 ? tol1 : -tol1;
                    }
                }
                else
                {
                    deltax = x >= xmid ? lo - x : hi - x;
                    rat = GoldenSection * deltax;
                }
            }

            double u = Math.Abs(rat) < tol1 ? (rat >= 0 ? x + tol1 : x - tol1) : x + rat;
            double fu = f(u);
            if (fu > fx)
            {
                if (u < x)
                {
                    lo = u;
                }
                else
                {
                    hi = u;
                }

                if (fu <= fw || w == x)
                {
                    v = w;
                    w = u;
                    fv = fw;
                    fw = fu;
                }
                else if (fu <= fv || v == x || v == w)
                {
                    v = u;
                    fv = fu;
                }
            }
            else
            {
                if (u >= x)
                {
                    lo = x;
                }
                else
                {
                    hi = x;
                }

                v = w;
                w = x;
                x = u;
                fv = fw;
                fw = fx;
                fx = fu;
            }
        }

        return x;
    }

    /// <summary>Expands (<paramref name="xa"/>, <paramref name="xb"/>) downhill until it brackets a minimum: f(xb) ≤ f(xa), f(xc).</summary>
    internal static (double Xa, double Xb, double Xc, double Fa, double Fb, double Fc) Bracket(Func<double, double> f, double xa, double xb, double growLimit = 110.0, int maxIterations = 1000)
    {
        double fa = f(xa), fb = f(xb);
        if (fa < fb)
        {
            (xa, xb) = (xb, xa);
            (fa, fb) = (fb, fa);
        }

        double xc = xb + (Golden * (xb - xa));
        double fc = f(xc);
        int iter = 0;
        while (fc < fb)
        {
            double tmp1 = (xb - xa) * (fb - fc);
            double tmp2 = (xb - xc) * (fb - fa);
            double val = tmp2 - tmp1;
            double denom = Math.Abs(val) < VerySmall ? 2.0 * VerySmall : 2.0 * val;
            double w = xb - ((((xb - xc) * tmp2) - ((xb - xa) * tmp1)) / denom);
            double wlim = xb + (growLimit * (xc - xb));
            if (iter > maxIterations)
            {
                throw new InvalidOperationException("Brent: the bracket search did not find a minimum (the function may decrease without bound).");
            }

            iter++;
            double fw;
            if ((w - xc) * (xb - w) > 0.0)
            {
                fw = f(w);
                if (fw < fc)
                {
                    return (xb, w, xc, fb, fw, fc);
                }

                if (fw > fb)
                {
                    return (xa, xb, w, fa, fb, fw);
                }

                w = xc + (Golden * (xc - xb));
                fw = f(w);
            }
            else if ((w - wlim) * (wlim - xc) >= 0.0)
            {
                w = wlim;
                fw = f(w);
            }
            else if ((w - wlim) * (xc - w) > 0.0)
            {
                fw = f(w);
                if (fw < fc)
                {
                    xb = xc;
                    xc = w;
                    w = xc + (Golden * (xc - xb));
                    fb = fc;
                    fc = fw;
                    fw = f(w);
                }
            }
            else
            {
                w = xc + (Golden * (xc - xb));
                fw = f(w);
            }

            xa = xb;
            xb = xc;
            xc = w;
            fa = fb;
            fb = fc;
            fc = fw;
        }

        return (xa, xb, xc, fa, fb, fc);
    }
}
