using System.Globalization;
using System.Text.RegularExpressions;

namespace NetLearn.ModelSelection;

/// <summary>Makes a parameter active only when another parameter has one of some values (a conditional parameter).</summary>
/// <param name="Parent">The parameter it depends on.</param>
/// <param name="Values">The parent's values (as text) for which it is active.</param>
public sealed record Condition(string Parent, IReadOnlyList<string> Values)
{
    /// <summary>Whether the condition holds for the parameters chosen so far.</summary>
    public bool Holds(IReadOnlyDictionary<string, string> chosen) =>
        chosen.TryGetValue(Parent, out var value) && Values.Contains(value, StringComparer.Ordinal);
}

/// <summary>
/// One hyperparameter of a search space. Values are the text forms <see cref="Estimators.IEstimator.WithParameter"/>
/// takes; names may be nested pipeline parameters (<c>model.C</c>, <c>scale.with_mean</c>).
/// </summary>
public abstract record ParameterDistribution(string Name)
{
    /// <summary>When set, the parameter is used only when the condition holds.</summary>
    public Condition? When { get; init; }

    /// <summary>Draws one value uniformly (in log space for log-scaled parameters).</summary>
    public abstract string Sample(Random random);

    /// <summary>The values a grid search tries.</summary>
    public abstract IReadOnlyList<string> GridValues(int points);

    /// <summary>Formats a number as the parameter's text value.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One of a list of values (numbers or text).</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Choices">The values, as text.</param>
public sealed record Categorical(string Name, IReadOnlyList<string> Choices) : ParameterDistribution(Name)
{
    /// <inheritdoc />
    public override string Sample(Random random) => Choices[random.Next(Choices.Count)];

    /// <inheritdoc />
    public override IReadOnlyList<string> GridValues(int points) => Choices;
}

/// <summary>A real number, uniform on [low, high] (or log-uniform).</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Low">Smallest value.</param>
/// <param name="High">Largest value.</param>
/// <param name="Log">Uniform in log space (needs low &gt; 0).</param>
public sealed record FloatRange(string Name, double Low, double High, bool Log = false) : ParameterDistribution(Name)
{
    /// <summary>The value at position <paramref name="u"/> ∈ [0, 1] of the (log-)scaled range.</summary>
    public double FromUnit(double u) => Log ? Math.Exp(Math.Log(Low) + (u * (Math.Log(High) - Math.Log(Low)))) : Low + (u * (High - Low));

    /// <summary>The position of <paramref name="value"/> in the (log-)scaled range, 0 to 1.</summary>
    public double ToUnit(double value) => Log ? (Math.Log(value) - Math.Log(Low)) / (Math.Log(High) - Math.Log(Low)) : (value - Low) / (High - Low);

    /// <inheritdoc />
    public override string Sample(Random random) => Format(Math.Clamp(FromUnit(random.NextDouble()), Low, High));

    /// <inheritdoc />
    public override IReadOnlyList<string> GridValues(int points) =>
        [.. Enumerable.Range(0, points).Select(i => Format(points == 1 ? FromUnit(0.5) : Math.Clamp(FromUnit((double)i / (points - 1)), Low, High))).Distinct()];
}

/// <summary>An integer, uniform on [low, high] inclusive (or log-uniform).</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Low">Smallest value.</param>
/// <param name="High">Largest value.</param>
/// <param name="Log">Uniform in log space (needs low ≥ 1).</param>
public sealed record IntRange(string Name, int Low, int High, bool Log = false) : ParameterDistribution(Name)
{
    /// <summary>The integer at position <paramref name="u"/> ∈ [0, 1) of the (log-)scaled range; every integer gets an equal share (in log space when log-scaled).</summary>
    public int FromUnit(double u)
    {
        u = Math.Clamp(u, 0, 1);
        double x = Log ? Math.Exp(Math.Log(Low) + (u * (Math.Log(High + 1.0) - Math.Log(Low)))) : Low + (u * (High - Low + 1.0));
        return Math.Clamp((int)Math.Floor(x), Low, High);
    }

    /// <summary>The position of the middle of <paramref name="value"/>'s share of the (log-)scaled range, 0 to 1.</summary>
    public double ToUnit(double value) => Log
        ? (Math.Log(value + 0.5) - Math.Log(Low)) / (Math.Log(High + 1.0) - Math.Log(Low))
        : (value - Low + 0.5) / (High - Low + 1.0);

    /// <inheritdoc />
    public override string Sample(Random random) => FromUnit(random.NextDouble()).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override IReadOnlyList<string> GridValues(int points)
    {
        if (High - Low + 1 <= Math.Max(points, 10))
        {
            return [.. Enumerable.Range(Low, High - Low + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        }

        return [.. Enumerable.Range(0, points)
            .Select(i => Log ? (int)Math.Round(Math.Exp(Math.Log(Low) + (i * (Math.Log(High) - Math.Log(Low)) / (points - 1)))) : (int)Math.Round(Low + (i * (double)(High - Low) / (points - 1))))
            .Distinct().Select(i => i.ToString(CultureInfo.InvariantCulture))];
    }
}

/// <summary>
/// A hyperparameter search space: an ordered list of parameters, some conditional on others. Parse the command-line
/// syntax with <see cref="Parse"/>: <c>max_depth=int(2,12); learning_rate=loguniform(0.01,0.3); criterion=choice(gini,entropy)</c>.
/// </summary>
public sealed partial class SearchSpace
{
    /// <summary>Creates a space; a conditional parameter must come after its parent.</summary>
    /// <exception cref="HyperparameterException">A range is empty, a name repeats, or a parent comes after its child.</exception>
    public SearchSpace(params IEnumerable<ParameterDistribution> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = [.. parameters];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in Parameters)
        {
            Validate(p);
            if (p.When is { } when && !seen.Contains(when.Parent))
            {
                throw new HyperparameterException(p.Name, $"depends on '{when.Parent}', which must come before it in the search space");
            }

            if (!seen.Add(p.Name))
            {
                throw new HyperparameterException(p.Name, "appears twice in the search space");
            }
        }
    }

    /// <summary>The parameters, parents before the parameters that depend on them.</summary>
    public IReadOnlyList<ParameterDistribution> Parameters { get; }

    /// <summary>Draws one configuration at random (inactive conditional parameters are left out).</summary>
    public Dictionary<string, string> Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Parameters)
        {
            if (p.When is null || p.When.Holds(chosen))
            {
                chosen[p.Name] = p.Sample(random);
            }
        }

        return chosen;
    }

    /// <summary>Every combination of the parameters' grid values (continuous ranges get <paramref name="points"/> values each), in order.</summary>
    public IReadOnlyList<Dictionary<string, string>> Grid(int points = 5)
    {
        var partial = new List<Dictionary<string, string>> { new(StringComparer.Ordinal) };
        foreach (var p in Parameters)
        {
            var next = new List<Dictionary<string, string>>();
            foreach (var config in partial)
            {
                if (p.When is not null && !p.When.Holds(config))
                {
                    next.Add(config);
                    continue;
                }

                foreach (string value in p.GridValues(points))
                {
                    next.Add(new Dictionary<string, string>(config, StringComparer.Ordinal) { [p.Name] = value });
                }
            }

            partial = next;
        }

        return partial;
    }

    /// <summary>A copy with every parameter name prefixed (<c>C</c> → <c>model.C</c>), for tuning a step of a pipeline.</summary>
    public SearchSpace WithPrefix(string prefix) => new(Parameters.Select(p => p with
    {
        Name = prefix + p.Name,
        When = p.When is { } w ? w with { Parent = prefix + w.Parent } : null,
    }));

    /// <summary>
    /// Parses <c>name=spec</c> items separated by <c>;</c>. Specs: <c>choice(a,b,...)</c>, <c>uniform(lo,hi)</c>,
    /// <c>loguniform(lo,hi)</c>, <c>int(lo,hi)</c>, <c>intlog(lo,hi)</c>, or a single fixed value. An item may end with
    /// <c>if parent=v1|v2</c> to make it conditional.
    /// </summary>
    /// <exception cref="HyperparameterException">The text is not valid; the message shows the item and the syntax.</exception>
    public static SearchSpace Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parameters = new List<ParameterDistribution>();
        foreach (string raw in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string item = raw;
            Condition? when = null;
            var conditional = ConditionPattern().Match(item);
            if (conditional.Success)
            {
                item = item[..conditional.Index].Trim();
                when = new Condition(conditional.Groups[1].Value.Trim(), [.. conditional.Groups[2].Value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]);
            }

            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new HyperparameterException("space", $"'{raw}' is not name=distribution. {Syntax}");
            }

            string name = item[..eq].Trim();
            string spec = item[(eq + 1)..].Trim();
            var call = CallPattern().Match(spec);
            ParameterDistribution p;
            if (!call.Success)
            {
                p = new Categorical(name, [spec]);
            }
            else
            {
                string function = call.Groups[1].Value.ToLowerInvariant();
                string[] args = call.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries);
                p = function switch
                {
                    "choice" or "categorical" => new Categorical(name, [.. args.Where(a => a.Length > 0)]),
                    "uniform" => new FloatRange(name, Number(args, 0, raw), Number(args, 1, raw)),
                    "loguniform" or "logfloat" => new FloatRange(name, Number(args, 0, raw), Number(args, 1, raw), Log: true),
                    "int" or "randint" => new IntRange(name, Integer(args, 0, raw), Integer(args, 1, raw)),
                    "intlog" or "logint" => new IntRange(name, Integer(args, 0, raw), Integer(args, 1, raw), Log: true),
                    _ => throw new HyperparameterException("space", $"unknown distribution '{function}' in '{raw}'. {Syntax}"),
                };
                if (args.Length != 2 && p is not Categorical)
                {
                    throw new HyperparameterException("space", $"'{raw}': {function} takes two arguments (low, high). {Syntax}");
                }
            }

            parameters.Add(p with { When = when });
        }

        if (parameters.Count == 0)
        {
            throw new HyperparameterException("space", $"the search space is empty. {Syntax}");
        }

        return new SearchSpace(parameters);
    }

    /// <summary>The space in the syntax <see cref="Parse"/> reads.</summary>
    public override string ToString() => string.Join("; ", Parameters.Select(p =>
    {
        string spec = p switch
        {
            Categorical c => $"choice({string.Join(",", c.Choices)})",
            FloatRange f => string.Create(CultureInfo.InvariantCulture, $"{(f.Log ? "loguniform" : "uniform")}({f.Low},{f.High})"),
            IntRange i => string.Create(CultureInfo.InvariantCulture, $"{(i.Log ? "intlog" : "int")}({i.Low},{i.High})"),
            _ => p.ToString(),
        };
        return p.When is { } w ? $"{p.Name}={spec} if {w.Parent}={string.Join("|", w.Values)}" : $"{p.Name}={spec}";
    }));

    private const string Syntax = "Syntax: \"max_depth=int(2,12); learning_rate=loguniform(0.01,0.3); criterion=choice(gini,entropy); gamma=uniform(0,1) if kernel=rbf|poly\".";

    private static void Validate(ParameterDistribution p)
    {
        switch (p)
        {
            case Categorical { Choices.Count: 0 }:
                throw new HyperparameterException(p.Name, "choice() needs at least one value");
            case FloatRange f when !(f.Low < f.High) || !double.IsFinite(f.Low) || !double.IsFinite(f.High):
                throw new HyperparameterException(p.Name, string.Create(CultureInfo.InvariantCulture, $"the range needs low < high (got {f.Low}, {f.High})"));
            case FloatRange { Log: true, Low: <= 0 }:
                throw new HyperparameterException(p.Name, "loguniform needs a positive lower bound");
            case IntRange i when i.Low > i.High:
                throw new HyperparameterException(p.Name, string.Create(CultureInfo.InvariantCulture, $"the range needs low <= high (got {i.Low}, {i.High})"));
            case IntRange { Log: true, Low: < 1 }:
                throw new HyperparameterException(p.Name, "intlog needs a lower bound of at least 1");
        }
    }

    private static double Number(string[] args, int index, string raw) =>
        index < args.Length && double.TryParse(args[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new HyperparameterException("space", $"'{raw}': argument {index + 1} must be a number. {Syntax}");

    private static int Integer(string[] args, int index, string raw) =>
        index < args.Length && int.TryParse(args[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new HyperparameterException("space", $"'{raw}': argument {index + 1} must be an integer. {Syntax}");

    [GeneratedRegex(@"\s+if\s+([^=\s]+)\s*=\s*(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ConditionPattern();

    [GeneratedRegex(@"^([A-Za-z_]+)\s*\((.*)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex CallPattern();
}
