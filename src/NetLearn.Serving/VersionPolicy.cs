using System.Globalization;

namespace NetLearn.Serving;

/// <summary>Which of a model's versions the server loads (TensorFlow Serving's and Triton's version policies).</summary>
public sealed record VersionPolicy
{
    private VersionPolicy(string kind, int latest, IReadOnlySet<long> specific)
    {
        Kind = kind;
        Latest = latest;
        Specific = specific;
    }

    /// <summary><c>latest</c>, <c>all</c> or <c>specific</c>.</summary>
    public string Kind { get; }

    /// <summary>How many of the highest versions <c>latest</c> keeps.</summary>
    public int Latest { get; }

    /// <summary>The versions <c>specific</c> keeps.</summary>
    public IReadOnlySet<long> Specific { get; }

    /// <summary>The highest version only.</summary>
    public static VersionPolicy LatestOne { get; } = new("latest", 1, new HashSet<long>());

    /// <summary>Parses <c>latest</c>, <c>latest:N</c>, <c>all</c> or <c>specific:V1,V2</c>.</summary>
    /// <exception cref="FormatException">Not one of these forms.</exception>
    public static VersionPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t == "latest")
        {
            return LatestOne;
        }

        if (t == "all")
        {
            return new VersionPolicy("all", 0, new HashSet<long>());
        }

        if (t.StartsWith("latest:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1)
        {
            return new VersionPolicy("latest", n, new HashSet<long>());
        }

        if (t.StartsWith("specific:", StringComparison.Ordinal))
        {
            var versions = new HashSet<long>();
            foreach (string part in t[9..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v <= 0)
                {
                    throw new FormatException($"'{part}' in \"{text}\" is not a positive version number");
                }

                versions.Add(v);
            }

            if (versions.Count > 0)
            {
                return new VersionPolicy("specific", 0, versions);
            }
        }

        throw new FormatException($"\"{text}\" is not a version policy; use \"latest\", \"latest:N\", \"all\" or \"specific:1,2\"");
    }

    /// <summary>The versions to serve among <paramref name="available"/>.</summary>
    public IReadOnlyList<long> Select(IEnumerable<long> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        var sorted = available.Distinct().Order().ToList();
        return Kind switch
        {
            "all" => sorted,
            "specific" => [.. sorted.Where(Specific.Contains)],
            _ => [.. sorted.Skip(Math.Max(0, sorted.Count - Latest))],
        };
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        "all" => "all",
        "specific" => "specific:" + string.Join(',', Specific.Order()),
        _ => Latest == 1 ? "latest" : string.Create(CultureInfo.InvariantCulture, $"latest:{Latest}"),
    };
}
