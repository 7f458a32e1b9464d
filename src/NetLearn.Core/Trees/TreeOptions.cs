using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetLearn.Estimators;
using NetLearn.Linear;

namespace NetLearn.Trees;

/// <summary>How a decision tree measures the impurity of a node (scikit-learn's <c>criterion</c>).</summary>
public enum SplitCriterion
{
    /// <summary>Gini impurity 1 − Σ pₖ² (classification).</summary>
    Gini,

    /// <summary>Shannon entropy −Σ pₖ log₂ pₖ (classification).</summary>
    Entropy,

    /// <summary>The same as <see cref="Entropy"/> (scikit-learn's alias).</summary>
    LogLoss,

    /// <summary>Weighted variance of the target, leaves predict the mean (regression).</summary>
    SquaredError,

    /// <summary>Mean absolute deviation from the weighted median, leaves predict the median (regression).</summary>
    AbsoluteError,

    /// <summary>Half Poisson deviance, for non-negative counts; leaves predict the mean (regression).</summary>
    Poisson,
}

/// <summary>How a node's split is chosen (scikit-learn's <c>splitter</c>).</summary>
public enum SplitStrategy
{
    /// <summary>The best threshold of every candidate feature (CART).</summary>
    Best,

    /// <summary>One uniformly drawn threshold per candidate feature (extremely randomised trees).</summary>
    Random,
}

/// <summary>
/// How many features a node considers when it looks for a split (scikit-learn's <c>max_features</c>):
/// all of them (<c>null</c> in JSON), <c>"sqrt"</c>, <c>"log2"</c>, a count (an integer such as <c>5</c>) or a
/// fraction (a number with a decimal point such as <c>0.5</c>).
/// </summary>
[JsonConverter(typeof(MaxFeaturesJsonConverter))]
public sealed record MaxFeatures
{
    private MaxFeatures(string kind, double value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>√(number of features), rounded down, at least 1.</summary>
    public static MaxFeatures Sqrt { get; } = new("sqrt", 0);

    /// <summary>log₂(number of features), rounded down, at least 1.</summary>
    public static MaxFeatures Log2 { get; } = new("log2", 0);

    /// <summary>Every feature.</summary>
    public static MaxFeatures All { get; } = new("all", 0);

    /// <summary><c>sqrt</c>, <c>log2</c>, <c>all</c>, <c>count</c> or <c>fraction</c>.</summary>
    public string Kind { get; }

    /// <summary>The count or fraction (0 for the named rules).</summary>
    public double Value { get; }

    /// <summary>A fixed number of features.</summary>
    public static MaxFeatures Count(int count) => count >= 1 ? new("count", count) : throw new HyperparameterException("max_features", "a count must be at least 1");

    /// <summary>A fraction of the features in (0, 1].</summary>
    public static MaxFeatures Fraction(double fraction) =>
        fraction > 0 && fraction <= 1 ? new("fraction", fraction) : throw new HyperparameterException("max_features", "a fraction must be in (0, 1]");

    /// <summary>The number of features to try out of <paramref name="features"/>, as scikit-learn resolves it.</summary>
    public int Resolve(int features) => Kind switch
    {
        "sqrt" => Math.Max(1, (int)Math.Sqrt(features)),
        "log2" => Math.Max(1, (int)Math.Log2(features)),
        "count" => Math.Min(features, (int)Value),
        "fraction" => Math.Max(1, (int)(Value * features)),
        _ => features,
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        "count" => ((int)Value).ToString(CultureInfo.InvariantCulture),
        "fraction" => Value.ToString("0.0###############", CultureInfo.InvariantCulture),
        _ => Kind,
    };
}

internal sealed class MaxFeaturesJsonConverter : JsonConverter<MaxFeatures>
{
    public override bool HandleNull => false;

    public override MaxFeatures? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString() switch
            {
                "sqrt" => MaxFeatures.Sqrt,
                "log2" => MaxFeatures.Log2,
                "all" => MaxFeatures.All,
                var s => throw new JsonException($"max_features must be \"sqrt\", \"log2\", a count or a fraction, not '{s}'."),
            };
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException("max_features must be \"sqrt\", \"log2\", a count or a fraction.");
        }

        // scikit-learn tells a count (5) from a fraction (0.5, 1.0) by the number's type; JSON by its spelling.
        string raw = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        return raw.IndexOfAny(['.', 'e', 'E']) >= 0 ? MaxFeatures.Fraction(reader.GetDouble()) : MaxFeatures.Count(reader.GetInt32());
    }

    public override void Write(Utf8JsonWriter writer, MaxFeatures value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case "count":
                writer.WriteNumberValue((int)value.Value);
                break;
            case "fraction":
                writer.WriteRawValue(value.ToString());
                break;
            default:
                writer.WriteStringValue(value.Kind);
                break;
        }
    }
}

/// <summary>The hyperparameters every CART tree shares (scikit-learn's names and defaults).</summary>
public abstract record TreeOptionsBase : EstimatorOptions
{
    /// <summary>Depth limit (<c>max_depth</c>); <c>null</c> grows until leaves are pure or too small.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>A node needs at least this many rows to be split (<c>min_samples_split</c>).</summary>
    public int MinSamplesSplit { get; init; } = 2;

    /// <summary>Each leaf keeps at least this many rows (<c>min_samples_leaf</c>).</summary>
    public int MinSamplesLeaf { get; init; } = 1;

    /// <summary>Each leaf keeps at least this fraction of the total sample weight (<c>min_weight_fraction_leaf</c>).</summary>
    public double MinWeightFractionLeaf { get; init; }

    /// <summary>Features considered per split (<c>max_features</c>); <c>null</c> means all.</summary>
    public MaxFeatures? MaxFeatures { get; init; }

    /// <summary>Grow best-first with at most this many leaves (<c>max_leaf_nodes</c>); <c>null</c> grows depth-first without limit.</summary>
    public int? MaxLeafNodes { get; init; }

    /// <summary>Split only when the weighted impurity decrease is at least this (<c>min_impurity_decrease</c>).</summary>
    public double MinImpurityDecrease { get; init; }

    /// <summary>Minimal cost-complexity pruning strength (<c>ccp_alpha</c>); 0 prunes nothing.</summary>
    public double CcpAlpha { get; init; }

    /// <summary>Seed of the feature permutations and random thresholds (<c>random_state</c>); <c>null</c> draws one.</summary>
    public int? RandomState { get; init; }

    /// <summary>Checks the shared values; <paramref name="criterion"/> must suit the task.</summary>
    protected void ValidateTree(SplitCriterion criterion, bool classifier)
    {
        bool classCriterion = criterion is SplitCriterion.Gini or SplitCriterion.Entropy or SplitCriterion.LogLoss;
        if (classCriterion != classifier)
        {
            throw new HyperparameterException("criterion", classifier
                ? "a classifier needs gini, entropy or log_loss"
                : "a regressor needs squared_error, absolute_error or poisson");
        }

        if (MaxDepth is < 1)
        {
            throw new HyperparameterException("max_depth", "must be at least 1, or null for no limit");
        }

        if (MinSamplesSplit < 2)
        {
            throw new HyperparameterException("min_samples_split", "must be at least 2");
        }

        if (MinSamplesLeaf < 1)
        {
            throw new HyperparameterException("min_samples_leaf", "must be at least 1");
        }

        if (!(MinWeightFractionLeaf >= 0 && MinWeightFractionLeaf <= 0.5))
        {
            throw new HyperparameterException("min_weight_fraction_leaf", "must be in [0, 0.5]");
        }

        if (MaxLeafNodes is < 2)
        {
            throw new HyperparameterException("max_leaf_nodes", "must be at least 2, or null for no limit");
        }

        if (!(MinImpurityDecrease >= 0) || !double.IsFinite(MinImpurityDecrease))
        {
            throw new HyperparameterException("min_impurity_decrease", "must be a non-negative number");
        }

        if (!(CcpAlpha >= 0) || !double.IsFinite(CcpAlpha))
        {
            throw new HyperparameterException("ccp_alpha", "must be a non-negative number");
        }
    }
}

/// <summary>Hyperparameters of <see cref="DecisionTreeClassifier"/> (scikit-learn's names and defaults).</summary>
public sealed record DecisionTreeClassifierOptions : TreeOptionsBase
{
    /// <summary>How each node's split is chosen (<c>splitter</c>): best or random.</summary>
    public SplitStrategy Splitter { get; init; } = SplitStrategy.Best;

    /// <summary>The impurity measure (<c>criterion</c>): gini, entropy or log_loss.</summary>
    public SplitCriterion Criterion { get; init; } = SplitCriterion.Gini;

    /// <summary>Per-class weights (<c>class_weight</c>): <c>null</c>, balanced, or by label.</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <inheritdoc />
    public override void Validate() => ValidateTree(Criterion, classifier: true);
}

/// <summary>Hyperparameters of <see cref="DecisionTreeRegressor"/> (scikit-learn's names and defaults).</summary>
public sealed record DecisionTreeRegressorOptions : TreeOptionsBase
{
    /// <summary>How each node's split is chosen (<c>splitter</c>): best or random.</summary>
    public SplitStrategy Splitter { get; init; } = SplitStrategy.Best;

    /// <summary>The impurity measure (<c>criterion</c>): squared_error, absolute_error or poisson.</summary>
    public SplitCriterion Criterion { get; init; } = SplitCriterion.SquaredError;

    /// <inheritdoc />
    public override void Validate() => ValidateTree(Criterion, classifier: false);
}
