using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>Hyperparameters of <see cref="PolynomialFeatures"/>.</summary>
public sealed record PolynomialFeaturesOptions : EstimatorOptions
{
    /// <summary>The maximal degree (<c>degree</c>).</summary>
    public int Degree { get; init; } = 2;

    /// <summary>Only products of distinct columns, no powers (<c>interaction_only</c>).</summary>
    public bool InteractionOnly { get; init; }

    /// <summary>Add the constant column <c>1</c> (<c>include_bias</c>).</summary>
    public bool IncludeBias { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        if (Degree < 0)
        {
            throw new HyperparameterException("degree", "give a non-negative degree");
        }
    }
}

/// <summary>
/// All monomials of the columns up to a degree (scikit-learn's <c>PolynomialFeatures</c>), in its order: by degree, then
/// combinations (with replacement unless <c>interaction_only</c>) in lexicographic order. Names are <c>1</c>, <c>a</c>,
/// <c>a^2</c>, <c>a b</c>, as scikit-learn's <c>get_feature_names_out</c>.
/// </summary>
public sealed class PolynomialFeatures(PolynomialFeaturesOptions? options = null)
    : Estimator<PolynomialFeaturesOptions, PolynomialFeaturesModel>(options ?? new PolynomialFeaturesOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "polynomial_features";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override PolynomialFeaturesModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "PolynomialFeatures");
        _ = NumericData.Columns(features, "PolynomialFeatures", allowMissing: true);
        var combinations = Combinations(features.ColumnCount, Options.Degree, Options.InteractionOnly, Options.IncludeBias);
        if (combinations.Count == 0)
        {
            throw new HyperparameterException("degree", "degree 0 without include_bias produces no columns");
        }

        return new PolynomialFeaturesModel(Options, features.Schema, combinations);
    }

    private static List<int[]> Combinations(int p, int degree, bool interactionOnly, bool bias)
    {
        var result = new List<int[]>();
        for (int d = bias ? 0 : 1; d <= degree; d++)
        {
            Recurse([], 0, d);
        }

        return result;

        void Recurse(List<int> prefix, int start, int remaining)
        {
            if (remaining == 0)
            {
                result.Add([.. prefix]);
                return;
            }

            for (int j = start; j < p; j++)
            {
                prefix.Add(j);
                Recurse(prefix, interactionOnly ? j + 1 : j, remaining - 1);
                prefix.RemoveAt(prefix.Count - 1);
            }
        }
    }
}

/// <summary>A fitted <see cref="PolynomialFeatures"/>.</summary>
public sealed class PolynomialFeaturesModel : NumericTransformerModel<PolynomialFeaturesOptions>
{
    private readonly int[][] _combinations;

    internal PolynomialFeaturesModel(PolynomialFeaturesOptions options, Schema inputSchema, IReadOnlyList<int[]> combinations)
        : base(options, inputSchema)
    {
        _combinations = [.. combinations];
        string[] names = [.. inputSchema.Names];
        FeatureNamesOut = [.. _combinations.Select(combo => combo.Length == 0
            ? "1"
            : string.Join(' ', combo.GroupBy(j => j).Select(g => g.Count() == 1 ? names[g.Key] : string.Create(CultureInfo.InvariantCulture, $"{names[g.Key]}^{g.Count()}"))))];
    }

    /// <inheritdoc />
    public override string Kind => PolynomialFeatures.KindName;

    /// <summary>The exponent of each input column in each output column (<c>powers_</c>).</summary>
    public int[][] Powers => [.. _combinations.Select(combo =>
    {
        var powers = new int[InputSchema.Count];
        foreach (int j in combo)
        {
            powers[j]++;
        }

        return powers;
    })];

    /// <inheritdoc />
    public override IReadOnlyList<string> FeatureNamesOut { get; }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("n_features_in", InputSchema.Count);
    }

    internal static PolynomialFeaturesModel Load(ModelReader reader)
    {
        var options = reader.ReadOptions<PolynomialFeaturesOptions>();
        var schema = reader.ReadSchema("input_schema");
        var model = new PolynomialFeatures(options).Fit(new Table(schema.Columns.Select(c => (Column)new NumericColumn(c.Name, [0.0]))));
        return new PolynomialFeaturesModel(options, schema, model._combinations);
    }

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        var output = new double[_combinations.Length][];
        for (int k = 0; k < output.Length; k++)
        {
            var values = new double[rows];
            Array.Fill(values, 1.0);
            foreach (int j in _combinations[k])
            {
                for (int i = 0; i < rows; i++)
                {
                    values[i] *= columns[j][i];
                }
            }

            output[k] = values;
        }

        return output;
    }
}
