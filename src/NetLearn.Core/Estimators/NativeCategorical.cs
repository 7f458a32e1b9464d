using NetLearn.Data;

namespace NetLearn.Estimators;

/// <summary>
/// An estimator that takes categorical columns and missing values as they are (histogram gradient boosting, as
/// scikit-learn's <c>categorical_features</c> and LightGBM's categorical splits). Default preprocessing
/// (<see cref="Pipelines.DefaultPreprocessing"/>) passes the columns of such an estimator through untouched instead of
/// imputing and one-hot encoding them: the model encodes categories itself, treats a category unseen in training as a
/// missing value, and learns where missing values go.
/// </summary>
public interface INativeCategorical : IEstimator
{
    /// <summary>
    /// The columns of <paramref name="schema"/> the estimator will treat as categorical: the ones it names explicitly
    /// (<c>categorical_features</c>), or else every categorical and boolean column.
    /// </summary>
    IReadOnlyList<string> CategoricalColumns(Schema schema);
}
