using System.Globalization;
using MathNet.Numerics;

namespace NetLearn.ModelSelection;

/// <summary>A finished trial as a sampler sees it: its parameters and its score (larger is better).</summary>
/// <param name="Parameters">The parameter values, as text.</param>
/// <param name="Score">The score to maximise.</param>
public sealed record Observation(IReadOnlyDictionary<string, string> Parameters, double Score);

/// <summary>Chooses the parameters of the next trial of a search.</summary>
public interface ISearchSampler
{
    /// <summary>
    /// The parameters of trial <paramref name="trial"/> (0-based), given the successful trials finished so far, or null
    /// when the sampler has nothing left to try (a grid is exhausted). <paramref name="random"/> is seeded per trial.
    /// </summary>
    Dictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<Observation> history, int trial, Random random);
}

/// <summary>Every combination of the space's grid values, in order (scikit-learn's <c>GridSearchCV</c>).</summary>
/// <param name="points">Values tried for each continuous range (ints with at most max(points, 10) values are tried exhaustively).</param>
public sealed class GridSampler(int points = 5) : ISearchSampler
{
    private readonly Dictionary<SearchSpace, IReadOnlyList<Dictionary<string, string>>> _grids = [];

    /// <summary>Values tried for each continuous range.</summary>
    public int Points { get; } = points;

    /// <summary>The number of configurations of the grid of <paramref name="space"/>.</summary>
    public int Size(SearchSpace space) => Grid(space).Count;

    /// <inheritdoc />
    public Dictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<Observation> history, int trial, Random random)
    {
        var grid = Grid(space);
        return trial < grid.Count ? new Dictionary<string, string>(grid[trial], StringComparer.Ordinal) : null;
    }

    private IReadOnlyList<Dictionary<string, string>> Grid(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        lock (_grids)
        {
            if (!_grids.TryGetValue(space, out var grid))
            {
                grid = space.Grid(Points);
                _grids[space] = grid;
            }

            return grid;
        }
    }
}

/// <summary>Independent uniform draws from the space (scikit-learn's <c>RandomizedSearchCV</c>; Bergstra and Bengio 2012).</summary>
public sealed record RandomSampler : ISearchSampler
{
    /// <inheritdoc />
    public Dictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<Observation> history, int trial, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        return space.Sample(random);
    }
}

/// <summary>
/// Bayesian optimisation with the Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio and Kégl 2011,
/// "Algorithms for Hyper-Parameter Optimization"; bandwidth and prior rules as in Optuna's TPESampler, Akiba et al. 2019).
/// After <see cref="StartupTrials"/> random trials, the finished trials are split into the best γ(n) = min(⌈0.1·n⌉, 25)
/// and the rest; each parameter gets a Parzen density l(x) over the good values and g(x) over the others, and the
/// next value is the one of <see cref="Candidates"/> draws from l that maximises l(x)/g(x) (the expected-improvement
/// maximiser under TPE's model). Parameters are modelled one at a time, so conditional parameters need no special case:
/// a parameter's densities use only the trials in which it was active.
/// </summary>
/// <param name="StartupTrials">Random trials before the model is used.</param>
/// <param name="Candidates">Draws from l(x) scored per parameter.</param>
/// <param name="PriorWeight">Weight of the uniform prior component in both densities.</param>
/// <param name="Multivariate">
/// Model the unconditional numeric parameters jointly (one multivariate Parzen estimator with product kernels, Falkner,
/// Klein and Hutter 2018, "BOHB"; Optuna's <c>multivariate=True</c>), which captures interactions between them;
/// categorical and conditional parameters stay univariate.
/// </param>
public sealed record TpeSampler(int StartupTrials = 10, int Candidates = 24, double PriorWeight = 1.0, bool Multivariate = true) : ISearchSampler
{
    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <inheritdoc />
    public Dictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<Observation> history, int trial, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(random);
        var finished = history.Where(o => double.IsFinite(o.Score)).ToList();
        if (finished.Count < Math.Max(StartupTrials, 2))
        {
            return space.Sample(random);
        }

        // Best first; ties keep trial order so the split is deterministic.
        var sorted = finished.Select((o, i) => (o, i)).OrderByDescending(t => t.o.Score).ThenBy(t => t.i).Select(t => t.o).ToList();
        int nGood = Math.Clamp((int)Math.Ceiling(0.1 * sorted.Count), 1, 25);
        var good = sorted.Take(nGood).ToList();
        var bad = sorted.Skip(nGood).ToList();
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        var joint = space.Parameters.Where(p => p.When is null && p is FloatRange or IntRange).ToList();
        if (Multivariate && joint.Count >= 2)
        {
            double[] u = SuggestJoint(JointUnits(good, joint), JointUnits(bad, joint), joint.Count, random);
            for (int d = 0; d < joint.Count; d++)
            {
                chosen[joint[d].Name] = joint[d] switch
                {
                    FloatRange f => ParameterDistribution.Format(Math.Clamp(f.FromUnit(u[d]), f.Low, f.High)),
                    IntRange i => i.FromUnit(u[d]).ToString(CultureInfo.InvariantCulture),
                    _ => throw new InvalidOperationException(),
                };
            }
        }

        foreach (var p in space.Parameters)
        {
            if ((p.When is not null && !p.When.Holds(chosen)) || chosen.ContainsKey(p.Name))
            {
                continue;
            }

            chosen[p.Name] = p switch
            {
                Categorical c => SuggestCategorical(c, Values(good, p.Name), Values(bad, p.Name), random),
                FloatRange f => ParameterDistribution.Format(Math.Clamp(f.FromUnit(SuggestUnit(Units(good, p), Units(bad, p), random)), f.Low, f.High)),
                IntRange i => i.FromUnit(SuggestUnit(Units(good, p), Units(bad, p), random)).ToString(CultureInfo.InvariantCulture),
                _ => p.Sample(random),
            };
        }

        return chosen;
    }

    private static double[][] JointUnits(List<Observation> trials, List<ParameterDistribution> joint)
    {
        var result = new List<double[]>();
        foreach (var t in trials)
        {
            var u = new double[joint.Count];
            bool ok = true;
            for (int d = 0; d < joint.Count && ok; d++)
            {
                ok = t.Parameters.TryGetValue(joint[d].Name, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v);
                if (ok)
                {
                    double value = double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture);
                    u[d] = Math.Clamp(joint[d] is FloatRange f ? f.ToUnit(value) : ((IntRange)joint[d]).ToUnit(value), 0, 1);
                }
            }

            if (ok)
            {
                result.Add(u);
            }
        }

        return [.. result];
    }

    /// <summary>
    /// Joint suggestion in the unit cube: product-kernel Parzen mixtures over good and bad points, bandwidth
    /// 0.2·n^(−1/(d+4)) per dimension (Scott's rule as Optuna's multivariate TPE scales it), plus a wide prior at the centre.
    /// </summary>
    private double[] SuggestJoint(double[][] good, double[][] bad, int dims, Random random)
    {
        var l = JointParzen(good, dims);
        var g = JointParzen(bad, dims);
        double[] best = [.. Enumerable.Repeat(0.5, dims)];
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < Candidates; c++)
        {
            int k = Pick(l.Weight, random);
            var x = new double[dims];
            for (int d = 0; d < dims; d++)
            {
                x[d] = SampleTruncated(l.Mu[k][d], l.Sigma[k], random);
            }

            double score = JointLogDensity(l, x) - JointLogDensity(g, x);
            if (score > bestScore)
            {
                bestScore = score;
                best = x;
            }
        }

        return best;
    }

    private (double[][] Mu, double[] Sigma, double[] Weight) JointParzen(double[][] observed, int dims)
    {
        int n = observed.Length;
        double bandwidth = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (dims + 4));
        double[][] mus = [.. observed, [.. Enumerable.Repeat(0.5, dims)]];
        double[] sigma = [.. Enumerable.Repeat(bandwidth, n), 1.0];
        double total = n + PriorWeight;
        double[] weight = [.. Enumerable.Repeat(1.0 / total, n), PriorWeight / total];
        return (mus, sigma, weight);
    }

    private static double JointLogDensity((double[][] Mu, double[] Sigma, double[] Weight) m, double[] x)
    {
        var terms = new double[m.Mu.Length];
        double max = double.NegativeInfinity;
        for (int k = 0; k < terms.Length; k++)
        {
            double t = Math.Log(m.Weight[k]);
            double s = m.Sigma[k];
            for (int d = 0; d < x.Length; d++)
            {
                double mu = m.Mu[k][d];
                double z = (x[d] - mu) / s;
                double mass = NormalCdf((1 - mu) / s) - NormalCdf((0 - mu) / s);
                t += -(0.5 * z * z) - LogSqrt2Pi - Math.Log(s) - Math.Log(Math.Max(mass, 1e-300));
            }

            terms[k] = t;
            max = Math.Max(max, t);
        }

        double sum = 0;
        foreach (double t in terms)
        {
            sum += Math.Exp(t - max);
        }

        return max + Math.Log(sum);
    }

    private static double SampleTruncated(double mu, double sigma, Random random)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            double x = mu + (sigma * Gaussian(random));
            if (x is >= 0 and <= 1)
            {
                return x;
            }
        }

        return random.NextDouble();
    }

    private static List<string> Values(List<Observation> trials, string name) =>
        [.. trials.Where(t => t.Parameters.ContainsKey(name)).Select(t => t.Parameters[name])];

    private static double[] Units(List<Observation> trials, ParameterDistribution p)
    {
        var result = new List<double>();
        foreach (string text in Values(trials, p.Name))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                result.Add(Math.Clamp(p is FloatRange f ? f.ToUnit(v) : ((IntRange)p).ToUnit(v), 0, 1));
            }
        }

        return [.. result];
    }

    private string SuggestCategorical(Categorical p, List<string> good, List<string> bad, Random random)
    {
        double[] l = CategoricalWeights(p, good);
        double[] g = CategoricalWeights(p, bad);
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < Candidates; c++)
        {
            int k = Pick(l, random);
            double score = Math.Log(l[k]) - Math.Log(g[k]);
            if (score > bestScore)
            {
                bestScore = score;
                best = k;
            }
        }

        return p.Choices[best];
    }

    private double[] CategoricalWeights(Categorical p, List<string> observed)
    {
        var w = new double[p.Choices.Count];
        Array.Fill(w, PriorWeight / w.Length);
        foreach (string v in observed)
        {
            int k = IndexOf(p.Choices, v);
            if (k >= 0)
            {
                w[k] += 1;
            }
        }

        double sum = w.Sum();
        return [.. w.Select(x => x / sum)];
    }

    private static int IndexOf(IReadOnlyList<string> choices, string value)
    {
        for (int i = 0; i < choices.Count; i++)
        {
            if (choices[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Suggests a position in [0, 1] from Parzen estimators over the good and bad positions.</summary>
    private double SuggestUnit(double[] good, double[] bad, Random random)
    {
        var l = Parzen(good);
        var g = Parzen(bad);
        double best = 0.5, bestScore = double.NegativeInfinity;
        for (int c = 0; c < Candidates; c++)
        {
            double x = SampleMixture(l, random);
            double score = LogDensity(l, x) - LogDensity(g, x);
            if (score > bestScore)
            {
                bestScore = score;
                best = x;
            }
        }

        return best;
    }

    /// <summary>Truncated-Gaussian mixture on [0, 1]: one component per observation plus a wide prior at the centre.</summary>
    private (double[] Mu, double[] Sigma, double[] Weight) Parzen(double[] observed)
    {
        int n = observed.Length;
        double[] mus = [.. observed, 0.5];
        int[] order = [.. Enumerable.Range(0, n + 1).OrderBy(i => mus[i])];
        double[] sorted = [.. order.Select(i => mus[i])];
        var sigmaSorted = new double[n + 1];
        for (int j = 0; j <= n; j++)
        {
            double left = j > 0 ? sorted[j] - sorted[j - 1] : sorted[j] - 0;
            double right = j < n ? sorted[j + 1] - sorted[j] : 1 - sorted[j];
            sigmaSorted[j] = Math.Max(left, right);
        }

        if (n + 1 >= 2)
        {
            sigmaSorted[0] = sorted[1] - sorted[0];
            sigmaSorted[n] = sorted[n] - sorted[n - 1];
        }

        // Optuna's "magic clip": bandwidths between 1/min(100, n + 1) of the range and the whole range.
        double minSigma = 1.0 / Math.Min(100.0, 1.0 + n + 1);
        var sigma = new double[n + 1];
        for (int j = 0; j <= n; j++)
        {
            sigma[order[j]] = Math.Clamp(sigmaSorted[j], minSigma, 1.0);
        }

        sigma[n] = 1.0;
        var weight = new double[n + 1];
        double total = n + PriorWeight;
        for (int i = 0; i < n; i++)
        {
            weight[i] = 1.0 / total;
        }

        weight[n] = PriorWeight / total;
        return (mus, sigma, weight);
    }

    private static double SampleMixture((double[] Mu, double[] Sigma, double[] Weight) m, Random random)
    {
        int k = Pick(m.Weight, random);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            double x = m.Mu[k] + (m.Sigma[k] * Gaussian(random));
            if (x is >= 0 and <= 1)
            {
                return x;
            }
        }

        return random.NextDouble();
    }

    private static double LogDensity((double[] Mu, double[] Sigma, double[] Weight) m, double x)
    {
        double max = double.NegativeInfinity;
        var terms = new double[m.Mu.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            double z = (x - m.Mu[i]) / m.Sigma[i];
            double mass = NormalCdf((1 - m.Mu[i]) / m.Sigma[i]) - NormalCdf((0 - m.Mu[i]) / m.Sigma[i]);
            terms[i] = Math.Log(m.Weight[i]) - (0.5 * z * z) - LogSqrt2Pi - Math.Log(m.Sigma[i]) - Math.Log(Math.Max(mass, 1e-300));
            max = Math.Max(max, terms[i]);
        }

        double sum = 0;
        foreach (double t in terms)
        {
            sum += Math.Exp(t - max);
        }

        return max + Math.Log(sum);
    }

    private static double NormalCdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    private static double Gaussian(Random random)
    {
        // Box–Muller.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static int Pick(double[] weights, Random random)
    {
        double u = random.NextDouble() * weights.Sum();
        for (int i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u <= 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
