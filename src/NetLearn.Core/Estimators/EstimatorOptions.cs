using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NetLearn.Estimators;

/// <summary>
/// Base record of every estimator's hyperparameters. Properties are PascalCase in C# and snake_case
/// (scikit-learn's names, such as <c>max_iter</c> or <c>C</c>) on the command line, in search spaces and in model files.
/// </summary>
public abstract record EstimatorOptions
{
    /// <summary>Checks every value; throws <see cref="HyperparameterException"/> naming the first invalid one.</summary>
    public virtual void Validate()
    {
    }

    /// <summary>The hyperparameters as a JSON object with snake_case names.</summary>
    public JsonObject ToJson() => (JsonObject)JsonSerializer.SerializeToNode(this, GetType(), HyperParameters.JsonOptions)!;

    /// <summary>The snake_case hyperparameter names.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> ParameterNames => [.. ToJson().Select(p => p.Key)];
}

/// <summary>Conversions between options records and their snake_case JSON form.</summary>
public static class HyperParameters
{
    /// <summary>The serializer settings for options: snake_case names and enum values, named float literals.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        WriteIndented = false,
        RespectNullableAnnotations = true,
    };

    /// <summary>Reads options from their JSON form (as stored in model files).</summary>
    public static T FromJson<T>(JsonObject json)
        where T : EstimatorOptions => (T)FromJson(json, typeof(T));

    /// <summary>Reads options of <paramref name="type"/> from their JSON form.</summary>
    public static EstimatorOptions FromJson(JsonObject json, Type type)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(type);
        return (EstimatorOptions)(json.Deserialize(type, JsonOptions) ?? throw new JsonException($"Null options for {type.Name}."));
    }

    /// <summary>
    /// A copy of <paramref name="options"/> with the snake_case hyperparameter <paramref name="name"/> set from text:
    /// numbers, <c>true</c>/<c>false</c>, <c>null</c>, enum names, or JSON (for lists and objects).
    /// </summary>
    /// <exception cref="HyperparameterException">Unknown name (the message lists the valid ones) or a value of the wrong type or range.</exception>
    public static T With<T>(T options, string name, string value)
        where T : EstimatorOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var json = options.ToJson();
        string? key = json.Select(p => p.Key).FirstOrDefault(k => k == name)
            ?? json.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        if (key is null)
        {
            throw new HyperparameterException(name, $"no such hyperparameter. Valid names: {string.Join(", ", json.Select(p => p.Key))}");
        }

        json[key] = ParseValue(value);
        T result;
        try
        {
            result = (T)FromJson(json, options.GetType());
        }
        catch (JsonException) when (json[key] is not JsonValue { } parsed || parsed.GetValueKind() != JsonValueKind.String)
        {
            // Text that looks like a number or JSON may still be meant as a string (fill_value=0): try it as one.
            json[key] = JsonValue.Create(value.Trim());
            try
            {
                result = (T)FromJson(json, options.GetType());
            }
            catch (JsonException e)
            {
                throw new HyperparameterException(key, $"cannot use '{value}' (current value: {options.ToJson()[key]?.ToJsonString() ?? "null"}). {Expected(options.GetType(), key)}", e);
            }
        }
        catch (JsonException e)
        {
            throw new HyperparameterException(key, $"cannot use '{value}' (current value: {options.ToJson()[key]?.ToJsonString() ?? "null"}). {Expected(options.GetType(), key)}", e);
        }

        result.Validate();
        return result;
    }

    // What a value of this hyperparameter looks like: the names an enumeration accepts, otherwise its type.
    private static string Expected(Type optionsType, string key)
    {
        var property = optionsType.GetProperties().FirstOrDefault(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == key);
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type is { IsEnum: true }
            ? $"Give one of: {string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName))}"
            : type == typeof(bool)
                ? "Give true or false"
                : "Give a value of the same type";
    }

    private static JsonNode? ParseValue(string value)
    {
        string trimmed = value.Trim();
        if (trimmed.Length > 0 && (char.IsDigit(trimmed[0]) || trimmed[0] is '-' or '+' or '.' or '[' or '{' or '"') || trimmed is "true" or "false" or "null")
        {
            try
            {
                return JsonNode.Parse(trimmed);
            }
            catch (JsonException)
            {
                // Not JSON: fall through and treat it as a plain string (e.g. an enum name).
            }
        }

        return JsonValue.Create(trimmed);
    }
}
