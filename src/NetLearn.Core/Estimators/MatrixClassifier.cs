using NetLearn.Data;
using NetLearn.LinearAlgebra;

namespace NetLearn.Estimators;

/// <summary>
/// A classifier that can also score rows given as a numeric matrix whose columns are its input schema's columns in
/// order, without building a <see cref="Table"/> or any per-column object: the batch prediction path of a model server.
/// The probabilities are bit-identical to <see cref="IClassifier.PredictProba"/> on the same rows as a table.
/// </summary>
public interface IMatrixClassifier : IClassifier
{
    /// <summary>
    /// Class probabilities (rows × classes, in <see cref="IClassifier.Classes"/> order) of the rows of
    /// <paramref name="features"/>, or <c>null</c> when this model cannot take them as a matrix (a non-numeric input
    /// column, or a value the model would refuse, such as a missing value it does not impute): then call
    /// <see cref="IClassifier.PredictProba"/> with a table, which reports the problem. <paramref name="features"/> is not
    /// modified.
    /// </summary>
    Matrix? TryPredictProba(Matrix features);
}
