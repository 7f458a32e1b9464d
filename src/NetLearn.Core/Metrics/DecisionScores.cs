using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Pipelines;

namespace NetLearn.Metrics;

/// <summary>
/// A classifier's decision function where it has one, directly or as a pipeline's final step: what scikit-learn's
/// threshold scorers (<c>roc_auc</c>, <c>average_precision</c>) and <c>CalibratedClassifierCV</c> use before
/// <c>predict_proba</c>.
/// </summary>
public static class DecisionScores
{
    /// <summary>The decision function of <paramref name="model"/> (or of its pipeline's final step), or null.</summary>
    public static IDecisionFunction? Of(IClassifier model) =>
        (model is PipelineModel pipeline ? pipeline.Final : model) as IDecisionFunction;

    /// <summary>The decision values of <paramref name="model"/>, which must have a decision function (<see cref="Of"/>).</summary>
    public static Matrix Compute(IClassifier model, Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var decision = Of(model) ?? throw new ArgumentException($"The model ({model.Kind}) has no decision function.", nameof(model));
        return model is PipelineModel pipeline ? decision.DecisionFunction(pipeline.Transform(features)) : decision.DecisionFunction(features);
    }
}
