using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;

namespace NetLearn.Pipelines;

/// <summary>
/// Applies several transformers to the same columns and concatenates their outputs side by side (scikit-learn's
/// <c>FeatureUnion</c>), for example the original features next to polynomial ones or next to missing indicators.
/// Output names are <c>name__feature</c>.
/// </summary>
public sealed class FeatureUnion : IEstimator<FeatureUnionModel>, IFitTransformEstimator
{
    /// <summary>The model kind.</summary>
    public const string KindName = "feature_union";

    /// <summary>Creates the union; names must be unique.</summary>
    public FeatureUnion(params IEnumerable<Step> transformers)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        Transformers = [.. transformers];
        if (Transformers.Count == 0)
        {
            throw new ArgumentException("A feature union needs at least one transformer.", nameof(transformers));
        }

        var duplicate = Transformers.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Transformer name '{duplicate.Key}' is used twice; give every transformer a unique name.", nameof(transformers));
        }
    }

    /// <summary>The named transformers.</summary>
    public IReadOnlyList<Step> Transformers { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public EstimatorOptions Options { get; } = new CompositeOptions();

    /// <inheritdoc />
    public FeatureUnionModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var models = new List<(string, ITransformerModel)>();
        foreach (var step in Transformers)
        {
            var model = step.Estimator.FitModel(features, target, context);
            models.Add((step.Name, model as ITransformerModel ?? throw new ArgumentException($"FeatureUnion part '{step.Name}' ({model.Kind}) is not a transformer.")));
        }

        return new FeatureUnionModel(features.Schema, models);
    }

    /// <summary>Fits and returns the concatenated training output, cross-fitted where a part requires it.</summary>
    public (FeatureUnionModel Model, Table Output) FitTransform(Table features, Column? target = null, FitContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var models = new List<(string, ITransformerModel)>();
        var columns = new List<Column>();
        foreach (var step in Transformers)
        {
            var (model, output) = FitTransformer.FitTransform(step.Estimator, features, target, context, $"FeatureUnion part '{step.Name}'");
            models.Add((step.Name, model));
            columns.AddRange(output.Columns.Select(c => c.WithName($"{step.Name}__{c.Name}")));
        }

        return (new FeatureUnionModel(features.Schema, models), new Table(columns));
    }

    /// <inheritdoc />
    (ITransformerModel Model, Table Output) IFitTransformEstimator.FitTransform(Table features, Column? target, FitContext? context) => FitTransform(features, target, context);

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <summary>A copy with the hyperparameter <c>part.name</c> of one transformer changed.</summary>
    public IEstimator WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        string part = dot < 0 ? "" : name[..dot];
        int index = Transformers.ToList().FindIndex(s => s.Name == part);
        if (index < 0)
        {
            throw new HyperparameterException(name, $"address a part's hyperparameter as part.name; parts are {string.Join(", ", Transformers.Select(s => s.Name))}");
        }

        var steps = Transformers.ToArray();
        steps[index] = steps[index] with { Estimator = steps[index].Estimator.WithParameter(name[(dot + 1)..], value) };
        return new FeatureUnion(steps);
    }
}

/// <summary>A fitted <see cref="FeatureUnion"/>.</summary>
public sealed class FeatureUnionModel : ICompositeModel, ITransformerModel
{
    internal FeatureUnionModel(Schema inputSchema, IReadOnlyList<(string Name, ITransformerModel Model)> parts)
    {
        InputSchema = inputSchema;
        Parts = parts;
        FeatureNamesOut = [.. parts.SelectMany(p => p.Model.FeatureNamesOut.Select(n => $"{p.Name}__{n}"))];
    }

    /// <summary>The fitted transformers.</summary>
    public IReadOnlyList<(string Name, ITransformerModel Model)> Parts { get; }

    /// <inheritdoc />
    public string Kind => FeatureUnion.KindName;

    /// <inheritdoc />
    public ModelTask Task => ModelTask.Transform;

    /// <inheritdoc />
    public Schema InputSchema { get; }

    /// <inheritdoc />
    public EstimatorOptions Options { get; } = new CompositeOptions();

    /// <inheritdoc />
    public IEnumerable<(string Name, IModel Model)> Children => Parts.Select(p => (p.Name, (IModel)p.Model));

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut { get; }

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        return new Table(Parts.SelectMany(p => p.Model.Transform(input).Columns.Select(c => c.WithName($"{p.Name}__{c.Name}"))));
    }

    /// <inheritdoc />
    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("names", Parts.Select(p => p.Name));
        writer.Write("parts", Parts.Select(p => (IModel)p.Model).ToList());
    }

    internal static FeatureUnionModel Load(ModelReader reader)
    {
        var names = reader.ReadStrings("names");
        var models = reader.ReadModels("parts");
        if (names.Length != models.Count)
        {
            throw reader.Corrupt("the part names do not match the parts");
        }

        return new FeatureUnionModel(reader.ReadSchema("input_schema"), [.. names.Zip(models, (n, m) => (
            n ?? throw reader.Corrupt("a part name is null"),
            m as ITransformerModel ?? throw reader.Corrupt($"part '{n}' is not a transformer")))]);
    }
}
