using NetLearn.Data;

namespace NetLearn.Estimators;

/// <summary>
/// An estimator whose output on its own training rows differs from <c>Fit(...).Transform(...)</c> (scikit-learn's
/// <c>fit_transform</c>): a cross-fitted target encoder must not encode a training row with its own target. Pipelines,
/// column transformers and feature unions call <see cref="FitTransform"/> when they fit such a step.
/// </summary>
public interface IFitTransformEstimator : IEstimator
{
    /// <summary>Fits and returns the model together with the transformed training data.</summary>
    (ITransformerModel Model, Table Output) FitTransform(Table features, Column? target = null, FitContext? context = null);
}

/// <summary>Fits any transformer estimator and transforms its training data, using <see cref="IFitTransformEstimator"/> where available.</summary>
public static class FitTransformer
{
    /// <summary>Fits <paramref name="estimator"/> (which must produce a transformer) and returns the model and transformed data.</summary>
    /// <param name="estimator">The estimator.</param>
    /// <param name="features">The training features.</param>
    /// <param name="target">The target, for supervised transformers.</param>
    /// <param name="context">Weights, progress, cancellation.</param>
    /// <param name="where">Names the step in the error message when the estimator is not a transformer.</param>
    public static (ITransformerModel Model, Table Output) FitTransform(IEstimator estimator, Table features, Column? target, FitContext? context, string where)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        if (estimator is IFitTransformEstimator fitTransform)
        {
            return fitTransform.FitTransform(features, target, context);
        }

        var model = estimator.FitModel(features, target, context);
        return model is ITransformerModel transformer
            ? (transformer, transformer.Transform(features))
            : throw new ArgumentException($"{where} ({model.Kind}) is not a transformer.");
    }
}
