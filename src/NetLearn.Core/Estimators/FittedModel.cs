using NetLearn.Data;
using NetLearn.ModelFiles;

namespace NetLearn.Estimators;

/// <summary>Base class of fitted models: the options they were fitted with and the input schema they expect.</summary>
/// <typeparam name="TOptions">The options record of the estimator.</typeparam>
public abstract class FittedModel<TOptions> : IModel
    where TOptions : EstimatorOptions
{
    /// <summary>Stores the options and input schema.</summary>
    protected FittedModel(TOptions options, Schema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputSchema);
        Options = options;
        InputSchema = inputSchema;
    }

    /// <inheritdoc />
    public abstract string Kind { get; }

    /// <inheritdoc />
    public abstract ModelTask Task { get; }

    /// <inheritdoc />
    public Schema InputSchema { get; }

    /// <summary>The hyperparameters the model was fitted with.</summary>
    public TOptions Options { get; }

    /// <inheritdoc />
    EstimatorOptions IModel.Options => Options;

    /// <summary>The input column names, in the order the model uses them (scikit-learn's <c>feature_names_in_</c>).</summary>
    public IReadOnlyList<string> FeatureNames => [.. InputSchema.Names];

    /// <inheritdoc />
    public abstract void Save(ModelWriter writer);
}
