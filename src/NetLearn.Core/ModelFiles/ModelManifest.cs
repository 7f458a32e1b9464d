using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NetLearn.Data;

namespace NetLearn.ModelFiles;

/// <summary>The manifest of a <c>.nlm</c> model file: what the model is, what it expects and returns, how it was trained.</summary>
public sealed record ModelManifest
{
    /// <summary>The model file format this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Format version of the file.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Version of the NetLearn library that wrote the file.</summary>
    public string LibraryVersion { get; init; } = "";

    /// <summary>When the file was written (UTC).</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Kind of the top-level model (<c>pipeline</c>, <c>logistic_regression</c>, …).</summary>
    public string ModelKind { get; init; } = "";

    /// <summary><c>classification</c>, <c>regression</c> or <c>transform</c>.</summary>
    public string Task { get; init; } = "";

    /// <summary>Hyperparameters, snake_case; nested steps appear as <c>step.name</c> keys.</summary>
    public JsonObject Hyperparameters { get; init; } = [];

    /// <summary>Input columns: name and type.</summary>
    public JsonArray InputSchema { get; init; } = [];

    /// <summary>What predictions look like: <c>{"type": "class_label", "classes": […]}</c> or <c>{"type": "double"}</c>.</summary>
    public JsonObject OutputSchema { get; init; } = [];

    /// <summary>Training metadata: rows, seconds, seed, target, metrics (whatever the trainer recorded).</summary>
    public JsonObject Training { get; init; } = [];

    /// <summary>The payload entries with their sizes and SHA-256 digests.</summary>
    public IReadOnlyList<PayloadEntry> Payload { get; init; } = [];

    /// <summary>The manifest as indented JSON (what <c>netlearn inspect</c> prints).</summary>
    public string ToJsonString() => JsonSerializer.Serialize(this, ModelFile.ManifestJsonOptions);

    internal static JsonArray SchemaToJson(Schema schema) =>
        [.. schema.Columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Kind.ToString().ToLowerInvariant() })];

    internal static Schema SchemaFromJson(JsonArray array) =>
        new(array.Select(n => new ColumnInfo(n!["name"]!.GetValue<string>(), Enum.Parse<ColumnKind>(n!["type"]!.GetValue<string>(), ignoreCase: true))));
}

/// <summary>One payload entry of a model file.</summary>
/// <param name="Path">Entry path inside the archive.</param>
/// <param name="Bytes">Entry length.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the entry.</param>
public sealed record PayloadEntry(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);
