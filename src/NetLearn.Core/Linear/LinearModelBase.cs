using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Linear;

/// <summary>
/// A fitted linear regressor ŷ = x·<see cref="Coefficients"/> + <see cref="Intercept"/> (Ridge, Lasso, ElasticNet,
/// LinearSVR, SGDRegressor). Feature importances are |coefᵢ|: meaningful for comparing features only when the features
/// share a scale (standardise them first, as the CLI's default preprocessing does).
/// </summary>
/// <typeparam name="TOptions">The estimator's options record.</typeparam>
public abstract class LinearRegressorModel<TOptions> : FittedModel<TOptions>, IPredictor, IFeatureImportances
    where TOptions : EstimatorOptions
{
    private readonly double[] _coefficients;

    /// <summary>Stores the learned state.</summary>
    private protected LinearRegressorModel(TOptions options, Schema inputSchema, string targetName, double[] coefficients, double intercept, int iterations)
        : base(options, inputSchema)
    {
        TargetName = targetName;
        _coefficients = coefficients;
        Intercept = intercept;
        Iterations = iterations;
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The name of the target column (predictions are named after it).</summary>
    public string TargetName { get; }

    /// <summary>One coefficient per input column (<c>coef_</c>), in <c>FeatureNames</c> order.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>The intercept (<c>intercept_</c>); 0 without <c>fit_intercept</c>.</summary>
    public double Intercept { get; }

    /// <summary>Solver iterations (<c>n_iter_</c>); 1 for closed-form solutions.</summary>
    public int Iterations { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ImportanceFeatureNames => FeatureNames;

    /// <inheritdoc />
    public IReadOnlyList<double> FeatureImportances => [.. _coefficients.Select(Math.Abs)];

    /// <inheritdoc />
    public Column Predict(Table features) => new NumericColumn(TargetName, Predict(features.ConformTo(InputSchema).ToMatrix()));

    /// <summary>Predicts from a numeric matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public double[] Predict(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        double[] result = features.Multiply(_coefficients);
        TensorPrimitives.Add<double>(result, Intercept, result);
        return result;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target", TargetName);
        writer.Write("coef", _coefficients);
        writer.Write("intercept", Intercept);
        writer.Write("n_iter", Iterations);
    }

    /// <summary>Reads the state written by <see cref="Save"/>.</summary>
    private protected static (TOptions Options, Schema Schema, string Target, double[] Coef, double Intercept, int Iterations) ReadState(ModelReader reader) => (
        reader.ReadOptions<TOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadString("target"),
        reader.ReadDoubles("coef"),
        reader.ReadDouble("intercept"),
        reader.ReadInt32("n_iter"));
}

/// <summary>
/// A fitted linear classifier with scores s = x·Wᵀ + b (LinearSVC, SGDClassifier): one row of W for two classes (the
/// score of <c>Classes[1]</c>), one row per class (one-vs-rest) otherwise. Feature importances are |W| summed over
/// the rows, on the features' own scale.
/// </summary>
/// <typeparam name="TOptions">The estimator's options record.</typeparam>
public abstract class LinearClassifierModel<TOptions> : FittedModel<TOptions>, IDecisionFunction, IProbabilityOptional, IFeatureImportances
    where TOptions : EstimatorOptions
{
    /// <summary>Stores the learned state.</summary>
    private protected LinearClassifierModel(TOptions options, Schema inputSchema, Column classes, Matrix coefficients, double[] intercept, int iterations)
        : base(options, inputSchema)
    {
        Classes = classes;
        Coefficients = coefficients;
        Intercept = intercept;
        Iterations = iterations;
        Labels = ClassLabels.FromClasses(classes);
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    /// <summary>Coefficients (<c>coef_</c>): one row for two classes, otherwise one per class; columns follow <c>FeatureNames</c>.</summary>
    public Matrix Coefficients { get; }

    /// <summary>Intercepts (<c>intercept_</c>), one per coefficient row.</summary>
    public IReadOnlyList<double> Intercept { get; }

    /// <summary>Solver iterations (<c>n_iter_</c>; the largest over the one-vs-rest problems).</summary>
    public int Iterations { get; }

    /// <inheritdoc />
    public abstract bool SupportsProbabilities { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ImportanceFeatureNames => FeatureNames;

    /// <inheritdoc />
    public IReadOnlyList<double> FeatureImportances
    {
        get
        {
            var result = new double[Coefficients.Columns];
            for (int k = 0; k < Coefficients.Rows; k++)
            {
                var row = Coefficients.Row(k);
                for (int j = 0; j < result.Length; j++)
                {
                    result[j] += Math.Abs(row[j]);
                }
            }

            return result;
        }
    }

    private ClassLabels Labels { get; }

    /// <inheritdoc />
    public Matrix DecisionFunction(Table features) => DecisionFunction(features.ConformTo(InputSchema).ToMatrix());

    /// <summary>Decision values from a numeric matrix whose columns are in <c>FeatureNames</c> order.</summary>
    public Matrix DecisionFunction(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var scores = features.MultiplyTransposed(Coefficients);
        double[] intercept = [.. Intercept];
        for (int i = 0; i < scores.Rows; i++)
        {
            TensorPrimitives.Add(scores.Row(i), intercept, scores.Row(i));
        }

        return scores;
    }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var scores = DecisionFunction(features);
        var classes = new int[scores.Rows];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = scores.Columns == 1 ? (scores[i, 0] > 0 ? 1 : 0) : TensorPrimitives.IndexOfMax<double>(scores.Row(i));
        }

        return Labels.Decode(classes, Classes.Name);
    }

    /// <inheritdoc />
    public Matrix PredictProba(Table features) => PredictProba(DecisionFunction(features));

    /// <summary>Probabilities from decision values; only called when <see cref="SupportsProbabilities"/>.</summary>
    private protected abstract Matrix PredictProba(Matrix decision);

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        writer.Write("coef", Coefficients);
        writer.Write("intercept", Intercept.ToArray());
        writer.Write("n_iter", Iterations);
    }

    /// <summary>Reads the state written by <see cref="Save"/>.</summary>
    private protected static (TOptions Options, Schema Schema, Column Classes, Matrix Coef, double[] Intercept, int Iterations) ReadState(ModelReader reader) => (
        reader.ReadOptions<TOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadColumn("classes"),
        reader.ReadMatrix("coef"),
        reader.ReadDoubles("intercept"),
        reader.ReadInt32("n_iter"));
}
