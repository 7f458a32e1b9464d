using NetLearn.Data;

namespace NetLearn.Plotting.Profiling;

/// <summary>
/// How strongly a feature is tied to the target, on a 0..1 scale whatever the column kinds: |Pearson r| between numbers,
/// the correlation ratio η between numbers and classes (Pearson 1903), Cramér's V between two categorical columns (Cramér 1946).
/// </summary>
internal static class Associations
{
    /// <summary>Whether a column is treated as classes (categorical, boolean, text, or numbers with at most 10 distinct values).</summary>
    public static bool IsClasses(Column column) => column.Kind != ColumnKind.DateTime && !Plot.IsContinuous(column);

    /// <summary>The association of <paramref name="feature"/> with <paramref name="target"/> on the sample, or null when it is not meaningful (ids, free text, dates).</summary>
    public static double? WithTarget(Column feature, Column target, ColumnProfile profile, long rows)
    {
        if (feature.Kind == ColumnKind.DateTime || target.Kind == ColumnKind.DateTime || profile.Distinct <= 1)
        {
            return null;
        }

        bool featureClasses = IsClasses(feature);
        bool targetClasses = IsClasses(target);
        if (featureClasses && profile.Distinct > Math.Max(50, 0.5 * profile.Count))
        {
            return null; // an id-like categorical column: every value names one row, so it "explains" anything
        }

        double value;
        if (!featureClasses && !targetClasses)
        {
            value = Math.Abs(Numerics.Pearson(feature.ToDoubleArray(), target.ToDoubleArray()));
        }
        else if (!featureClasses && targetClasses)
        {
            value = CorrelationRatio(Numerics.Labels(target), feature.ToDoubleArray());
        }
        else if (featureClasses && !targetClasses)
        {
            value = CorrelationRatio(Numerics.Labels(feature), target.ToDoubleArray());
        }
        else
        {
            value = CramersV(feature, target);
        }

        return double.IsFinite(value) ? Math.Clamp(value, 0, 1) : null;
    }

    /// <summary>η = sqrt(between-group sum of squares / total sum of squares), over rows where both are present.</summary>
    public static double CorrelationRatio(string[] groups, double[] values)
    {
        var sums = new Dictionary<string, (double Sum, long Count)>(StringComparer.Ordinal);
        double total = 0;
        long n = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || groups[i] == "(missing)")
            {
                continue;
            }

            var (s, c) = sums.GetValueOrDefault(groups[i]);
            sums[groups[i]] = (s + values[i], c + 1);
            total += values[i];
            n++;
        }

        if (n < 2 || sums.Count < 2)
        {
            return double.NaN;
        }

        double mean = total / n;
        double ssTotal = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]) && groups[i] != "(missing)")
            {
                ssTotal += (values[i] - mean) * (values[i] - mean);
            }
        }

        double ssBetween = sums.Values.Sum(g => g.Count * Math.Pow((g.Sum / g.Count) - mean, 2));
        return ssTotal > 0 ? Math.Sqrt(ssBetween / ssTotal) : double.NaN;
    }

    /// <summary>Cramér's V = sqrt(χ² / (n · (min(r, c) − 1))) of the contingency table, over rows where both are present.</summary>
    public static double CramersV(Column a, Column b)
    {
        string[] x = Numerics.Labels(a), y = Numerics.Labels(b);
        var table = new Dictionary<(string, string), long>();
        var rowTotals = new Dictionary<string, long>(StringComparer.Ordinal);
        var colTotals = new Dictionary<string, long>(StringComparer.Ordinal);
        long n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == "(missing)" || y[i] == "(missing)")
            {
                continue;
            }

            table[(x[i], y[i])] = table.GetValueOrDefault((x[i], y[i])) + 1;
            rowTotals[x[i]] = rowTotals.GetValueOrDefault(x[i]) + 1;
            colTotals[y[i]] = colTotals.GetValueOrDefault(y[i]) + 1;
            n++;
        }

        int k = Math.Min(rowTotals.Count, colTotals.Count);
        if (n == 0 || k < 2)
        {
            return double.NaN;
        }

        double chi2 = 0;
        foreach (var (r, rt) in rowTotals)
        {
            foreach (var (c, ct) in colTotals)
            {
                double expected = (double)rt * ct / n;
                double observed = table.GetValueOrDefault((r, c));
                chi2 += (observed - expected) * (observed - expected) / expected;
            }
        }

        return Math.Sqrt(chi2 / (n * (k - 1)));
    }
}
