using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;

namespace NetLearn.Pipelines;

/// <summary>Chooses the columns a <see cref="ColumnTransformer"/> branch applies to: by name or by kind.</summary>
public sealed record ColumnSelector
{
    /// <summary>Explicit column names, or <c>null</c>.</summary>
    public IReadOnlyList<string>? Names { get; init; }

    /// <summary>Column kinds, or <c>null</c>.</summary>
    public IReadOnlyList<ColumnKind>? Kinds { get; init; }

    /// <summary>Column kinds to leave out (scikit-learn's <c>make_column_selector(dtype_exclude=...)</c>), or <c>null</c>.</summary>
    public IReadOnlyList<ColumnKind>? ExcludeKinds { get; init; }

    /// <summary>A regular expression the column name must contain a match of (<c>make_column_selector(pattern=...)</c>), or <c>null</c>.</summary>
    public string? Pattern { get; init; }

    /// <summary>Selects the named columns.</summary>
    public static ColumnSelector ByName(params IReadOnlyList<string> names) => new() { Names = names };

    /// <summary>Selects every column of the given kinds.</summary>
    public static ColumnSelector ByKind(params IReadOnlyList<ColumnKind> kinds) => new() { Kinds = kinds };

    /// <summary>Selects every column whose name matches <paramref name="pattern"/> (a .NET regular expression, searched as <c>re.search</c>).</summary>
    public static ColumnSelector ByPattern(string pattern) => new() { Pattern = pattern };

    /// <summary>Selects every column except those of the given kinds.</summary>
    public static ColumnSelector ExceptKind(params IReadOnlyList<ColumnKind> kinds) => new() { ExcludeKinds = kinds };

    /// <summary>
    /// The matching column names of <paramref name="schema"/>: the explicit names (each must exist), or, in schema order,
    /// the columns passing every filter that is set (kinds, excluded kinds, name pattern).
    /// </summary>
    public IReadOnlyList<string> Resolve(Schema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (Names is not null)
        {
            foreach (string name in Names)
            {
                _ = schema[name];
            }

            return Names;
        }

        if (Kinds is null && ExcludeKinds is null && Pattern is null)
        {
            return [];
        }

        var regex = Pattern is null ? null : new System.Text.RegularExpressions.Regex(Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return [.. schema.Columns
            .Where(c => Kinds is null || Kinds.Contains(c.Kind))
            .Where(c => ExcludeKinds is null || !ExcludeKinds.Contains(c.Kind))
            .Where(c => regex is null || regex.IsMatch(c.Name))
            .Select(c => c.Name)];
    }
}

/// <summary>What a <see cref="ColumnTransformer"/> does with columns no branch selected.</summary>
public enum Remainder
{
    /// <summary>Leave them out of the output.</summary>
    Drop,

    /// <summary>Append them unchanged.</summary>
    Passthrough,
}

/// <summary>A branch of a <see cref="ColumnTransformer"/>.</summary>
/// <param name="Name">Branch name (output columns are prefixed <c>name__</c>).</param>
/// <param name="Transformer">The transformer estimator (often a pipeline).</param>
/// <param name="Columns">The columns it applies to.</param>
public sealed record ColumnBranch(string Name, IEstimator Transformer, ColumnSelector Columns);

/// <summary>
/// Applies different transformers to different columns and concatenates the results side by side (scikit-learn's
/// <c>ColumnTransformer</c>). Branch selectors are resolved against the schema at fit time; a branch that selects no
/// column is skipped. Output names are <c>branch__column</c>, as scikit-learn's verbose feature names.
/// </summary>
public sealed class ColumnTransformer : IEstimator<ColumnTransformerModel>, IFitTransformEstimator
{
    /// <summary>The model kind.</summary>
    public const string KindName = "column_transformer";

    /// <summary>Creates the transformer.</summary>
    public ColumnTransformer(IEnumerable<ColumnBranch> branches, Remainder remainder = Remainder.Drop)
    {
        ArgumentNullException.ThrowIfNull(branches);
        Branches = [.. branches];
        Remainder = remainder;
        var duplicate = Branches.GroupBy(b => b.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1 || g.Key == RemainderName);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Branch name '{duplicate.Key}' is used twice or is reserved; give every branch a unique name.", nameof(branches));
        }
    }

    /// <summary>Creates the transformer; columns no branch selected go through <paramref name="remainderTransformer"/> (scikit-learn's <c>remainder=estimator</c>).</summary>
    public ColumnTransformer(IEnumerable<ColumnBranch> branches, IEstimator remainderTransformer)
        : this(branches, Remainder.Drop)
    {
        ArgumentNullException.ThrowIfNull(remainderTransformer);
        RemainderTransformer = remainderTransformer;
    }

    /// <summary>The name of the branch that transforms unselected columns.</summary>
    public const string RemainderName = "remainder";

    /// <summary>The transformer of unselected columns, or <c>null</c> (see <see cref="Remainder"/>).</summary>
    public IEstimator? RemainderTransformer { get; }

    /// <summary>The branches.</summary>
    public IReadOnlyList<ColumnBranch> Branches { get; }

    /// <summary>What happens to unselected columns.</summary>
    public Remainder Remainder { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public EstimatorOptions Options { get; } = new CompositeOptions();

    /// <inheritdoc />
    public ColumnTransformerModel Fit(Table features, Column? target = null, FitContext? context = null) => FitBranches(features, target, context, transform: false).Model;

    /// <summary>Fits and returns the transformed training data, cross-fitted where a branch requires it (target encoders).</summary>
    public (ColumnTransformerModel Model, Table Output) FitTransform(Table features, Column? target = null, FitContext? context = null) =>
        FitBranches(features, target, context, transform: true);

    /// <inheritdoc />
    (ITransformerModel Model, Table Output) IFitTransformEstimator.FitTransform(Table features, Column? target, FitContext? context) => FitTransform(features, target, context);

    private (ColumnTransformerModel Model, Table Output) FitBranches(Table features, Column? target, FitContext? context, bool transform)
    {
        ArgumentNullException.ThrowIfNull(features);
        var fitted = new List<FittedBranch>();
        var outputs = new List<Column>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var branches = Branches.ToList();
        foreach (var branch in Branches)
        {
            used.UnionWith(branch.Columns.Resolve(features.Schema));
        }

        if (RemainderTransformer is not null)
        {
            branches.Add(new ColumnBranch(RemainderName, RemainderTransformer, ColumnSelector.ByName([.. features.ColumnNames.Where(n => !used.Contains(n))])));
        }

        foreach (var branch in branches)
        {
            var columns = branch.Columns.Resolve(features.Schema);
            if (columns.Count == 0)
            {
                continue;
            }

            var input = features.Select(columns);
            ITransformerModel transformer;
            if (transform)
            {
                (transformer, var output) = FitTransformer.FitTransform(branch.Transformer, input, target, context, $"ColumnTransformer branch '{branch.Name}'");
                outputs.AddRange(output.Columns.Select(c => c.WithName($"{branch.Name}__{c.Name}")));
            }
            else
            {
                var model = branch.Transformer.FitModel(input, target, context);
                transformer = model as ITransformerModel ?? throw new ArgumentException($"ColumnTransformer branch '{branch.Name}' ({model.Kind}) is not a transformer.");
            }

            fitted.Add(new FittedBranch(branch.Name, transformer, columns));
        }

        string[] remainder = Remainder == Remainder.Passthrough && RemainderTransformer is null ? [.. features.ColumnNames.Where(n => !used.Contains(n))] : [];
        outputs.AddRange(remainder.Select(n => features[n].WithName($"remainder__{n}")));
        return (new ColumnTransformerModel(features.Schema, fitted, remainder), transform ? new Table(outputs) : features);
    }

    /// <inheritdoc />
    public IModel FitModel(Table features, Column? target = null, FitContext? context = null) => Fit(features, target, context);

    /// <summary>A copy with the hyperparameter <c>branch.name</c> of one branch changed.</summary>
    public IEstimator WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        string branchName = dot < 0 ? "" : name[..dot];
        int index = Branches.ToList().FindIndex(b => b.Name == branchName);
        if (index < 0)
        {
            throw new HyperparameterException(name, $"address a branch's hyperparameter as branch.name; branches are {string.Join(", ", Branches.Select(b => b.Name))}");
        }

        var branches = Branches.ToArray();
        branches[index] = branches[index] with { Transformer = branches[index].Transformer.WithParameter(name[(dot + 1)..], value) };
        return RemainderTransformer is null ? new ColumnTransformer(branches, Remainder) : new ColumnTransformer(branches, RemainderTransformer);
    }
}

/// <summary>A fitted branch: its name, model and the input columns it reads.</summary>
/// <param name="Name">Branch name.</param>
/// <param name="Model">The fitted transformer.</param>
/// <param name="Columns">The input columns.</param>
public sealed record FittedBranch(string Name, ITransformerModel Model, IReadOnlyList<string> Columns);

/// <summary>A fitted <see cref="ColumnTransformer"/>.</summary>
public sealed class ColumnTransformerModel : ICompositeModel, ITransformerModel
{
    internal ColumnTransformerModel(Schema inputSchema, IReadOnlyList<FittedBranch> branches, IReadOnlyList<string> passthrough)
    {
        InputSchema = inputSchema;
        Branches = branches;
        Passthrough = passthrough;
        FeatureNamesOut = [.. branches.SelectMany(b => b.Model.FeatureNamesOut.Select(n => $"{b.Name}__{n}")), .. passthrough.Select(n => $"remainder__{n}")];
    }

    /// <summary>The fitted branches.</summary>
    public IReadOnlyList<FittedBranch> Branches { get; }

    /// <summary>Columns passed through unchanged.</summary>
    public IReadOnlyList<string> Passthrough { get; }

    /// <inheritdoc />
    public string Kind => ColumnTransformer.KindName;

    /// <inheritdoc />
    public ModelTask Task => ModelTask.Transform;

    /// <inheritdoc />
    public Schema InputSchema { get; }

    /// <inheritdoc />
    public EstimatorOptions Options { get; } = new CompositeOptions();

    /// <inheritdoc />
    public IEnumerable<(string Name, IModel Model)> Children => Branches.Select(b => (b.Name, (IModel)b.Model));

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut { get; }

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        var columns = new List<Column>();
        foreach (var branch in Branches)
        {
            var output = branch.Model.Transform(input.Select(branch.Columns));
            columns.AddRange(output.Columns.Select(c => c.WithName($"{branch.Name}__{c.Name}")));
        }

        columns.AddRange(Passthrough.Select(n => input[n].WithName($"remainder__{n}")));
        return new Table(columns);
    }

    /// <inheritdoc />
    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("branch_names", Branches.Select(b => b.Name));
        writer.Write("branches", Branches.Select(b => (IModel)b.Model).ToList());
        var columns = writer.Child("branch_columns");
        foreach (var branch in Branches)
        {
            columns.Write(branch.Name, branch.Columns);
        }

        writer.Write("passthrough", Passthrough);
    }

    internal static ColumnTransformerModel Load(ModelReader reader)
    {
        var names = reader.ReadStrings("branch_names");
        var models = reader.ReadModels("branches");
        var columns = reader.Child("branch_columns");
        var branches = names.Zip(models, (n, m) => new FittedBranch(
            n ?? throw reader.Corrupt("a branch name is null"),
            m as ITransformerModel ?? throw reader.Corrupt($"branch '{n}' is not a transformer"),
            [.. columns.ReadStrings(n).Select(c => c!)])).ToList();
        return new ColumnTransformerModel(reader.ReadSchema("input_schema"), branches, [.. reader.ReadStrings("passthrough").Select(c => c!)]);
    }
}
