using System.Numerics.Tensors;

namespace NetLearn.Optimization;

/// <summary>An objective: returns f(x) and writes ∇f(x) into <c>gradient</c>.</summary>
public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Settings of <see cref="Lbfgs"/>.</summary>
public sealed record LbfgsSettings
{
    /// <summary>Stop when the largest absolute gradient component is at most this (SciPy's <c>gtol</c>).</summary>
    public double GradientTolerance { get; init; } = 1e-5;

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Number of correction pairs kept (SciPy's <c>maxcor</c>).</summary>
    public int Memory { get; init; } = 10;
}

/// <summary>Outcome of a minimisation.</summary>
/// <param name="X">The final point.</param>
/// <param name="Value">f at <paramref name="X"/>.</param>
/// <param name="Iterations">Iterations performed.</param>
/// <param name="Converged">True when the gradient tolerance was met.</param>
/// <param name="Message">Why the solver stopped.</param>
public sealed record LbfgsResult(double[] X, double Value, int Iterations, bool Converged, string Message);

/// <summary>
/// Limited-memory BFGS for smooth unconstrained problems: the two-loop recursion for the search direction and a line
/// search satisfying the strong Wolfe conditions with cubic interpolation (Nocedal and Wright, Numerical Optimization,
/// 2nd ed., algorithms 7.4, 3.5 and 3.6). Written here rather than taken from MathNet because fits must report
/// progress and honour cancellation every iteration, and stop on SciPy's max-norm gradient test so that NetLearn's
/// <c>tol</c> means what scikit-learn's does.
/// </summary>
public static class Lbfgs
{
    private const double C1 = 1e-4;
    private const double C2 = 0.9;

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="x0"/>.</summary>
    /// <param name="objective">The function and its gradient.</param>
    /// <param name="x0">The starting point (not modified).</param>
    /// <param name="settings">Tolerances and limits.</param>
    /// <param name="onIteration">Called after each iteration with its number and f.</param>
    /// <param name="cancellationToken">Checked every iteration.</param>
    public static LbfgsResult Minimize(Objective objective, ReadOnlySpan<double> x0, LbfgsSettings? settings = null, Action<int, double>? onIteration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        settings ??= new LbfgsSettings();
        int n = x0.Length, m = Math.Max(1, settings.Memory);
        double[] x = x0.ToArray(), g = new double[n], d = new double[n];
        double[] xNew = new double[n], gNew = new double[n];
        var s = new double[m][];
        var y = new double[m][];
        var rho = new double[m];
        var alpha = new double[m];
        for (int i = 0; i < m; i++)
        {
            s[i] = new double[n];
            y[i] = new double[n];
        }

        double f = objective(x, g);
        if (!double.IsFinite(f))
        {
            return new LbfgsResult(x, f, 0, false, "The objective is not finite at the starting point.");
        }

        int stored = 0, newest = -1;
        for (int iteration = 1; ; iteration++)
        {
            if (Math.Abs(TensorPrimitives.MaxMagnitude<double>(g)) <= settings.GradientTolerance)
            {
                return new LbfgsResult(x, f, iteration - 1, true, "Gradient tolerance reached.");
            }

            if (iteration > settings.MaxIterations)
            {
                return new LbfgsResult(x, f, iteration - 1, false, "Iteration limit reached before convergence; raise max_iter or scale the features.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            Direction(g, d, s, y, rho, alpha, stored, newest, m);
            double dg0 = TensorPrimitives.Dot<double>(g, d);
            if (dg0 >= 0)
            {
                // Not a descent direction (lost curvature information): restart from steepest descent.
                stored = 0;
                TensorPrimitives.Negate<double>(g, d);
                dg0 = TensorPrimitives.Dot<double>(g, d);
            }

            double step0 = stored == 0 ? Math.Min(1.0, 1.0 / Math.Max(TensorPrimitives.Norm<double>(g), 1e-300)) : 1.0;
            double fNew = LineSearch(objective, x, f, dg0, d, step0, xNew, gNew, out bool ok);
            if (!ok)
            {
                bool converged = Math.Abs(TensorPrimitives.MaxMagnitude<double>(g)) <= Math.Max(settings.GradientTolerance, 1e-6);
                return new LbfgsResult(x, f, iteration - 1, converged, "The line search could not decrease the objective further (limit of machine precision).");
            }

            newest = (newest + 1) % m;
            TensorPrimitives.Subtract<double>(xNew, x, s[newest]);
            TensorPrimitives.Subtract<double>(gNew, g, y[newest]);
            double sy = TensorPrimitives.Dot<double>(s[newest], y[newest]);
            if (sy > 1e-12 * TensorPrimitives.Dot<double>(y[newest], y[newest]))
            {
                rho[newest] = 1.0 / sy;
                stored = Math.Min(stored + 1, m);
            }
            else
            {
                // Curvature condition failed: drop this pair.
                newest = (newest - 1 + m) % m;
            }

            xNew.CopyTo(x, 0);
            gNew.CopyTo(g, 0);
            f = fNew;
            onIteration?.Invoke(iteration, f);
        }
    }

    private static void Direction(double[] g, double[] d, double[][] s, double[][] y, double[] rho, double[] alpha, int stored, int newest, int m)
    {
        g.CopyTo(d, 0);
        for (int k = 0; k < stored; k++)
        {
            int i = (newest - k + m) % m;
            alpha[i] = rho[i] * TensorPrimitives.Dot<double>(s[i], d);
            TensorPrimitives.MultiplyAdd<double>(y[i], -alpha[i], d, d);
        }

        if (stored > 0)
        {
            double gamma = 1.0 / (rho[newest] * TensorPrimitives.Dot<double>(y[newest], y[newest]));
            TensorPrimitives.Multiply<double>(d, gamma, d);
        }

        for (int k = stored - 1; k >= 0; k--)
        {
            int i = (newest - k + m) % m;
            double beta = rho[i] * TensorPrimitives.Dot<double>(y[i], d);
            TensorPrimitives.MultiplyAdd<double>(s[i], alpha[i] - beta, d, d);
        }

        TensorPrimitives.Negate<double>(d, d);
    }

    private static double LineSearch(Objective objective, double[] x, double f0, double dg0, double[] d, double step0, double[] xNew, double[] gNew, out bool ok)
    {
        double Evaluate(double a, out double dg)
        {
            TensorPrimitives.MultiplyAdd<double>(d, a, x, xNew);
            double value = objective(xNew, gNew);
            dg = TensorPrimitives.Dot<double>(gNew, d);
            return value;
        }

        double aPrev = 0, fPrev = f0, dgPrev = dg0, a = step0;
        for (int i = 0; i < 40; i++)
        {
            double fa = Evaluate(a, out double dga);
            if (!double.IsFinite(fa) || fa > f0 + (C1 * a * dg0) || (i > 0 && fa >= fPrev))
            {
                return Zoom(aPrev, a, fPrev, double.IsFinite(fa) ? fa : double.MaxValue, dgPrev, double.IsFinite(dga) ? dga : 0, out ok);
            }

            if (Math.Abs(dga) <= -C2 * dg0)
            {
                ok = true;
                return fa;
            }

            if (dga >= 0)
            {
                return Zoom(a, aPrev, fa, fPrev, dga, dgPrev, out ok);
            }

            aPrev = a;
            fPrev = fa;
            dgPrev = dga;
            a *= 2;
        }

        ok = false;
        return f0;

        double Zoom(double lo, double hi, double fLo, double fHi, double dLo, double dHi, out bool success)
        {
            for (int j = 0; j < 60; j++)
            {
                double trial = Cubic(lo, fLo, dLo, hi, fHi, dHi);
                double width = Math.Abs(hi - lo);
                if (width < 1e-16 * Math.Max(1, Math.Abs(lo)))
                {
                    break;
                }

                double low = Math.Min(lo, hi), high = Math.Max(lo, hi);
                if (!double.IsFinite(trial) || trial < low + (0.1 * width) || trial > high - (0.1 * width))
                {
                    trial = 0.5 * (lo + hi);
                }

                double ft = Evaluate(trial, out double dgt);
                if (!double.IsFinite(ft) || ft > f0 + (C1 * trial * dg0) || ft >= fLo)
                {
                    hi = trial;
                    fHi = double.IsFinite(ft) ? ft : double.MaxValue;
                    dHi = double.IsFinite(dgt) ? dgt : 0;
                }
                else
                {
                    if (Math.Abs(dgt) <= -C2 * dg0)
                    {
                        success = true;
                        return ft;
                    }

                    if (dgt * (hi - lo) >= 0)
                    {
                        hi = lo;
                        fHi = fLo;
                        dHi = dLo;
                    }

                    lo = trial;
                    fLo = ft;
                    dLo = dgt;
                }
            }

            // Accept the best sufficient-decrease point found, if any.
            if (lo > 0 && fLo < f0)
            {
                double fl = Evaluate(lo, out _);
                success = true;
                return fl;
            }

            success = false;
            return f0;
        }
    }

    private static double Cubic(double a, double fa, double da, double b, double fb, double db)
    {
        double d1 = da + db - (3 * (fa - fb) / (a - b));
        double disc = (d1 * d1) - (da * db);
        if (disc < 0)
        {
            return double.NaN;
        }

        double d2 = Math.Sign(b - a) * Math.Sqrt(disc);
        return b - ((b - a) * (db + d2 - d1) / (db - da + (2 * d2)));
    }
}
