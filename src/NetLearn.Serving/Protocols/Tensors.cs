using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NetLearn.Data;

namespace NetLearn.Serving.Protocols;

/// <summary>One decoded input tensor of an Open Inference Protocol request (REST or gRPC): numbers, strings or booleans.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="Datatype">The protocol datatype (<c>FP64</c>, <c>BYTES</c>, …).</param>
/// <param name="Shape">The declared shape.</param>
/// <param name="Numbers">Elements of numeric datatypes, row-major.</param>
/// <param name="Strings">Elements of <c>BYTES</c> tensors (UTF-8 text).</param>
/// <param name="Booleans">Elements of <c>BOOL</c> tensors.</param>
internal sealed record TensorInput(string Name, string Datatype, long[] Shape, double[]? Numbers, string?[]? Strings, bool[]? Booleans)
{
    public int Count => Numbers?.Length ?? Strings?.Length ?? Booleans!.Length;
}

/// <summary>
/// The Open Inference Protocol's tensor view of a tabular model. Inputs: one tensor per input column, named after the
/// column, shape <c>[N]</c> or <c>[N, 1]</c> (FP64/FP32/INT*/UINT* for numeric columns, BYTES for categorical, text and
/// date columns, BOOL for boolean columns; numbers are also accepted as BYTES text and vice versa), or one tensor of shape
/// <c>[N, F]</c> holding every column in schema order. Outputs: <c>predictions</c> <c>[N]</c> (FP64 for numbers, BYTES for
/// labels) and, for classifiers, <c>probabilities</c> <c>[N, K]</c> FP64 in the order of the model's classes.
/// </summary>
internal static class Tensors
{
    public const string PredictionsOutput = "predictions";
    public const string ProbabilitiesOutput = "probabilities";

    public static readonly HashSet<string> Datatypes = new(StringComparer.Ordinal) { "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES" };

    /// <summary>The datatype a column is described with in model metadata.</summary>
    public static string DatatypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => "FP64",
        ColumnKind.Boolean => "BOOL",
        _ => "BYTES",
    };

    /// <summary>The output tensors of a model: name, datatype, shape (-1 for the batch dimension).</summary>
    public static IEnumerable<(string Name, string Datatype, long[] Shape)> Outputs(Servable servable)
    {
        yield return (PredictionsOutput, DatatypeOf(servable.PredictionKind), [-1]);
        if (servable.Classes is { } classes)
        {
            yield return (ProbabilitiesOutput, "FP64", [-1, classes.Length]);
        }
    }

    /// <summary>Checks the requested output names against the model's outputs.</summary>
    public static (bool Predictions, bool Probabilities) Requested(Servable servable, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return (true, servable.Classes is not null);
        }

        bool predictions = false, probabilities = false;
        foreach (string name in names)
        {
            if (name == PredictionsOutput)
            {
                predictions = true;
            }
            else if (name == ProbabilitiesOutput && servable.Classes is not null)
            {
                probabilities = true;
            }
            else
            {
                throw new DataValidationException($"The model has no output '{InputBatch.Truncate(name)}'; its outputs are {string.Join(", ", Outputs(servable).Select(o => $"'{o.Name}'"))}");
            }
        }

        return (predictions, probabilities);
    }

    /// <summary>The model outputs to compute for requested outputs.</summary>
    public static PredictionOutputs ToOutputs((bool Predictions, bool Probabilities) requested) =>
        (requested.Predictions ? PredictionOutputs.Labels : 0) | (requested.Probabilities ? PredictionOutputs.Probabilities : 0);

    /// <summary>Checks a tensor's datatype and shape against its element count.</summary>
    public static void CheckShape(string name, string datatype, long[] shape, int count)
    {
        if (!Datatypes.Contains(datatype))
        {
            throw new DataValidationException($"Input '{name}' has datatype '{InputBatch.Truncate(datatype)}', which the Open Inference Protocol does not define; use one of {string.Join(", ", Datatypes)}");
        }

        if (shape.Length == 0)
        {
            throw new DataValidationException($"Input '{name}' has an empty shape; give the tensor's dimensions, e.g. [N] or [N, 1]");
        }

        long product = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new DataValidationException($"Input '{name}' has a negative dimension in its shape [{string.Join(", ", shape)}]");
            }

            product = product > int.MaxValue || d > int.MaxValue ? long.MaxValue : product * d;
        }

        if (product != count)
        {
            throw new DataValidationException($"Input '{name}' has shape [{string.Join(", ", shape)}] ({product} elements) but {count} data elements were sent");
        }
    }

    /// <summary>Builds the model's input rows from decoded tensors.</summary>
    public static InputBatch ToBatch(IReadOnlyList<TensorInput> inputs, Schema schema)
    {
        if (inputs.Count == 0)
        {
            throw new DataValidationException("'inputs' is empty; send one tensor per input column (see the model's metadata)");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (!names.Add(input.Name))
            {
                throw new DataValidationException($"Input '{input.Name}' is given twice");
            }
        }

        // One [N, F] tensor with every column, in schema order.
        if (inputs.Count == 1 && !schema.Contains(inputs[0].Name) && inputs[0].Shape.Length == 2 && (schema.Count > 1 || inputs[0].Shape[1] == 1))
        {
            var matrix = inputs[0];
            if (matrix.Shape[1] != schema.Count)
            {
                throw new DataValidationException($"Input '{matrix.Name}' has {matrix.Shape[1]} columns but the model has {schema.Count} input columns ({string.Join(", ", schema.Names)}); send shape [N, {schema.Count}] in that order, or one tensor per column");
            }

            int rows = checked((int)matrix.Shape[0]);
            var batch = new InputBatch(schema, rows);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < schema.Count; c++)
                {
                    Set(batch, c, r, matrix, (r * schema.Count) + c);
                }
            }

            return batch;
        }

        int n = -1;
        var byColumn = new TensorInput?[schema.Count];
        foreach (var input in inputs)
        {
            int c = schema.IndexOf(input.Name);
            if (c < 0)
            {
                throw new DataValidationException($"The model has no input '{InputBatch.Truncate(input.Name)}'; its inputs are the columns {string.Join(", ", schema.Names.Select(x => $"'{x}'"))} (one tensor each, shape [N]), or one tensor of shape [N, {schema.Count}]");
            }

            if (!(input.Shape.Length == 1 || (input.Shape.Length == 2 && input.Shape[1] == 1)))
            {
                throw new DataValidationException($"Input '{input.Name}' must have shape [N] or [N, 1] (one value per row), not [{string.Join(", ", input.Shape)}]");
            }

            if (n >= 0 && input.Shape[0] != n)
            {
                throw new DataValidationException($"Input '{input.Name}' has {input.Shape[0]} rows but the other inputs have {n}; every column needs one value per row");
            }

            n = checked((int)input.Shape[0]);
            byColumn[c] = input;
        }

        for (int c = 0; c < schema.Count; c++)
        {
            if (byColumn[c] is null)
            {
                throw new DataValidationException($"Input '{schema.Columns[c].Name}' ({DatatypeOf(schema.Columns[c].Kind)}, shape [N]) is missing; the model needs every input column", schema.Columns[c].Name);
            }
        }

        var result = new InputBatch(schema, n);
        for (int c = 0; c < schema.Count; c++)
        {
            var input = byColumn[c]!;
            for (int r = 0; r < n; r++)
            {
                Set(result, c, r, input, r);
            }
        }

        return result;
    }

    private static void Set(InputBatch batch, int column, int row, TensorInput tensor, int index)
    {
        if (tensor.Numbers is { } numbers)
        {
            batch.SetNumber(column, row, numbers[index]);
        }
        else if (tensor.Strings is { } strings)
        {
            batch.SetText(column, row, strings[index]);
        }
        else
        {
            batch.SetBoolean(column, row, tensor.Booleans![index]);
        }
    }

    /// <summary>Checks an integer element against its datatype's range.</summary>
    public static double CheckInteger(string name, string datatype, double value, int index)
    {
        (double min, double max) = datatype switch
        {
            "INT8" => (sbyte.MinValue, sbyte.MaxValue),
            "INT16" => (short.MinValue, short.MaxValue),
            "INT32" => (int.MinValue, int.MaxValue),
            "INT64" => (long.MinValue, long.MaxValue),
            "UINT8" => (0, byte.MaxValue),
            "UINT16" => (0, ushort.MaxValue),
            "UINT32" => (0, uint.MaxValue),
            "UINT64" => (0, (double)ulong.MaxValue),
            _ => (double.NegativeInfinity, double.PositiveInfinity),
        };
        if (datatype.Contains("INT", StringComparison.Ordinal) && (value != Math.Floor(value) || value < min || value > max))
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Input '{name}' has datatype {datatype} but element {index} is {value}, which is not a {datatype} value"));
        }

        return value;
    }

    /// <summary>
    /// Decodes a tensor sent as raw bytes — gRPC's <c>raw_input_contents</c> and REST's binary tensor data extension use the
    /// same layout: little-endian, row-major, no padding; BOOL one byte; BYTES a 4-byte length before each element.
    /// </summary>
    public static TensorInput DecodeBinary(string name, string type, long[] shape, ReadOnlySpan<byte> span)
    {
        if (type == "BYTES")
        {
            var strings = new List<string?>();
            while (span.Length > 0)
            {
                if (span.Length < 4)
                {
                    throw new DataValidationException($"Input '{name}': raw BYTES content is truncated (each element needs a 4-byte length prefix)");
                }

                uint length = BinaryPrimitives.ReadUInt32LittleEndian(span);
                if (length > span.Length - 4)
                {
                    throw new DataValidationException($"Input '{name}': raw BYTES element {strings.Count} says {length} bytes but only {span.Length - 4} remain");
                }

                strings.Add(Utf8(name, span.Slice(4, (int)length)));
                span = span[(4 + (int)length)..];
            }

            return new TensorInput(name, type, shape, null, [.. strings], null);
        }

        int size = type switch
        {
            "BOOL" or "INT8" or "UINT8" => 1,
            "INT16" or "UINT16" or "FP16" => 2,
            "INT32" or "UINT32" or "FP32" => 4,
            _ => 8,
        };
        if (span.Length % size != 0)
        {
            throw new DataValidationException($"Input '{name}': raw content of {span.Length} bytes is not a whole number of {type} elements ({size} bytes each)");
        }

        int n = span.Length / size;
        if (type == "BOOL")
        {
            var flags = new bool[n];
            for (int k = 0; k < n; k++)
            {
                flags[k] = span[k] != 0;
            }

            return new TensorInput(name, type, shape, null, null, flags);
        }

        var numbers = new double[n];
        if (type == "FP64")
        {
            // The common case, without a datatype switch per element.
            for (int k = 0; k < n; k++)
            {
                numbers[k] = Finite(name, BinaryPrimitives.ReadDoubleLittleEndian(span.Slice(k * 8, 8)), k);
            }

            return new TensorInput(name, type, shape, numbers, null, null);
        }

        for (int k = 0; k < n; k++)
        {
            var e = span.Slice(k * size, size);
            numbers[k] = type switch
            {
                "INT8" => (sbyte)e[0],
                "UINT8" => e[0],
                "INT16" => BinaryPrimitives.ReadInt16LittleEndian(e),
                "UINT16" => BinaryPrimitives.ReadUInt16LittleEndian(e),
                "FP16" => Finite(name, (double)BinaryPrimitives.ReadHalfLittleEndian(e), k),
                "INT32" => BinaryPrimitives.ReadInt32LittleEndian(e),
                "UINT32" => BinaryPrimitives.ReadUInt32LittleEndian(e),
                "FP32" => Finite(name, BinaryPrimitives.ReadSingleLittleEndian(e), k),
                "INT64" => BinaryPrimitives.ReadInt64LittleEndian(e),
                "UINT64" => BinaryPrimitives.ReadUInt64LittleEndian(e),
                _ => Finite(name, BinaryPrimitives.ReadDoubleLittleEndian(e), k),
            };
        }

        return new TensorInput(name, type, shape, numbers, null, null);
    }

    /// <summary>Refuses an infinite element (NaN is a missing value).</summary>
    public static double Finite(string name, double value, int index) =>
        double.IsInfinity(value)
            ? throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Input '{name}' element {index} is infinite; send finite numbers (NaN marks a missing value)"))
            : value;

    /// <summary>A BYTES element as text; invalid UTF-8 is a client error.</summary>
    public static string Utf8(string name, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new DataValidationException($"Input '{name}' has a BYTES element that is not valid UTF-8 text");
        }
    }
}
