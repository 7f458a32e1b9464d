using System.Globalization;
using System.Text.RegularExpressions;
using NetLearn.Data;

namespace NetLearn.Plotting.Profiling;

/// <summary>The rules that turn a profile's statistics into warnings a data scientist should act on.</summary>
internal static partial class Warnings
{
    public static IReadOnlyList<ProfileWarning> For(DatasetProfile profile, ProfileOptions options)
    {
        var warnings = new List<ProfileWarning>();
        foreach (var c in profile.Columns)
        {
            if (c.Name != profile.Target && c.TargetAssociation is { } a && a >= options.LeakageAssociation)
            {
                warnings.Add(new(ProfileWarningKind.LikelyLeakage, c.Name, F($"'{c.Name}' is almost identical to the target '{profile.Target}' (association {a:0.000}): check that it is not derived from the target or only known afterwards; drop it if so.")));
            }
        }

        foreach (var c in profile.Columns)
        {
            if (IsLikelyId(c, profile.Rows))
            {
                warnings.Add(new(ProfileWarningKind.LikelyId, c.Name, F($"'{c.Name}' looks like a row identifier ({(c.DistinctIsExact ? "" : "about ")}{c.Distinct:N0} distinct values in {profile.Rows:N0} rows{(c.StrictlyIncreasing ? ", increasing" : "")}): drop it before training (netlearn train --drop {c.Name}).")));
            }
        }

        foreach (var c in profile.Columns)
        {
            if (c.Count == 0)
            {
                warnings.Add(new(ProfileWarningKind.Constant, c.Name, $"'{c.Name}' is empty (every value is missing): drop it."));
            }
            else if (c.Distinct <= 1)
            {
                string value = c.TopValues.Count > 0 ? c.TopValues[0].Key : c.Min.ToString("G6", CultureInfo.InvariantCulture);
                warnings.Add(new(ProfileWarningKind.Constant, c.Name, $"'{c.Name}' is constant (always '{value}'): it carries no information; drop it."));
            }
        }

        foreach (var c in profile.Columns)
        {
            if (c.Count > 0 && c.MissingFraction > options.ManyMissingFraction)
            {
                warnings.Add(new(ProfileWarningKind.ManyMissing, c.Name, F($"'{c.Name}' has {c.MissingFraction:P1} missing values ({c.Missing:N0}): impute them, add a missing-indicator column, or drop the column.")));
            }
        }

        if (profile.DuplicateRows > 0)
        {
            warnings.Add(new(ProfileWarningKind.DuplicateRows, null, F($"{profile.DuplicateRows:N0} rows ({(double)profile.DuplicateRows / profile.Rows:P2}) repeat an earlier row exactly: remove duplicates unless they are real repeated observations.")));
        }

        foreach (var c in profile.Columns)
        {
            if (c.Kind is ColumnKind.Categorical or ColumnKind.Text && c.Distinct > options.HighCardinality && !IsLikelyId(c, profile.Rows))
            {
                warnings.Add(new(ProfileWarningKind.HighCardinality, c.Name, F($"'{c.Name}' has high cardinality ({(c.DistinctIsExact ? "" : "about ")}{c.Distinct:N0} distinct values): one-hot encoding would make {c.Distinct:N0} columns; group rare values (min_frequency) or use target encoding.")));
            }
        }

        foreach (var c in profile.Columns)
        {
            if (c.Kind == ColumnKind.Numeric && c.Distinct > 2 && Math.Abs(c.Skewness) > options.HeavySkew && !IsLikelyId(c, profile.Rows))
            {
                warnings.Add(new(ProfileWarningKind.HeavySkew, c.Name, F($"'{c.Name}' is heavily skewed (skewness {c.Skewness:0.00}): consider a log or Yeo-Johnson transform for linear models.")));
            }
        }

        return warnings;
    }

    /// <summary>
    /// A column is a likely identifier when it has no missing values and (nearly) every value is distinct, and it is text,
    /// categorical, or whole numbers that increase row by row or whose name says "id".
    /// </summary>
    public static bool IsLikelyId(ColumnProfile c, long rows)
    {
        if (c.Missing > 0 || c.Count < 20 || c.Distinct < 0.97 * c.Count)
        {
            return false;
        }

        return c.Kind switch
        {
            ColumnKind.Text or ColumnKind.Categorical => true,
            ColumnKind.Numeric => c.IntegerValued && (c.StrictlyIncreasing || IdName().IsMatch(c.Name)),
            _ => false,
        };
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(^|[_\-\s.])(id|uuid|guid|key|index)$|^(id|uuid|guid|index)([_\-\s.]|$)|Id$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IdName();
}
