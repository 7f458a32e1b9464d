using NetLearn.Data;
using NetLearn.LinearAlgebra;
using NetLearn.Validation;

namespace NetLearn.Estimators;

/// <summary>The checked inputs of a classifier's fit: the numeric design, class codes, labels and sample weights.</summary>
/// <param name="X">The features as a row-major matrix.</param>
/// <param name="Y">The class index of every row (into <see cref="Labels"/>).</param>
/// <param name="Labels">The sorted class labels.</param>
/// <param name="Weights">Sample weights, or <c>null</c>.</param>
internal sealed record ClassificationInputs(Matrix X, int[] Y, ClassLabels Labels, double[]? Weights)
{
    /// <summary>Validates and converts; at least <paramref name="minClasses"/> classes are required.</summary>
    public static ClassificationInputs Read(Table features, Column? target, FitContext context, string estimator, int minClasses = 2)
    {
        Checks.NotEmpty(features, estimator);
        var y = Checks.Target(features, target, estimator);
        var labels = ClassLabels.FromTarget(y);
        if (labels.Count < minClasses)
        {
            throw new DataValidationException(
                $"The target has only one class ('{labels.Classes.FormatValue(0)}'); {estimator} needs at least two. Check the target column and any filters",
                column: y.Name);
        }

        var x = features.ToMatrix();
        return new ClassificationInputs(x, labels.Encode(y), labels, Checks.SampleWeight(context.SampleWeight, x.Rows));
    }
}
