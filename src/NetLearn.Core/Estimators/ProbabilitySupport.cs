using NetLearn.Data;
using NetLearn.LinearAlgebra;

namespace NetLearn.Estimators;

/// <summary>
/// A classifier whose probabilities depend on how it was fitted (an SVM without <c>probability=true</c>, a hinge-loss
/// SGD model, LinearSVC): <see cref="IClassifier.PredictProba"/> throws unless <see cref="SupportsProbabilities"/>.
/// Evaluation, <c>predict --proba</c> and the server check <see cref="ClassifierCapabilities.SupportsProbabilities"/>.
/// </summary>
public interface IProbabilityOptional : IClassifier
{
    /// <summary>Whether <see cref="IClassifier.PredictProba"/> is available.</summary>
    bool SupportsProbabilities { get; }
}

/// <summary>A classifier with a real-valued decision function (scikit-learn's <c>decision_function</c>).</summary>
public interface IDecisionFunction : IClassifier
{
    /// <summary>
    /// Decision values, one row per sample: one column for two classes (positive favours <c>Classes[1]</c>), otherwise
    /// one column per class (or per class pair where the model documents it).
    /// </summary>
    Matrix DecisionFunction(Table features);
}

/// <summary>Queries about what a classifier can do.</summary>
public static class ClassifierCapabilities
{
    /// <summary>True unless the classifier (or a pipeline's final step) says it has no probabilities.</summary>
    public static bool SupportsProbabilities(this IClassifier classifier) =>
        classifier is not IProbabilityOptional optional || optional.SupportsProbabilities;

    /// <summary>The exception to throw from <see cref="IClassifier.PredictProba"/> of a model without probabilities.</summary>
    public static HyperparameterException NoProbabilities(string model, string advice) =>
        new("probability", $"{model} does not estimate probabilities. {advice}");
}
