using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>Which columns <see cref="MissingIndicator"/> makes indicators for.</summary>
public enum IndicatorFeatures
{
    /// <summary>Only columns with missing values during fitting (<c>missing-only</c>).</summary>
    MissingOnly,

    /// <summary>Every column (<c>all</c>).</summary>
    All,
}

/// <summary>Hyperparameters of <see cref="MissingIndicator"/>.</summary>
public sealed record MissingIndicatorOptions : EstimatorOptions
{
    /// <summary>Which columns get an indicator (<c>features</c>: missing_only or all).</summary>
    public IndicatorFeatures Features { get; init; } = IndicatorFeatures.MissingOnly;

    /// <summary>
    /// With <c>missing_only</c>, a column that had no missing values during fitting but has some at transform time is an
    /// error (<c>error_on_new</c>), because its indicator does not exist.
    /// </summary>
    public bool ErrorOnNew { get; init; } = true;
}

/// <summary>
/// Adds a 0/1 column per feature saying whether the value is missing (scikit-learn's <c>MissingIndicator</c>); output
/// names are <c>missingindicator_{column}</c>. Missingness is often informative, and imputation hides it.
/// </summary>
public sealed class MissingIndicator(MissingIndicatorOptions? options = null)
    : Estimator<MissingIndicatorOptions, MissingIndicatorModel>(options ?? new MissingIndicatorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "missing_indicator";

    /// <summary>The prefix of output names.</summary>
    public const string Prefix = "missingindicator_";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override MissingIndicatorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "MissingIndicator");
        string[] columns = [.. features.Columns.Where(c => Options.Features == IndicatorFeatures.All || c.MissingCount > 0).Select(c => c.Name)];
        return new MissingIndicatorModel(Options, features.Schema, columns);
    }
}

/// <summary>A fitted <see cref="MissingIndicator"/>.</summary>
public sealed class MissingIndicatorModel : FittedModel<MissingIndicatorOptions>, ITransformerModel
{
    private readonly string[] _columns;

    internal MissingIndicatorModel(MissingIndicatorOptions options, Schema inputSchema, string[] columns)
        : base(options, inputSchema)
    {
        _columns = columns;
    }

    /// <inheritdoc />
    public override string Kind => MissingIndicator.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The input columns that get an indicator (<c>features_</c>).</summary>
    public IReadOnlyList<string> IndicatorColumns => _columns;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. _columns.Select(c => MissingIndicator.Prefix + c)];

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        if (Options.Features == IndicatorFeatures.MissingOnly && Options.ErrorOnNew)
        {
            var indicated = new HashSet<string>(_columns, StringComparer.Ordinal);
            foreach (var column in input.Columns.Where(c => !indicated.Contains(c.Name)))
            {
                int row = Enumerable.Range(0, column.Length).FirstOrDefault(column.IsMissing, -1);
                if (row >= 0)
                {
                    throw new DataValidationException("The column has a missing value but had none during fitting, so it has no indicator. Refit on data with missing values here, or set error_on_new=false or features=all", column: column.Name, row: row);
                }
            }
        }

        return new Table(_columns.Select(name => (Column)Indicator(input[name])));
    }

    /// <summary>The 0/1 indicator of one column.</summary>
    internal static NumericColumn Indicator(Column column)
    {
        var values = new double[column.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = column.IsMissing(i) ? 1.0 : 0.0;
        }

        return new NumericColumn(MissingIndicator.Prefix + column.Name, values);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("features", _columns);
    }

    internal static MissingIndicatorModel Load(ModelReader reader) => new(
        reader.ReadOptions<MissingIndicatorOptions>(),
        reader.ReadSchema("input_schema"),
        [.. reader.ReadStrings("features").Select(s => s ?? throw reader.Corrupt("a column name is null"))]);
}
