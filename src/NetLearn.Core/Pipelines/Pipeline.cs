using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Pipelines;

/// <summary>A named step of a pipeline or column transformer.</summary>
/// <param name="Name">Step name; hyperparameters of the step are addressed as <c>name.parameter</c>.</param>
/// <param name="Estimator">The unfitted estimator.</param>
public sealed record Step(string Name, IEstimator Estimator);

/// <summary>The options of a composite estimator: no hyperparameters of its own (its steps have them).</summary>
public sealed record CompositeOptions : EstimatorOptions;

/// <summary>
/// A chain of transformers ending in any estimator, fitted as one and saved as one (scikit-learn's <c>Pipeline</c>).
/// Fitting fits each step on the output of the previous ones; predicting runs the same chain. Step hyperparameters
/// are addressed as <c>step.parameter</c> (for example <c>model.C</c>).
/// </summary>
public sealed class Pipeline : IEstimator<PipelineModel>, IFitTransformEstimator
{
    /// <summary>The model kind.</summary>
    public const string KindName = "pipeline";

    /// <summary>Creates a pipeline; all steps but the last must be transformers, and names must be unique.</summary>
    public Pipeline(params IEnumerable<Step> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Steps = [.. steps];
        if (Steps.Count == 0)
        {
            throw new ArgumentException("A pipeline needs at least one step.", nameof(steps));
        }

        var duplicate = Steps.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Step name '{duplicate.Key}' is used twice; give every step a unique name.", nameof(steps));
        }
    }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<Step> Steps { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public EstimatorOptions Options { get; } = new CompositeOptions();

    /// <inheritdoc />
    public PipelineModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        context ??= FitContext.Default;
        return FitSteps(features, target, context, transformLast: false).Model;
    }

    /// <summary>Fits the pipeline and returns the output of its last (transformer) step on the training data, cross-fitted where a step requires it.</summary>
    public (PipelineModel Model, Table Output) FitTransform(Table features, Column? target = null, FitContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return FitSteps(features, target, context ?? FitContext.Default, transformLast: true);
    }

    /// <inheritdoc />
    (ITransformerModel Model, Table Output) IFitTransformEstimator.FitTransform(Table features, Column? target, FitContext? context) => FitTransform(features, target, context);

    private (PipelineModel Model, Table Output) FitSteps(Table features, Column? target, FitContext context, bool transformLast)
    {
        var fitted = new List<(string, IModel)>(Steps.Count);
        var current = features;
        for (int i = 0; i < Steps.Count; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (i < Steps.Count - 1 || transformLast)
            {
                var (model, output) = FitTransformer.FitTransform(Steps[i].Estimator, current, target, context, $"Pipeline step '{Steps[i].Name}'");
                fitted.Add((Steps[i].Name, model));
                current = output;
            }
            else
            {
                fitted.Add((Steps[i].Name, Steps[i].Estimator.FitModel(current, target, context)));
            }
        }

        return (PipelineModel.Create(features.Schema, fitted), current);
    }

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <summary>A copy with the hyperparameter <c>step.name</c> of one step changed.</summary>
    public IEstimator WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        string stepName = dot < 0 ? "" : name[..dot];
        int index = Steps.ToList().FindIndex(s => s.Name == stepName);
        if (index < 0)
        {
            throw new HyperparameterException(name, $"address a step's hyperparameter as step.name; steps are {string.Join(", ", Steps.Select(s => s.Name))}");
        }

        var steps = Steps.ToArray();
        steps[index] = steps[index] with { Estimator = steps[index].Estimator.WithParameter(name[(dot + 1)..], value) };
        return new Pipeline(steps);
    }
}

/// <summary>A fitted <see cref="Pipeline"/>. When its last step is a classifier it is a <see cref="ClassifierPipelineModel"/>.</summary>
public class PipelineModel : ICompositeModel, ITransformerModel, IPredictor
{
    private protected PipelineModel(Schema inputSchema, IReadOnlyList<(string Name, IModel Model)> steps)
    {
        InputSchema = inputSchema;
        Steps = steps;
        Plan = NumericPlan.TryCreate(this);
    }

    /// <summary>The transformer steps compiled to per-column arithmetic, when they are all element-wise numeric (else null).</summary>
    internal NumericPlan? Plan { get; }

    /// <summary>The fitted steps in order.</summary>
    public IReadOnlyList<(string Name, IModel Model)> Steps { get; }

    /// <summary>The last step's fitted model.</summary>
    public IModel Final => Steps[^1].Model;

    /// <inheritdoc />
    public string Kind => Pipeline.KindName;

    /// <inheritdoc />
    public ModelTask Task => Final.Task;

    /// <inheritdoc />
    public Schema InputSchema { get; }

    /// <inheritdoc />
    public EstimatorOptions Options { get; } = new CompositeOptions();

    /// <inheritdoc />
    public IEnumerable<(string Name, IModel Model)> Children => Steps;

    /// <summary>The column names the final step receives (or, for an all-transformer pipeline, produces).</summary>
    public IReadOnlyList<string> FeatureNamesOut => Final is ITransformerModel t ? t.FeatureNamesOut : [.. Final.InputSchema.Names];

    /// <summary>
    /// Runs the transformer steps: for a pipeline ending in a transformer, its full output; for one ending in a
    /// predictor, the features exactly as the predictor sees them.
    /// </summary>
    public Table Transform(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var current = features.ConformTo(InputSchema);
        foreach (var (_, model) in Steps)
        {
            if (model is not ITransformerModel transformer)
            {
                break;
            }

            current = transformer.Transform(current);
        }

        return current;
    }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        if (Final is not IPredictor predictor)
        {
            throw new InvalidOperationException("This pipeline ends in a transformer; call Transform instead of Predict.");
        }

        // All-numeric element-wise steps before a logistic regression: no intermediate tables (same answer, bit for bit).
        return predictor is LogisticRegressionModel logistic && ApplyPlan(features) is { } matrix
            ? logistic.Predict(matrix)
            : predictor.Predict(Transform(features));
    }

    /// <summary>
    /// The final step's input matrix computed by <see cref="Plan"/> (a per-thread buffer), or null when there is no plan,
    /// the table does not have the input columns as numbers, or a value comes out missing or infinite (the table path then
    /// answers, or reports the problem, as before).
    /// </summary>
    private protected Matrix? ApplyPlan(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Plan is { } plan && NumericPlan.ToMatrix(features, InputSchema) is { } matrix ? plan.Apply(matrix) : null;
    }

    /// <inheritdoc />
    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("step_names", Steps.Select(s => s.Name));
        writer.Write("steps", Steps.Select(s => s.Model).ToList());
    }

    internal static PipelineModel Load(ModelReader reader)
    {
        var names = reader.ReadStrings("step_names");
        var models = reader.ReadModels("steps");
        if (names.Length != models.Count || names.Any(n => n is null))
        {
            throw reader.Corrupt("the step names do not match the steps");
        }

        return Create(reader.ReadSchema("input_schema"), [.. names.Zip(models, (n, m) => (n!, m))]);
    }

    internal static PipelineModel Create(Schema inputSchema, IReadOnlyList<(string Name, IModel Model)> steps) =>
        steps[^1].Model is IClassifier ? new ClassifierPipelineModel(inputSchema, steps) : new PipelineModel(inputSchema, steps);
}

/// <summary>A fitted pipeline whose last step is a classifier.</summary>
public sealed class ClassifierPipelineModel : PipelineModel, IProbabilityOptional, IMatrixClassifier
{
    internal ClassifierPipelineModel(Schema inputSchema, IReadOnlyList<(string Name, IModel Model)> steps)
        : base(inputSchema, steps)
    {
    }

    /// <inheritdoc />
    public Column Classes => ((IClassifier)Final).Classes;

    /// <inheritdoc />
    public Matrix PredictProba(Table features) => Final is IMatrixClassifier final && ApplyPlan(features) is { } matrix && final.TryPredictProba(matrix) is { } proba
        ? proba
        : ((IClassifier)Final).PredictProba(Transform(features));

    /// <inheritdoc />
    public Matrix? TryPredictProba(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Final is IMatrixClassifier final && Plan is { } plan && features.Columns == plan.InputCount && plan.Apply(features) is { } matrix
            ? final.TryPredictProba(matrix)
            : null;
    }

    /// <inheritdoc />
    public bool SupportsProbabilities => ((IClassifier)Final).SupportsProbabilities();
}
