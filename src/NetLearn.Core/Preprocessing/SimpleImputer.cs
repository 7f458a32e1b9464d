using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>How <see cref="SimpleImputer"/> chooses a column's fill value.</summary>
public enum ImputeStrategy
{
    /// <summary>The mean of the column's values (numeric columns).</summary>
    Mean,

    /// <summary>The median (numeric columns).</summary>
    Median,

    /// <summary>The most frequent value; ties go to the smallest, as in scikit-learn.</summary>
    MostFrequent,

    /// <summary>A fixed <c>fill_value</c>.</summary>
    Constant,
}

/// <summary>Hyperparameters of <see cref="SimpleImputer"/>.</summary>
public sealed record SimpleImputerOptions : EstimatorOptions
{
    /// <summary>The strategy (<c>strategy</c>).</summary>
    public ImputeStrategy Strategy { get; init; } = ImputeStrategy.Mean;

    /// <summary>
    /// The value for <see cref="ImputeStrategy.Constant"/> (<c>fill_value</c>), as text parsed per column kind;
    /// <c>null</c> means 0 for numeric columns and <c>missing_value</c> for others (scikit-learn's defaults).
    /// </summary>
    public string? FillValue { get; init; }

    /// <summary>
    /// Append a <see cref="MissingIndicator"/> column (<c>missingindicator_{column}</c>) for every column that had missing
    /// values during fitting (<c>add_indicator</c>).
    /// </summary>
    public bool AddIndicator { get; init; }
}

/// <summary>
/// Replaces missing values column by column with a statistic learned at fit time (scikit-learn's <c>SimpleImputer</c>).
/// Column kinds are kept: numeric columns stay numeric, categorical columns categorical.
/// </summary>
public sealed class SimpleImputer(SimpleImputerOptions? options = null)
    : Estimator<SimpleImputerOptions, SimpleImputerModel>(options ?? new SimpleImputerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "simple_imputer";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override SimpleImputerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "SimpleImputer");
        var statistics = new string[features.ColumnCount];
        for (int c = 0; c < statistics.Length; c++)
        {
            statistics[c] = Statistic(features[c]);
        }

        string[] indicators = Options.AddIndicator ? [.. features.Columns.Where(c => c.MissingCount > 0).Select(c => c.Name)] : [];
        return new SimpleImputerModel(Options, features.Schema, statistics, indicators);
    }

    private string Statistic(Column column)
    {
        if (Options.Strategy == ImputeStrategy.Constant)
        {
            string fill = Options.FillValue ?? (column.Kind == ColumnKind.Numeric ? "0" : "missing_value");
            _ = SchemaConformance.Convert(new TextColumn(column.Name, [fill]), column.Kind); // Fails early if the value does not fit the column.
            return fill;
        }

        var present = Enumerable.Range(0, column.Length).Where(i => !column.IsMissing(i)).ToArray();
        if (present.Length == 0)
        {
            throw new DataValidationException($"The column has no values, so strategy {Options.Strategy} has nothing to learn from. Drop the column or use strategy=constant", column: column.Name);
        }

        if (Options.Strategy is ImputeStrategy.Mean or ImputeStrategy.Median)
        {
            if (column.Kind != ColumnKind.Numeric)
            {
                throw new DataValidationException($"Strategy {Options.Strategy} needs numbers, but the column is {column.Kind.ToString().ToLowerInvariant()}. Use strategy=most_frequent or constant for it", column: column.Name);
            }

            double[] values = [.. present.Select(i => ((NumericColumn)column)[i])];
            double statistic = Options.Strategy == ImputeStrategy.Mean ? values.Average() : Median(values);
            return statistic.ToString("R", CultureInfo.InvariantCulture);
        }

        return MostFrequent(column, present);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
    }

    private static string MostFrequent(Column column, int[] present)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int i in present)
        {
            string key = column.FormatValue(i)!;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        int best = counts.Values.Max();
        var ties = counts.Where(kv => kv.Value == best).Select(kv => kv.Key);
        return column is NumericColumn
            ? ties.MinBy(k => double.Parse(k, CultureInfo.InvariantCulture))!
            : ties.Min(StringComparer.Ordinal)!;
    }
}

/// <summary>A fitted <see cref="SimpleImputer"/>.</summary>
public sealed class SimpleImputerModel : FittedModel<SimpleImputerOptions>, ITransformerModel
{
    private readonly string[] _statistics;
    private readonly string[] _indicators;

    internal SimpleImputerModel(SimpleImputerOptions options, Schema inputSchema, string[] statistics, string[]? indicators = null)
        : base(options, inputSchema)
    {
        _statistics = statistics;
        _indicators = indicators ?? [];
    }

    /// <summary>The columns that get a missing-value indicator (with <c>add_indicator</c>).</summary>
    public IReadOnlyList<string> IndicatorColumns => _indicators;

    /// <inheritdoc />
    public override string Kind => SimpleImputer.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The fill value of each column, as invariant text (<c>statistics_</c>).</summary>
    public IReadOnlyList<string> Statistics => _statistics;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. InputSchema.Names, .. _indicators.Select(c => MissingIndicator.Prefix + c)];

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        var columns = new Column[input.ColumnCount];
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c] = input[c] switch
            {
                NumericColumn numeric => FillNumeric(numeric, double.Parse(_statistics[c], CultureInfo.InvariantCulture)),
                CategoricalColumn categorical => FillCategorical(categorical, _statistics[c]),
                var other => FillByText(other, _statistics[c]),
            };
        }

        return _indicators.Length == 0
            ? new Table(columns)
            : new Table([.. columns, .. _indicators.Select(name => (Column)MissingIndicatorModel.Indicator(input[name]))]);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("statistics", _statistics);
        writer.Write("indicators", _indicators);
    }

    internal static SimpleImputerModel Load(ModelReader reader) => new(
        reader.ReadOptions<SimpleImputerOptions>(),
        reader.ReadSchema("input_schema"),
        [.. reader.ReadStrings("statistics").Select(s => s ?? throw reader.Corrupt("a statistic is null"))],
        reader.Has("indicators") ? [.. reader.ReadStrings("indicators").Select(s => s ?? throw reader.Corrupt("an indicator column is null"))] : []);

    private static NumericColumn FillNumeric(NumericColumn column, double fill)
    {
        var values = column.Values.ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                values[i] = fill;
            }
        }

        return new NumericColumn(column.Name, values);
    }

    private static Column FillByText(Column column, string fill)
    {
        var cells = new string?[column.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            cells[i] = column.FormatValue(i) ?? fill;
        }

        return ColumnInference.Parse(column.Name, cells, column.Kind);
    }

    // Keeps the level set of the input (adding the fill value if new) so codes stay cheap to compute.
    private static CategoricalColumn FillCategorical(CategoricalColumn column, string fill)
    {
        var levels = column.Levels.ToList();
        int fillCode = levels.IndexOf(fill);
        if (fillCode < 0)
        {
            levels.Add(fill);
            fillCode = levels.Count - 1;
        }

        var codes = column.Codes.ToArray();
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] < 0)
            {
                codes[i] = fillCode;
            }
        }

        return new CategoricalColumn(column.Name, codes, [.. levels]);
    }
}
