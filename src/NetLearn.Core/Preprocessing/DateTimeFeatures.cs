using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>A part of a date-time that <see cref="DateTimeFeatures"/> extracts.</summary>
public enum DateTimePart
{
    /// <summary>Calendar year.</summary>
    Year,

    /// <summary>Quarter, 1–4.</summary>
    Quarter,

    /// <summary>Month, 1–12.</summary>
    Month,

    /// <summary>Day of the month, 1–31.</summary>
    Day,

    /// <summary>Day of the week, Monday = 0 … Sunday = 6 (pandas' <c>dayofweek</c>).</summary>
    Dayofweek,

    /// <summary>Day of the year, 1–366.</summary>
    Dayofyear,

    /// <summary>Hour, 0–23.</summary>
    Hour,

    /// <summary>Minute, 0–59.</summary>
    Minute,

    /// <summary>Second, 0–59.</summary>
    Second,

    /// <summary>1 on Saturday and Sunday, else 0.</summary>
    IsWeekend,

    /// <summary>Seconds since 1970-01-01T00:00:00Z.</summary>
    Epoch,

    /// <summary>sin and cos of the month on the unit circle (two columns), so December is next to January.</summary>
    MonthCyclic,

    /// <summary>sin and cos of the day of the week (two columns).</summary>
    DayofweekCyclic,

    /// <summary>sin and cos of the hour (two columns).</summary>
    HourCyclic,
}

/// <summary>Hyperparameters of <see cref="DateTimeFeatures"/>.</summary>
public sealed record DateTimeFeaturesOptions : EstimatorOptions
{
    /// <summary>The parts to extract from every date-time column (<c>features</c>).</summary>
    public IReadOnlyList<DateTimePart> Features { get; init; } =
        [DateTimePart.Year, DateTimePart.Month, DateTimePart.Day, DateTimePart.Dayofweek, DateTimePart.Hour];

    /// <inheritdoc />
    public override void Validate()
    {
        if (Features is null || Features.Count == 0 || Features.Distinct().Count() != Features.Count)
        {
            throw new HyperparameterException("features", "give one or more distinct parts, for example [\"year\", \"month\", \"dayofweek\"]");
        }
    }
}

/// <summary>
/// Turns date-time columns into numeric features (year, month, day of week, hour, …, and sin/cos encodings of cyclic
/// parts), named <c>{column}_{part}</c> as pandas' <c>.dt</c> accessors name them. Missing date-times give NaN. Text
/// columns holding ISO-8601 dates are parsed.
/// </summary>
public sealed class DateTimeFeatures(DateTimeFeaturesOptions? options = null)
    : Estimator<DateTimeFeaturesOptions, DateTimeFeaturesModel>(options ?? new DateTimeFeaturesOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "date_time_features";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override DateTimeFeaturesModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "DateTimeFeatures");
        var columns = new List<ColumnInfo>();
        foreach (var column in features.Columns)
        {
            if (column.Kind is ColumnKind.Numeric or ColumnKind.Boolean)
            {
                throw new DataValidationException($"DateTimeFeatures needs date-time columns, but the column is {column.Kind.ToString().ToLowerInvariant()}. Select only date-time columns (ColumnSelector.ByKind(ColumnKind.DateTime))", column: column.Name);
            }

            _ = SchemaConformance.Convert(column, ColumnKind.DateTime); // Text must parse as dates; the error names the row.
            columns.Add(new ColumnInfo(column.Name, ColumnKind.DateTime));
        }

        return new DateTimeFeaturesModel(Options, new Schema(columns));
    }
}

/// <summary>A fitted <see cref="DateTimeFeatures"/>.</summary>
public sealed class DateTimeFeaturesModel : FittedModel<DateTimeFeaturesOptions>, ITransformerModel
{
    internal DateTimeFeaturesModel(DateTimeFeaturesOptions options, Schema inputSchema)
        : base(options, inputSchema)
    {
        FeatureNamesOut = [.. inputSchema.Names.SelectMany(name => options.Features.SelectMany(part => PartNames(part).Select(p => $"{name}_{p}")))];
    }

    /// <inheritdoc />
    public override string Kind => DateTimeFeatures.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut { get; }

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        var output = new List<Column>();
        int name = 0;
        foreach (var column in input.Columns.Cast<DateTimeColumn>())
        {
            foreach (var part in Options.Features)
            {
                int width = PartNames(part).Length;
                var values = new double[width][];
                for (int k = 0; k < width; k++)
                {
                    values[k] = new double[column.Length];
                }

                for (int i = 0; i < column.Length; i++)
                {
                    var parts = column[i] is { } d ? Extract(d, part) : [.. Enumerable.Repeat(double.NaN, width)];
                    for (int k = 0; k < width; k++)
                    {
                        values[k][i] = parts[k];
                    }
                }

                foreach (var v in values)
                {
                    output.Add(new NumericColumn(FeatureNamesOut[name++], v));
                }
            }
        }

        return new Table(output);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer) => ArgumentNullException.ThrowIfNull(writer);

    internal static DateTimeFeaturesModel Load(ModelReader reader) => new(reader.ReadOptions<DateTimeFeaturesOptions>(), reader.ReadSchema("input_schema"));

    private static string[] PartNames(DateTimePart part) => part switch
    {
        DateTimePart.MonthCyclic => ["month_sin", "month_cos"],
        DateTimePart.DayofweekCyclic => ["dayofweek_sin", "dayofweek_cos"],
        DateTimePart.HourCyclic => ["hour_sin", "hour_cos"],
        DateTimePart.IsWeekend => ["is_weekend"],
        _ => [part.ToString().ToLowerInvariant()],
    };

    private static double[] Extract(DateTime d, DateTimePart part)
    {
        int dayOfWeek = ((int)d.DayOfWeek + 6) % 7;
        return part switch
        {
            DateTimePart.Year => [d.Year],
            DateTimePart.Quarter => [((d.Month - 1) / 3) + 1],
            DateTimePart.Month => [d.Month],
            DateTimePart.Day => [d.Day],
            DateTimePart.Dayofweek => [dayOfWeek],
            DateTimePart.Dayofyear => [d.DayOfYear],
            DateTimePart.Hour => [d.Hour],
            DateTimePart.Minute => [d.Minute],
            DateTimePart.Second => [d.Second],
            DateTimePart.IsWeekend => [dayOfWeek >= 5 ? 1 : 0],
            DateTimePart.Epoch => [(d - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond],
            DateTimePart.MonthCyclic => Cyclic(d.Month - 1, 12),
            DateTimePart.DayofweekCyclic => Cyclic(dayOfWeek, 7),
            _ => Cyclic(d.Hour, 24),
        };
    }

    private static double[] Cyclic(double value, double period) =>
        [Math.Sin(2 * Math.PI * value / period), Math.Cos(2 * Math.PI * value / period)];
}
