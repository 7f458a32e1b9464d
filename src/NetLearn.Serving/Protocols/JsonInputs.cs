using System.Globalization;
using System.Text.Json;
using NetLearn.Data;

namespace NetLearn.Serving.Protocols;

/// <summary>Decodes the JSON request bodies of every REST protocol into <see cref="InputBatch"/> rows.</summary>
internal static class JsonInputs
{
    private const int MaxDepth = 16;

    /// <summary>Named-column rows: <c>[{"age": 41, "city": "Oslo"}, …]</c>; every row names every column, <c>null</c> = missing.</summary>
    public static InputBatch Rows(JsonElement rows, Schema schema, string field)
    {
        if (rows.ValueKind != JsonValueKind.Array)
        {
            throw new DataValidationException($"'{field}' must be a JSON array of objects, one per row, keyed by column name");
        }

        int n = rows.GetArrayLength();
        if (n == 0)
        {
            throw new DataValidationException($"'{field}' is empty; send at least one row");
        }

        var batch = new InputBatch(schema, n);
        int r = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind == JsonValueKind.Object)
            {
                for (int c = 0; c < schema.Count; c++)
                {
                    var info = schema.Columns[c];
                    if (!row.TryGetProperty(info.Name, out var value))
                    {
                        throw new DataValidationException($"The model needs column '{info.Name}' ({info.Kind.ToString().ToLowerInvariant()}), which the row does not have. Add it to every row; send null for a missing value", info.Name, r);
                    }

                    SetValue(batch, c, r, value);
                }
            }
            else if (row.ValueKind == JsonValueKind.Array && field == "instances")
            {
                // TensorFlow Serving's list form: the values in the model's column order.
                if (row.GetArrayLength() != schema.Count)
                {
                    throw new DataValidationException($"Each instance given as a list needs {schema.Count} values, in the order {string.Join(", ", schema.Names)}; this one has {row.GetArrayLength()}", row: r);
                }

                int c = 0;
                foreach (var value in row.EnumerateArray())
                {
                    SetValue(batch, c++, r, value);
                }
            }
            else if (schema.Count == 1 && field == "instances")
            {
                SetValue(batch, 0, r, row);
            }
            else
            {
                throw new DataValidationException(field == "instances"
                    ? "Each instance must be a JSON object keyed by column name, or a list of values in the model's column order"
                    : "Each row must be a JSON object keyed by column name", row: r);
            }

            r++;
        }

        return batch;
    }

    /// <summary>TensorFlow Serving's columnar form: <c>{"age": [41, 35], "city": ["Oslo", "Bergen"]}</c> (or a list of rows).</summary>
    public static InputBatch Columnar(JsonElement inputs, Schema schema)
    {
        if (inputs.ValueKind == JsonValueKind.Array)
        {
            return Rows(inputs, schema, "instances");
        }

        if (inputs.ValueKind != JsonValueKind.Object)
        {
            throw new DataValidationException("'inputs' must be an object mapping each column name to a list of values (one per row)");
        }

        int n = -1;
        for (int c = 0; c < schema.Count; c++)
        {
            if (!inputs.TryGetProperty(schema.Columns[c].Name, out var values))
            {
                throw new DataValidationException($"'inputs' lacks column '{schema.Columns[c].Name}'; give every input column a list of values", schema.Columns[c].Name);
            }

            if (values.ValueKind != JsonValueKind.Array)
            {
                throw new DataValidationException($"'inputs.{schema.Columns[c].Name}' must be a list of values, one per row", schema.Columns[c].Name);
            }

            int length = values.GetArrayLength();
            if (n >= 0 && length != n)
            {
                throw new DataValidationException($"'inputs.{schema.Columns[c].Name}' has {length} values but other columns have {n}", schema.Columns[c].Name);
            }

            n = length;
        }

        var batch = new InputBatch(schema, n);
        for (int c = 0; c < schema.Count; c++)
        {
            int r = 0;
            foreach (var value in inputs.GetProperty(schema.Columns[c].Name).EnumerateArray())
            {
                SetValue(batch, c, r++, value);
            }
        }

        return batch;
    }

    /// <summary>
    /// Open Inference Protocol inputs: <c>[{"name", "shape", "datatype", "data", "parameters"?}, …]</c>. With the binary
    /// tensor data extension (<paramref name="binary"/>: the body after the JSON header), an input with
    /// <c>"parameters": {"binary_data_size": N}</c> takes the next N bytes instead of <c>data</c>, in input order, and the
    /// sizes must add up to the binary part exactly.
    /// </summary>
    public static List<TensorInput> V2Tensors(JsonElement inputs, ReadOnlyMemory<byte>? binary = null)
    {
        int offset = 0;
        if (inputs.ValueKind != JsonValueKind.Array)
        {
            throw new DataValidationException("'inputs' must be an array of tensors {\"name\", \"shape\", \"datatype\", \"data\"}");
        }

        var result = new List<TensorInput>(inputs.GetArrayLength());
        int i = 0;
        foreach (var input in inputs.EnumerateArray())
        {
            if (input.ValueKind != JsonValueKind.Object)
            {
                throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"inputs[{i}] must be an object {{\"name\", \"shape\", \"datatype\", \"data\"}}"));
            }

            string name = RequiredString(input, "name", i);
            string datatype = RequiredString(input, "datatype", i);
            if (!input.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
            {
                throw new DataValidationException($"Input '{name}' needs \"shape\": an array of dimensions, e.g. [2, 1]");
            }

            var shape = new long[shapeJson.GetArrayLength()];
            int d = 0;
            foreach (var dim in shapeJson.EnumerateArray())
            {
                if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out shape[d]) || shape[d] < 0)
                {
                    throw new DataValidationException($"Input '{name}' has a shape element that is not a non-negative integer: {InputBatch.Truncate(dim.GetRawText())}");
                }

                d++;
            }

            if (input.TryGetProperty("parameters", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                throw new DataValidationException($"Input '{name}': \"parameters\" must be an object");
            }

            if (BinaryDataSize(parameters, name) is { } size)
            {
                result.Add(BinaryTensor(input, name, datatype, shape, size, binary, ref offset));
                i++;
                continue;
            }

            if (!input.TryGetProperty("data", out var data))
            {
                throw new DataValidationException($"Input '{name}' needs \"data\": the tensor's elements (flat or nested, row-major), or \"parameters\": {{\"binary_data_size\": N}} with the binary tensor data extension");
            }

            if (datatype == "FP16")
            {
                throw new DataValidationException($"Input '{name}': FP16 cannot be sent as JSON numbers (the protocol has no JSON representation for it); send FP32 or FP64");
            }

            var elements = new List<JsonElement>();
            Flatten(data, elements, name, 0);
            var tensor = Decode(name, datatype, shape, elements);
            Tensors.CheckShape(name, datatype, shape, tensor.Count);
            result.Add(tensor);
            i++;
        }

        if (binary is { } rest && offset != rest.Length)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The body has {rest.Length} bytes of binary tensor data after the JSON header (Inference-Header-Content-Length), but the inputs' \"binary_data_size\" add up to {offset}; they must match exactly"));
        }

        return result;
    }

    // "binary_data_size" of an input's parameters, or null when it is not sent as binary data.
    private static long? BinaryDataSize(JsonElement parameters, string name)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty("binary_data_size", out var size) || size.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out long bytes) && bytes >= 0
            ? bytes
            : throw new DataValidationException($"Input '{name}': \"binary_data_size\" must be a non-negative integer (the tensor's size in bytes), not {InputBatch.Truncate(size.GetRawText())}");
    }

    private static TensorInput BinaryTensor(JsonElement input, string name, string datatype, long[] shape, long size, ReadOnlyMemory<byte>? binary, ref int offset)
    {
        if (binary is not { } bytes)
        {
            throw new DataValidationException($"Input '{name}' has \"binary_data_size\" but the request has no Inference-Header-Content-Length header; send the JSON header's length in bytes in it and the tensor data after the JSON");
        }

        if (input.TryGetProperty("data", out _))
        {
            throw new DataValidationException($"Input '{name}' has both \"data\" and \"binary_data_size\"; send the elements one way only");
        }

        if (!Tensors.Datatypes.Contains(datatype))
        {
            Tensors.CheckShape(name, datatype, shape, 0); // names the valid datatypes
        }

        if (size > bytes.Length - offset)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Input '{name}' has \"binary_data_size\": {size} but only {bytes.Length - offset} bytes of binary data are left after the JSON header and the inputs before it"));
        }

        var tensor = Tensors.DecodeBinary(name, datatype, shape, bytes.Span.Slice(offset, (int)size));
        offset += (int)size;
        Tensors.CheckShape(name, datatype, shape, tensor.Count);
        return tensor;
    }

    /// <summary>The output names a V2 request asks for (<c>"outputs": [{"name": …}]</c>), or null for all.</summary>
    public static List<string>? RequestedOutputs(JsonElement body)
    {
        if (!body.TryGetProperty("outputs", out var outputs) || outputs.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw new DataValidationException("'outputs' must be an array of {\"name\": ...} objects");
        }

        var names = new List<string>();
        foreach (var output in outputs.EnumerateArray())
        {
            if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new DataValidationException("Each requested output must be an object with a string \"name\"");
            }

            names.Add(name.GetString()!);
        }

        return names;
    }

    private static TensorInput Decode(string name, string datatype, long[] shape, List<JsonElement> elements)
    {
        switch (datatype)
        {
            case "BYTES":
                var strings = new string?[elements.Count];
                for (int k = 0; k < strings.Length; k++)
                {
                    strings[k] = elements[k].ValueKind switch
                    {
                        JsonValueKind.String => elements[k].GetString(),
                        JsonValueKind.Null => null,
                        _ => throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Input '{name}' has datatype BYTES but element {k} is not a string")),
                    };
                }

                return new TensorInput(name, datatype, shape, null, strings, null);
            case "BOOL":
                var flags = new bool[elements.Count];
                for (int k = 0; k < flags.Length; k++)
                {
                    flags[k] = elements[k].ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Input '{name}' has datatype BOOL but element {k} is not true or false")),
                    };
                }

                return new TensorInput(name, datatype, shape, null, null, flags);
            default:
                if (!Tensors.Datatypes.Contains(datatype))
                {
                    Tensors.CheckShape(name, datatype, shape, elements.Count);
                }

                var numbers = new double[elements.Count];
                for (int k = 0; k < numbers.Length; k++)
                {
                    var e = elements[k];
                    if (e.ValueKind == JsonValueKind.Null && datatype.StartsWith("FP", StringComparison.Ordinal))
                    {
                        numbers[k] = double.NaN;
                    }
                    else if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out numbers[k]) || !double.IsFinite(numbers[k]))
                    {
                        throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Input '{name}' has datatype {datatype} but element {k} is not a finite number: {InputBatch.Truncate(e.GetRawText())}"));
                    }
                    else
                    {
                        Tensors.CheckInteger(name, datatype, numbers[k], k);
                    }
                }

                return new TensorInput(name, datatype, shape, numbers, null, null);
        }
    }

    private static void Flatten(JsonElement data, List<JsonElement> into, string name, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new DataValidationException($"Input '{name}': data is nested more than {MaxDepth} levels deep");
        }

        if (data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                Flatten(item, into, name, depth + 1);
            }
        }
        else if (depth == 0)
        {
            throw new DataValidationException($"Input '{name}': \"data\" must be an array of elements");
        }
        else if (data.ValueKind == JsonValueKind.Object)
        {
            throw new DataValidationException($"Input '{name}': data elements must be numbers, strings or booleans, not objects");
        }
        else
        {
            into.Add(data);
        }
    }

    private static string RequiredString(JsonElement input, string property, int index)
    {
        if (!input.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"inputs[{index}] needs a non-empty string \"{property}\""));
        }

        return text;
    }

    /// <summary>Sets one cell from a JSON value: numbers, numeric strings, text, booleans or null.</summary>
    public static void SetValue(InputBatch batch, int column, int row, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                batch.SetText(column, row, null);
                break;
            case JsonValueKind.String:
                batch.SetText(column, row, value.GetString());
                break;
            case JsonValueKind.Number:
                if (!value.TryGetDouble(out double number))
                {
                    throw new DataValidationException($"{InputBatch.Truncate(value.GetRawText())} is not a representable number", batch.Schema.Columns[column].Name, row);
                }

                batch.SetNumber(column, row, number);
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                batch.SetBoolean(column, row, value.ValueKind == JsonValueKind.True);
                break;
            default:
                throw new DataValidationException("Values must be numbers, strings, booleans or null, not arrays or objects", batch.Schema.Columns[column].Name, row);
        }
    }
}
