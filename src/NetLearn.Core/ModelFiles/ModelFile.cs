using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NetLearn.Data.IO;
using NetLearn.Estimators;

namespace NetLearn.ModelFiles;

/// <summary>
/// Saves and loads <c>.nlm</c> model files: a zip archive with <c>manifest.json</c> (see <see cref="ModelManifest"/>),
/// <c>manifest.sha256</c> (digest of the manifest), <c>model.json</c> (the model tree and small values) and
/// <c>arrays/*.bin</c> (weights, little-endian). Every payload entry's SHA-256 is in the manifest; loading verifies them
/// all and refuses truncated or altered files.
/// </summary>
public static class ModelFile
{
    /// <summary>The conventional extension.</summary>
    public const string Extension = ".nlm";

    internal static JsonSerializerOptions ManifestJsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The version of this library, written into every manifest.</summary>
    public static string LibraryVersion { get; } =
        typeof(ModelFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Saves a fitted model atomically (the file appears whole or not at all).</summary>
    /// <param name="path">Target path, conventionally ending in <c>.nlm</c>.</param>
    /// <param name="model">The fitted model or pipeline.</param>
    /// <param name="training">Training metadata to record (rows, time, seed, metrics), if known.</param>
    public static void Save(string path, IModel model, TrainingInfo? training = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var root = new JsonObject();
        var blobs = new BlobStore();
        var writer = new ModelWriter(root, blobs);
        writer.WriteModelHeader(model);
        model.Save(writer);

        var entries = new List<(string Name, byte[] Bytes)>
        {
            ("model.json", Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }))),
        };
        entries.AddRange(blobs.All.Select((b, i) => (BlobStore.EntryName(i), b)));

        var manifest = new ModelManifest
        {
            LibraryVersion = LibraryVersion,
            CreatedUtc = DateTimeOffset.UtcNow,
            ModelKind = model.Kind,
            Task = model.Task.ToString().ToLowerInvariant(),
            Hyperparameters = FlattenHyperparameters(model),
            InputSchema = ModelManifest.SchemaToJson(model.InputSchema),
            OutputSchema = OutputSchemaOf(model),
            Training = training is null ? [] : (JsonObject)JsonSerializer.SerializeToNode(training, ManifestJsonOptions)!,
            Payload = [.. entries.Select(e => new PayloadEntry(e.Name, e.Bytes.Length, Sha256(e.Bytes)))],
        };
        byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());

        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Add(zip, "manifest.json", manifestBytes);
            Add(zip, "manifest.sha256", Encoding.ASCII.GetBytes(Sha256(manifestBytes)));
            foreach (var (name, bytes) in entries)
            {
                Add(zip, name, bytes);
            }
        });
    }

    /// <summary>Loads and verifies a model file.</summary>
    /// <exception cref="ModelFileException">Missing, truncated, altered, too new, or of an unknown model kind.</exception>
    public static IModel Load(string path) => LoadWithManifest(path).Model;

    /// <summary>Loads and verifies a model file once, returning the model together with its manifest.</summary>
    /// <exception cref="ModelFileException">Missing, truncated, altered, too new, or of an unknown model kind.</exception>
    public static (IModel Model, ModelManifest Manifest) LoadWithManifest(string path) => Build(path, Open(path));

    /// <summary>
    /// Loads and verifies a model file held in memory or in any readable, seekable stream (for example one decrypted by a
    /// server); <paramref name="name"/> names it in error messages.
    /// </summary>
    /// <exception cref="ModelFileException">Truncated, altered, too new, or of an unknown model kind.</exception>
    public static (IModel Model, ModelManifest Manifest) LoadWithManifest(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Build(name, Read(name, () => new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true)));
    }

    private static (IModel Model, ModelManifest Manifest) Build(string path, (ModelManifest Manifest, Dictionary<string, byte[]> Files) opened)
    {
        var (manifest, files) = opened;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(files["model.json"]) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, "model.json is not valid JSON; the file is damaged. Re-create it", e);
        }

        var blobs = files.Where(f => f.Key.StartsWith("arrays/", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        return (ModelRegistry.Load(new ModelReader(root, blobs, path, "model")), manifest);
    }

    /// <summary>Loads a model file and checks that it holds a <typeparamref name="T"/>.</summary>
    public static T Load<T>(string path)
        where T : class, IModel =>
        Load(path) as T ?? throw new ModelFileException(path, $"holds a model that is not a {typeof(T).Name}");

    /// <summary>Reads and verifies the manifest (and every payload digest) without building the model.</summary>
    public static ModelManifest ReadManifest(string path) => Open(path).Manifest;

    private static (ModelManifest Manifest, Dictionary<string, byte[]> Files) Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ModelFileException(path, "the file does not exist. Check the path, or train a model first with 'netlearn train'");
        }

        return Read(path, () => ZipFile.OpenRead(path));
    }

    private static (ModelManifest Manifest, Dictionary<string, byte[]> Files) Read(string path, Func<ZipArchive> openArchive)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var zip = openArchive();
            foreach (var entry in zip.Entries)
            {
                using var s = entry.Open();
                using var buffer = new MemoryStream();
                s.CopyTo(buffer);
                files[entry.FullName] = buffer.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException(path, "is not a NetLearn model file or is truncated (the archive cannot be read). Re-create or re-download it", e);
        }

        if (!files.TryGetValue("manifest.json", out byte[]? manifestBytes) || !files.TryGetValue("manifest.sha256", out byte[]? digest))
        {
            throw new ModelFileException(path, "has no manifest; it is not a NetLearn model file");
        }

        if (!string.Equals(Encoding.ASCII.GetString(digest).Trim(), Sha256(manifestBytes), StringComparison.Ordinal))
        {
            throw new ModelFileException(path, "the manifest was altered (its SHA-256 does not match). Do not edit model files; re-create it");
        }

        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(manifestBytes, ManifestJsonOptions) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, "the manifest cannot be read; the file is damaged. Re-create it", e);
        }

        if (manifest.FormatVersion > ModelManifest.CurrentFormatVersion || manifest.FormatVersion < 1)
        {
            throw new ModelFileException(path, $"has format version {manifest.FormatVersion}, but this NetLearn ({LibraryVersion}) reads version {ModelManifest.CurrentFormatVersion}. Upgrade NetLearn or re-save the model with this version");
        }

        foreach (var entry in manifest.Payload)
        {
            if (!files.TryGetValue(entry.Path, out byte[]? bytes))
            {
                throw new ModelFileException(path, $"entry '{entry.Path}' is missing; the file is truncated or damaged. Re-create it");
            }

            if (bytes.Length != entry.Bytes || !string.Equals(Sha256(bytes), entry.Sha256, StringComparison.Ordinal))
            {
                throw new ModelFileException(path, $"entry '{entry.Path}' was altered (its SHA-256 does not match the manifest). Re-create the file");
            }
        }

        if (!manifest.Payload.Any(p => p.Path == "model.json"))
        {
            throw new ModelFileException(path, "the manifest lists no model.json; the file is damaged");
        }

        return (manifest, files);
    }

    private static JsonObject FlattenHyperparameters(IModel model)
    {
        var result = new JsonObject();
        Flatten(model, prefix: "", result);
        return result;
    }

    private static void Flatten(IModel model, string prefix, JsonObject result)
    {
        if (model is ICompositeModel composite)
        {
            foreach (var (name, child) in composite.Children)
            {
                Flatten(child, prefix + name + ".", result);
            }

            return;
        }

        foreach (var (key, value) in model.Options.ToJson())
        {
            result[prefix + key] = value?.DeepClone();
        }
    }

    private static JsonObject OutputSchemaOf(IModel model) => model switch
    {
        IClassifier c => new JsonObject
        {
            ["type"] = "class_label",
            ["name"] = c.Classes.Name,
            ["label_type"] = c.Classes.Kind.ToString().ToLowerInvariant(),
            ["classes"] = new JsonArray([.. Enumerable.Range(0, c.Classes.Length).Select(i => (JsonNode?)c.Classes.FormatValue(i))]),
            ["probabilities"] = true,
        },
        IPredictor => new JsonObject { ["type"] = "double" },
        ITransformerModel t => new JsonObject { ["type"] = "table", ["columns"] = new JsonArray([.. t.FeatureNamesOut.Select(n => (JsonNode?)n)]) },
        _ => [],
    };

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var s = entry.Open();
        s.Write(bytes);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>Training metadata recorded in a model file's manifest.</summary>
public sealed record TrainingInfo
{
    /// <summary>The estimator's catalog name (<c>logistic-regression</c>), when trained through the catalog.</summary>
    public string? Estimator { get; init; }

    /// <summary>Rows the final model was fitted on.</summary>
    public int? Rows { get; init; }

    /// <summary>Rows held out for evaluation.</summary>
    public int? TestRows { get; init; }

    /// <summary>Wall-clock seconds of the fit.</summary>
    public double? FitSeconds { get; init; }

    /// <summary>The seed used for splitting and any randomness.</summary>
    public int? Seed { get; init; }

    /// <summary>The target column.</summary>
    public string? Target { get; init; }

    /// <summary>The data source (file name).</summary>
    public string? Data { get; init; }

    /// <summary>Hold-out metrics by name.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}
