using NetLearn.Data;

namespace NetLearn.Plotting.Profiling;

/// <summary>Settings of a profile.</summary>
public sealed record ProfileOptions
{
    /// <summary>The target column, whose relationships with the features get their own section; <c>null</c> for none.</summary>
    public string? Target { get; init; }

    /// <summary>The size of the uniform row sample (reservoir) behind quantiles, plots and correlations.</summary>
    public int SampleRows { get; init; } = 20_000;

    /// <summary>Seed of the reservoir sample, so reports are reproducible.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Rows per streamed batch.</summary>
    public int BatchRows { get; init; } = 65_536;

    /// <summary>A column with more missing values than this fraction is flagged.</summary>
    public double ManyMissingFraction { get; init; } = 0.2;

    /// <summary>A categorical or text column with more distinct values than this is flagged as high-cardinality.</summary>
    public int HighCardinality { get; init; } = 50;

    /// <summary>A numeric column whose absolute skewness exceeds this is flagged.</summary>
    public double HeavySkew { get; init; } = 2.0;

    /// <summary>A feature whose association with the target reaches this is flagged as likely leakage.</summary>
    public double LeakageAssociation { get; init; } = 0.98;
}

/// <summary>What one column looks like.</summary>
public sealed record ColumnProfile
{
    /// <summary>The column name.</summary>
    public required string Name { get; init; }

    /// <summary>The inferred kind.</summary>
    public required ColumnKind Kind { get; init; }

    /// <summary>Non-missing values.</summary>
    public long Count { get; init; }

    /// <summary>Missing values.</summary>
    public long Missing { get; init; }

    /// <summary>Distinct non-missing values (exact when <see cref="DistinctIsExact"/>, else a HyperLogLog estimate).</summary>
    public long Distinct { get; init; }

    /// <summary>Whether <see cref="Distinct"/> is exact.</summary>
    public bool DistinctIsExact { get; init; }

    /// <summary>Mean (numeric and boolean columns; NaN otherwise).</summary>
    public double Mean { get; init; } = double.NaN;

    /// <summary>Sample standard deviation.</summary>
    public double StdDev { get; init; } = double.NaN;

    /// <summary>Minimum.</summary>
    public double Min { get; init; } = double.NaN;

    /// <summary>Maximum.</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>Skewness (g1).</summary>
    public double Skewness { get; init; } = double.NaN;

    /// <summary>Excess kurtosis (g2).</summary>
    public double Kurtosis { get; init; } = double.NaN;

    /// <summary>Number of zeros.</summary>
    public long Zeros { get; init; }

    /// <summary>5 %, 25 %, 50 %, 75 % and 95 % quantiles from the row sample (exact when the data fit in the sample).</summary>
    public IReadOnlyList<double> Quantiles { get; init; } = [];

    /// <summary>The most frequent values with their counts (categorical, text and boolean columns).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> TopValues { get; init; } = [];

    /// <summary>Earliest value of a date-time column.</summary>
    public DateTime? First { get; init; }

    /// <summary>Latest value of a date-time column.</summary>
    public DateTime? Last { get; init; }

    /// <summary>Whether every value is larger than the previous one (numeric columns): typical of row ids.</summary>
    public bool StrictlyIncreasing { get; init; }

    /// <summary>Whether every value is a whole number (numeric columns).</summary>
    public bool IntegerValued { get; init; }

    /// <summary>Estimated bytes the column takes as a NetLearn table column.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Association with the target in [0, 1] (|Pearson r|, correlation ratio η or Cramér's V), when a target is given.</summary>
    public double? TargetAssociation { get; init; }

    /// <summary>Fraction of values missing.</summary>
    public double MissingFraction => Count + Missing == 0 ? 0 : (double)Missing / (Count + Missing);
}

/// <summary>Kinds of warnings a profile raises.</summary>
public enum ProfileWarningKind
{
    /// <summary>The column has at most one distinct value.</summary>
    Constant,

    /// <summary>Many values are missing.</summary>
    ManyMissing,

    /// <summary>A categorical or text column with very many distinct values.</summary>
    HighCardinality,

    /// <summary>A numeric column with a heavily skewed distribution.</summary>
    HeavySkew,

    /// <summary>The column looks like a row identifier.</summary>
    LikelyId,

    /// <summary>A feature almost identical to the target.</summary>
    LikelyLeakage,

    /// <summary>The data has duplicate rows.</summary>
    DuplicateRows,
}

/// <summary>One warning of a profile.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Column">The column, or <c>null</c> for the whole data set.</param>
/// <param name="Message">What was found and what to do.</param>
public sealed record ProfileWarning(ProfileWarningKind Kind, string? Column, string Message);

/// <summary>The result of profiling a data set: overview, per-column statistics, warnings and a row sample for plots.</summary>
public sealed record DatasetProfile
{
    /// <summary>Where the data came from.</summary>
    public required string Source { get; init; }

    /// <summary>Number of rows.</summary>
    public long Rows { get; init; }

    /// <summary>Per-column profiles, in file order.</summary>
    public required IReadOnlyList<ColumnProfile> Columns { get; init; }

    /// <summary>Rows that repeat an earlier row exactly (detected with 128-bit row hashes).</summary>
    public long DuplicateRows { get; init; }

    /// <summary>Missing cells over all columns.</summary>
    public long MissingCells { get; init; }

    /// <summary>Estimated bytes the data take as a NetLearn table.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Size of the file in bytes, when profiled from a file.</summary>
    public long? FileBytes { get; init; }

    /// <summary>The target column, when given.</summary>
    public string? Target { get; init; }

    /// <summary>A uniform random sample of rows (all rows when the data are small), in file order.</summary>
    public required Table Sample { get; init; }

    /// <summary>Fraction of values present per row band (rows) and column, over all rows, for the missing-value matrix.</summary>
    public required double[,] PresentByBand { get; init; }

    /// <summary>Warnings, most important first.</summary>
    public required IReadOnlyList<ProfileWarning> Warnings { get; init; }

    /// <summary>Seconds spent reading and computing statistics.</summary>
    public double Seconds { get; init; }
}
