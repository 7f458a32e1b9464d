using System.Text.Json;
using System.Text.Json.Serialization;
using NetLearn.Estimators;

namespace NetLearn.Linear;

/// <summary>
/// Per-class weights (scikit-learn's <c>class_weight</c>): <see cref="Balanced"/> weights each class by
/// n_samples / (n_classes · count), or explicit weights by label. In JSON and on the command line:
/// <c>"balanced"</c> or an object such as <c>{"yes": 2, "no": 1}</c>. Forests also take <see cref="BalancedSubsample"/>.
/// </summary>
[JsonConverter(typeof(ClassWeightJsonConverter))]
public sealed record ClassWeight
{
    private ClassWeight(bool balanced, IReadOnlyDictionary<string, double>? weights, bool subsample = false)
    {
        IsBalanced = balanced;
        Weights = weights;
        IsBalancedSubsample = subsample;
    }

    /// <summary>Weights inversely proportional to class frequencies.</summary>
    public static ClassWeight Balanced { get; } = new(true, null);

    /// <summary>True for <see cref="Balanced"/>.</summary>
    public bool IsBalanced { get; }

    /// <summary>
    /// Forests only (<c>"balanced_subsample"</c>): balanced weights recomputed from each tree's bootstrap sample; without
    /// bootstrap the same as <see cref="Balanced"/>.
    /// </summary>
    public static ClassWeight BalancedSubsample { get; } = new(false, null, subsample: true);

    /// <summary>True for <see cref="BalancedSubsample"/>.</summary>
    public bool IsBalancedSubsample { get; }

    /// <summary>Explicit weights by label text; unlisted classes weigh 1.</summary>
    public IReadOnlyDictionary<string, double>? Weights { get; }

    /// <summary>Explicit weights by label text.</summary>
    public static ClassWeight Of(IReadOnlyDictionary<string, double> weights) => new(false, weights ?? throw new ArgumentNullException(nameof(weights)));

    /// <summary>The weight of each class, given the class index of every row.</summary>
    public double[] Compute(ClassLabels labels, ReadOnlySpan<int> y)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (IsBalancedSubsample)
        {
            throw new HyperparameterException("class_weight", "\"balanced_subsample\" only applies to forests (weights per bootstrap sample); use \"balanced\"");
        }

        var result = new double[labels.Count];
        if (IsBalanced)
        {
            var counts = new int[labels.Count];
            foreach (int k in y)
            {
                counts[k]++;
            }

            for (int k = 0; k < result.Length; k++)
            {
                result[k] = counts[k] == 0 ? 1.0 : (double)y.Length / (labels.Count * counts[k]);
            }

            return result;
        }

        Array.Fill(result, 1.0);
        foreach (var (label, weight) in Weights!)
        {
            int k = labels.IndexOf(label);
            if (k < 0)
            {
                throw new HyperparameterException("class_weight", $"names the label '{label}', which is not a class of the target");
            }

            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new HyperparameterException("class_weight", $"the weight of '{label}' must be finite and non-negative");
            }

            result[k] = weight;
        }

        return result;
    }

    /// <inheritdoc />
    public bool Equals(ClassWeight? other) =>
        other is not null && IsBalanced == other.IsBalanced && IsBalancedSubsample == other.IsBalancedSubsample
        && (Weights is null ? other.Weights is null : other.Weights is not null && Weights.Count == other.Weights.Count && Weights.All(kv => other.Weights.TryGetValue(kv.Key, out double v) && v.Equals(kv.Value)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(IsBalanced, IsBalancedSubsample, Weights?.Count ?? -1);
}

internal sealed class ClassWeightJsonConverter : JsonConverter<ClassWeight>
{
    public override ClassWeight? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString() switch
            {
                "balanced" => ClassWeight.Balanced,
                "balanced_subsample" => ClassWeight.BalancedSubsample,
                _ => throw new JsonException("class_weight must be \"balanced\", \"balanced_subsample\" (forests) or an object of weights by label."),
            };
        }

        var weights = JsonSerializer.Deserialize<Dictionary<string, double>>(ref reader, options) ?? throw new JsonException("class_weight is empty.");
        return ClassWeight.Of(weights);
    }

    public override void Write(Utf8JsonWriter writer, ClassWeight value, JsonSerializerOptions options)
    {
        if (value.IsBalanced || value.IsBalancedSubsample)
        {
            writer.WriteStringValue(value.IsBalanced ? "balanced" : "balanced_subsample");
        }
        else
        {
            JsonSerializer.Serialize(writer, value.Weights, options);
        }
    }
}
