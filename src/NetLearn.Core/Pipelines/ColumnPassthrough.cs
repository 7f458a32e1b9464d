using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Pipelines;

/// <summary>Hyperparameters of <see cref="ColumnPassthrough"/>.</summary>
public sealed record ColumnPassthroughOptions : EstimatorOptions
{
    /// <summary>The columns passed on, in this order (<c>columns</c>); <c>null</c> passes every column of the training table.</summary>
    public IReadOnlyList<string>? Columns { get; init; }
}

/// <summary>
/// Passes the chosen columns on unchanged: same names, kinds, values and missing values (scikit-learn's
/// <c>"passthrough"</c> step, or a <c>ColumnTransformer</c> with <c>remainder="passthrough"</c> and
/// <c>verbose_feature_names_out=False</c>). It is the default preprocessing of models that handle categories and
/// missing values themselves (<see cref="INativeCategorical"/>): it fixes the input schema, so later data is matched by
/// name, extra columns are dropped and column kinds are converted to the training ones.
/// </summary>
public sealed class ColumnPassthrough(ColumnPassthroughOptions? options = null)
    : Estimator<ColumnPassthroughOptions, ColumnPassthroughModel>(options ?? new ColumnPassthroughOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "column_passthrough";

    /// <summary>A passthrough of the named columns.</summary>
    public ColumnPassthrough(IReadOnlyList<string> columns)
        : this(new ColumnPassthroughOptions { Columns = columns })
    {
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override ColumnPassthroughModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "ColumnPassthrough");
        if (Options.Columns is null)
        {
            return new ColumnPassthroughModel(Options, features.Schema);
        }

        foreach (string name in Options.Columns)
        {
            if (!features.Contains(name))
            {
                throw new DataValidationException($"ColumnPassthrough names column '{name}', which the data does not have. Fix the column list or the data", column: name);
            }
        }

        return new ColumnPassthroughModel(Options, features.Select(Options.Columns).Schema);
    }
}

/// <summary>A fitted <see cref="ColumnPassthrough"/>: its input schema is its output schema.</summary>
public sealed class ColumnPassthroughModel : FittedModel<ColumnPassthroughOptions>, ITransformerModel
{
    internal ColumnPassthroughModel(ColumnPassthroughOptions options, Schema inputSchema)
        : base(options, inputSchema)
    {
    }

    /// <inheritdoc />
    public override string Kind => ColumnPassthrough.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => FeatureNames;

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return features.ConformTo(InputSchema);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer) => ArgumentNullException.ThrowIfNull(writer);

    internal static ColumnPassthroughModel Load(ModelReader reader) => new(reader.ReadOptions<ColumnPassthroughOptions>(), reader.ReadSchema("input_schema"));
}
