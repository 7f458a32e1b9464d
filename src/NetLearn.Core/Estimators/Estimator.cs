using NetLearn.Data;

namespace NetLearn.Estimators;

/// <summary>Base class of estimators: holds validated options and implements the untyped parts of the contract.</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
/// <typeparam name="TModel">The fitted model type.</typeparam>
public abstract class Estimator<TOptions, TModel> : IEstimator<TModel>
    where TOptions : EstimatorOptions
    where TModel : IModel
{
    /// <summary>Stores and validates the options.</summary>
    /// <exception cref="HyperparameterException">An option is invalid.</exception>
    protected Estimator(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The hyperparameters.</summary>
    public TOptions Options { get; }

    /// <inheritdoc />
    EstimatorOptions IEstimator.Options => Options;

    /// <inheritdoc />
    public abstract string Kind { get; }

    /// <inheritdoc />
    public abstract TModel Fit(Table features, Column? target = null, FitContext? context = null);

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <inheritdoc />
    public IEstimator WithParameter(string name, string value) => WithOptions(HyperParameters.With(Options, name, value));

    /// <summary>A new estimator of the same type with other options.</summary>
    public IEstimator WithOptions(TOptions options) => (IEstimator)Activator.CreateInstance(GetType(), options)!;

    /// <inheritdoc />
    public override string ToString() => $"{Kind}({Options.ToJson().ToJsonString()})";
}
