using NetLearn.Data;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Estimators;

/// <summary>What a fitted model produces.</summary>
public enum ModelTask
{
    /// <summary>Predicts a class label (and class probabilities).</summary>
    Classification,

    /// <summary>Predicts a number.</summary>
    Regression,

    /// <summary>Transforms a table into another table (preprocessing, dimensionality reduction).</summary>
    Transform,

    /// <summary>Assigns each row to a cluster (an integer label; -1 for noise where the algorithm has it).</summary>
    Clustering,

    /// <summary>Scores rows by how anomalous they are and labels them inlier (1) or outlier (-1), as scikit-learn does.</summary>
    AnomalyDetection,
}

/// <summary>
/// An unfitted estimator: hyperparameters only. <c>Fit</c> learns from data and returns an immutable fitted model;
/// the estimator itself never changes, so one estimator can be fitted many times (cross-validation, search).
/// </summary>
public interface IEstimator
{
    /// <summary>The stable snake_case identifier of the algorithm, written to model files (<c>logistic_regression</c>).</summary>
    string Kind { get; }

    /// <summary>The hyperparameters.</summary>
    EstimatorOptions Options { get; }

    /// <summary>Learns from <paramref name="features"/> (and <paramref name="target"/> for supervised estimators).</summary>
    /// <param name="features">The input columns, one row per sample.</param>
    /// <param name="target">The target column; required by supervised estimators, ignored or optional for transformers.</param>
    /// <param name="context">Sample weights, progress reporting and cancellation.</param>
    /// <exception cref="DataValidationException">The data cannot be used; the message names the column and row.</exception>
    /// <exception cref="HyperparameterException">A hyperparameter is invalid.</exception>
    /// <exception cref="OperationCanceledException">The context's cancellation token fired.</exception>
    IModel FitModel(Table features, Column? target = null, FitContext? context = null);

    /// <summary>A copy of this estimator with one hyperparameter changed, by its snake_case name (<c>max_iter</c>) and text value.</summary>
    IEstimator WithParameter(string name, string value);
}

/// <summary>An estimator whose <c>Fit</c> returns a specific fitted model type.</summary>
/// <typeparam name="TModel">The fitted model type.</typeparam>
public interface IEstimator<out TModel> : IEstimator
    where TModel : IModel
{
    /// <summary>Learns from data and returns the fitted model.</summary>
    /// <inheritdoc cref="IEstimator.FitModel" path="/param"/>
    TModel Fit(Table features, Column? target = null, FitContext? context = null);
}

/// <summary>A fitted, immutable model that can be saved to a <c>.nlm</c> file.</summary>
public interface IModel
{
    /// <summary>The snake_case algorithm identifier (matches the estimator's <see cref="IEstimator.Kind"/>).</summary>
    string Kind { get; }

    /// <summary>What the model does.</summary>
    ModelTask Task { get; }

    /// <summary>The columns the model was fitted on and expects at predict time.</summary>
    Schema InputSchema { get; }

    /// <summary>The hyperparameters it was fitted with.</summary>
    EstimatorOptions Options { get; }

    /// <summary>Writes the learned state (see <see cref="ModelFile"/>).</summary>
    void Save(ModelWriter writer);
}

/// <summary>A fitted transformer: maps a table to a new table (for example scaled or one-hot encoded columns).</summary>
public interface ITransformerModel : IModel
{
    /// <summary>The output column names, in order (scikit-learn's <c>get_feature_names_out</c>).</summary>
    IReadOnlyList<string> FeatureNamesOut { get; }

    /// <summary>Transforms <paramref name="features"/>; columns are matched by name, extra columns are ignored.</summary>
    Table Transform(Table features);
}

/// <summary>A fitted model that predicts a target.</summary>
public interface IPredictor : IModel
{
    /// <summary>
    /// Predicts one value per row: class labels for classifiers (same kind as the training target), numbers for regressors.
    /// Columns are matched by name; extra columns are ignored; missing ones throw a <see cref="DataValidationException"/>.
    /// </summary>
    Column Predict(Table features);
}

/// <summary>A fitted classifier.</summary>
public interface IClassifier : IPredictor
{
    /// <summary>The class labels in sorted order; column <c>k</c> of <see cref="PredictProba"/> is the probability of <c>Classes[k]</c>.</summary>
    Column Classes { get; }

    /// <summary>Class probabilities, one row per sample, one column per class; rows sum to 1.</summary>
    Matrix PredictProba(Table features);
}

/// <summary>Training inputs beyond the data: sample weights, progress and cancellation.</summary>
public sealed record FitContext
{
    /// <summary>A non-negative weight per row, or <c>null</c> for equal weights.</summary>
    public IReadOnlyList<double>? SampleWeight { get; init; }

    /// <summary>Receives progress of long fits.</summary>
    public IProgress<FitProgress>? Progress { get; init; }

    /// <summary>Cancels a long fit; the fit throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>A context with default values.</summary>
    public static FitContext Default { get; } = new();
}

/// <summary>One progress report of a fit.</summary>
/// <param name="Estimator">The estimator kind reporting.</param>
/// <param name="Iteration">The iteration just finished (1-based).</param>
/// <param name="MaxIterations">The iteration limit, when known.</param>
/// <param name="Loss">The objective value, when meaningful.</param>
public readonly record struct FitProgress(string Estimator, int Iteration, int? MaxIterations, double? Loss);

/// <summary>A model made of named child models (a pipeline, a column transformer); model files list their hyperparameters as <c>child.name</c>.</summary>
public interface ICompositeModel : IModel
{
    /// <summary>The named children, in order.</summary>
    IEnumerable<(string Name, IModel Model)> Children { get; }
}

/// <summary>
/// A fitted model that can say how much each input feature mattered (scikit-learn's <c>feature_importances_</c>).
/// Plots, feature selection and explanations read importances through this interface.
/// </summary>
public interface IFeatureImportances : IModel
{
    /// <summary>The names of the features the importances refer to, in the same order.</summary>
    IReadOnlyList<string> ImportanceFeatureNames { get; }

    /// <summary>One non-negative importance per feature; for impurity-based importances they sum to 1.</summary>
    IReadOnlyList<double> FeatureImportances { get; }
}
