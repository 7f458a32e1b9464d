using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.ModelFiles;

namespace NetLearn.Core.Tests.FeatureSelection;

/// <summary>
/// Test double: ordinary least squares whose importances are |coefficients| — what scikit-learn's RFE and
/// SelectFromModel read from LinearRegression.coef_. (Linear models get IFeatureImportances in another issue.)
/// </summary>
internal sealed class LinearImportance : IEstimator<LinearImportanceModel>
{
    private readonly LinearRegression _inner = new();

    public string Kind => "test_linear_importance";

    public EstimatorOptions Options => _inner.Options;

    public LinearImportanceModel Fit(Table features, Column? target = null, FitContext? context = null) => new(_inner.Fit(features, target, context));

    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    public IEstimator WithParameter(string name, string value) => this;
}

internal sealed class LinearImportanceModel(LinearRegressionModel inner) : IPredictor, IFeatureImportances
{
    static LinearImportanceModel() => ModelRegistry.Register("test_linear_importance", r => new LinearImportanceModel((LinearRegressionModel)r.ReadModel("inner")));

    public string Kind => "test_linear_importance";

    public ModelTask Task => ModelTask.Regression;

    public Schema InputSchema => inner.InputSchema;

    public EstimatorOptions Options => inner.Options;

    public IReadOnlyList<string> ImportanceFeatureNames => inner.FeatureNames;

    public IReadOnlyList<double> FeatureImportances => [.. inner.Coefficients.Select(Math.Abs)];

    public Column Predict(Table features) => inner.Predict(features);

    public void Save(ModelWriter writer) => writer.Write("inner", inner);
}
