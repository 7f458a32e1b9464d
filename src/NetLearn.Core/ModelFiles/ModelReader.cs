using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.ModelFiles;

/// <summary>Reads back what a <see cref="ModelWriter"/> wrote. A missing or malformed entry throws <see cref="ModelFileException"/>.</summary>
public sealed class ModelReader
{
    private readonly JsonObject _node;
    private readonly IReadOnlyDictionary<string, byte[]> _blobs;
    private readonly string _path;
    private readonly string _where;

    internal ModelReader(JsonObject node, IReadOnlyDictionary<string, byte[]> blobs, string path, string where)
    {
        _node = node;
        _blobs = blobs;
        _path = path;
        _where = where;
    }

    /// <summary>True when <paramref name="key"/> was written.</summary>
    public bool Has(string key) => _node.ContainsKey(key) && _node[key] is not null;

    /// <summary>Reads a string.</summary>
    public string ReadString(string key) => Get<string>(key);

    /// <summary>Reads a string that may be null.</summary>
    public string? ReadNullableString(string key) => Has(key) ? Get<string>(key) : null;

    /// <summary>Reads a number.</summary>
    public double ReadDouble(string key)
    {
        var node = Node(key);
        return node.GetValueKind() == JsonValueKind.String
            ? double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)
            : node.GetValue<double>();
    }

    /// <summary>Reads an integer.</summary>
    public long ReadInt64(string key) => Get<long>(key);

    /// <summary>Reads an integer.</summary>
    public int ReadInt32(string key) => Get<int>(key);

    /// <summary>Reads a flag.</summary>
    public bool ReadBoolean(string key) => Get<bool>(key);

    /// <summary>Reads a list of strings.</summary>
    public string?[] ReadStrings(string key) => Node(key) is JsonArray array
        ? [.. array.Select(n => n?.GetValue<string>())]
        : throw Corrupt($"'{key}' is not a list");

    /// <summary>Reads a double array.</summary>
    public double[] ReadDoubles(string key)
    {
        byte[] bytes = Blob(key, "$f64", sizeof(double));
        var values = new double[bytes.Length / sizeof(double)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)));
        }

        return values;
    }

    /// <summary>Reads an int array.</summary>
    public int[] ReadInt32s(string key)
    {
        byte[] bytes = Blob(key, "$i32", sizeof(int));
        var values = new int[bytes.Length / sizeof(int)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * sizeof(int)));
        }

        return values;
    }

    /// <summary>Reads a matrix.</summary>
    public Matrix ReadMatrix(string key)
    {
        var child = Child(key);
        int rows = child.ReadInt32("rows"), columns = child.ReadInt32("columns");
        double[] values = child.ReadDoubles("values");
        return values.Length == rows * columns ? new Matrix(rows, columns, values) : throw Corrupt($"matrix '{key}' has the wrong number of values");
    }

    /// <summary>Reads a schema.</summary>
    public Schema ReadSchema(string key) => Node(key) is JsonArray array
        ? ModelManifest.SchemaFromJson(array)
        : throw Corrupt($"'{key}' is not a schema");

    /// <summary>Reads a column written with <see cref="ModelWriter.Write(string, Column)"/>.</summary>
    public Column ReadColumn(string key)
    {
        var child = Child(key);
        var kind = Enum.Parse<ColumnKind>(child.ReadString("kind"), ignoreCase: true);
        return ColumnInference.Parse(child.ReadString("name"), child.ReadStrings("values"), kind);
    }

    /// <summary>Reads hyperparameters of type <typeparamref name="T"/>.</summary>
    public T ReadOptions<T>(string key = "options")
        where T : EstimatorOptions
    {
        try
        {
            return HyperParameters.FromJson<T>(Node(key) as JsonObject ?? throw Corrupt($"'{key}' is not an object"));
        }
        catch (JsonException e)
        {
            throw new ModelFileException(_path, $"the hyperparameters at {_where}/{key} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Whether the hyperparameters at <paramref name="key"/> name <paramref name="option"/> (files written before an option existed do not).</summary>
    internal bool HasOption(string option, string key = "options") => Node(key) is JsonObject obj && obj.ContainsKey(option);

    /// <summary>Reads a nested model.</summary>
    public IModel ReadModel(string key) => ModelRegistry.Load(Child(key));

    /// <summary>Reads a list of nested models.</summary>
    public IReadOnlyList<IModel> ReadModels(string key) => Node(key) is JsonArray array
        ? [.. array.Select((n, i) => ModelRegistry.Load(new ModelReader(n as JsonObject ?? throw Corrupt($"'{key}[{i}]' is not an object"), _blobs, _path, $"{_where}/{key}[{i}]")))]
        : throw Corrupt($"'{key}' is not a list");

    /// <summary>A reader for the nested object under <paramref name="key"/>.</summary>
    public ModelReader Child(string key) => Node(key) is JsonObject obj
        ? new ModelReader(obj, _blobs, _path, $"{_where}/{key}")
        : throw Corrupt($"'{key}' is not an object");

    /// <summary>The model file being read (for error messages).</summary>
    public string Path => _path;

    /// <summary>An exception saying the state at this point of the file is corrupt.</summary>
    public ModelFileException Corrupt(string what) => new(_path, $"{what} at {_where}. The file is damaged or was written by an incompatible version; re-create it");

    private JsonNode Node(string key) => _node[key] ?? throw Corrupt($"'{key}' is missing");

    private T Get<T>(string key)
    {
        try
        {
            return Node(key).GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Corrupt($"'{key}' has the wrong type");
        }
    }

    private byte[] Blob(string key, string tag, int elementSize)
    {
        if (Node(key) is not JsonObject reference || reference[tag]?.GetValue<string>() is not { } entry)
        {
            throw Corrupt($"'{key}' is not an array of the expected type");
        }

        if (!_blobs.TryGetValue(entry, out byte[]? bytes) || bytes.Length % elementSize != 0)
        {
            throw Corrupt($"array entry '{entry}' for '{key}' is missing or has the wrong size");
        }

        return bytes;
    }
}
