using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;

namespace NetLearn.ModelFiles;

/// <summary>
/// Collects a fitted model's state for a <c>.nlm</c> file: scalars and small values go to a JSON tree, numeric arrays to
/// binary entries (little-endian IEEE 754, so weights reload bit-exactly). Nested models get their own node.
/// </summary>
public sealed class ModelWriter
{
    private readonly JsonObject _node;
    private readonly BlobStore _blobs;

    internal ModelWriter(JsonObject node, BlobStore blobs)
    {
        _node = node;
        _blobs = blobs;
    }

    /// <summary>Writes a string.</summary>
    public void Write(string key, string? value) => _node[key] = value;

    /// <summary>Writes a number (round-trips exactly).</summary>
    public void Write(string key, double value) => _node[key] = double.IsFinite(value) ? value : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Writes an integer.</summary>
    public void Write(string key, long value) => _node[key] = value;

    /// <summary>Writes a flag.</summary>
    public void Write(string key, bool value) => _node[key] = value;

    /// <summary>Writes a list of strings (<c>null</c> entries allowed).</summary>
    public void Write(string key, IEnumerable<string?> values) => _node[key] = new JsonArray([.. values.Select(v => (JsonNode?)v)]);

    /// <summary>Writes a double array as a binary entry.</summary>
    public void Write(string key, ReadOnlySpan<double> values)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        }

        _node[key] = new JsonObject { ["$f64"] = _blobs.Add(bytes), ["length"] = values.Length };
    }

    /// <summary>Writes an int array as a binary entry.</summary>
    public void Write(string key, ReadOnlySpan<int> values)
    {
        var bytes = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        }

        _node[key] = new JsonObject { ["$i32"] = _blobs.Add(bytes), ["length"] = values.Length };
    }

    /// <summary>Writes a matrix (shape plus binary row-major values).</summary>
    public void Write(string key, Matrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var child = Child(key);
        child.Write("rows", matrix.Rows);
        child.Write("columns", matrix.Columns);
        child.Write("values", matrix.AsSpan());
    }

    /// <summary>Writes a schema (column names and kinds).</summary>
    public void Write(string key, Schema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _node[key] = ModelManifest.SchemaToJson(schema);
    }

    /// <summary>Writes a column (its kind, name and values as text; used for class labels).</summary>
    public void Write(string key, Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var child = Child(key);
        child.Write("name", column.Name);
        child.Write("kind", column.Kind.ToString().ToLowerInvariant());
        child.Write("values", Enumerable.Range(0, column.Length).Select(column.FormatValue));
    }

    /// <summary>Writes hyperparameters in their snake_case JSON form.</summary>
    public void Write(string key, EstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _node[key] = options.ToJson();
    }

    /// <summary>Writes a nested model: its kind, task, options, input schema and state.</summary>
    public void Write(string key, IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var child = Child(key);
        child.WriteModelHeader(model);
        model.Save(child);
    }

    /// <summary>Writes a list of nested models.</summary>
    public void Write(string key, IReadOnlyList<IModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var array = new JsonArray();
        _node[key] = array;
        foreach (var model in models)
        {
            var node = new JsonObject();
            array.Add(node);
            var child = new ModelWriter(node, _blobs);
            child.WriteModelHeader(model);
            model.Save(child);
        }
    }

    /// <summary>A writer for a nested object under <paramref name="key"/>.</summary>
    public ModelWriter Child(string key)
    {
        var node = new JsonObject();
        _node[key] = node;
        return new ModelWriter(node, _blobs);
    }

    internal void WriteModelHeader(IModel model)
    {
        Write("kind", model.Kind);
        Write("task", model.Task.ToString().ToLowerInvariant());
        Write("options", model.Options);
        Write("input_schema", model.InputSchema);
    }
}

/// <summary>Holds the binary entries of a model file while it is written or read.</summary>
internal sealed class BlobStore
{
    private readonly List<byte[]> _blobs = [];

    public BlobStore()
    {
    }

    public BlobStore(IReadOnlyList<byte[]> blobs) => _blobs.AddRange(blobs);

    public IReadOnlyList<byte[]> All => _blobs;

    public string Add(byte[] bytes)
    {
        _blobs.Add(bytes);
        return EntryName(_blobs.Count - 1);
    }

    public static string EntryName(int index) => string.Create(CultureInfo.InvariantCulture, $"arrays/{index:D5}.bin");
}
