using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NetLearn.Data;

namespace NetLearn.Serving.Protocols;

/// <summary>Which outputs of an Open Inference Protocol answer go as binary tensor data instead of JSON <c>data</c>.</summary>
/// <param name="Predictions">The <c>predictions</c> output.</param>
/// <param name="Probabilities">The <c>probabilities</c> output.</param>
internal readonly record struct BinaryOutputs(bool Predictions, bool Probabilities)
{
    public bool Any => Predictions || Probabilities;
}

/// <summary>
/// The Open Inference Protocol's binary tensor data extension for REST (Triton's and KServe's documented extension): the
/// body is a JSON header of <c>Inference-Header-Content-Length</c> bytes followed by raw tensor data — little-endian,
/// row-major, no padding; BOOL one byte; BYTES a 4-byte little-endian length before each element. Inputs say
/// <c>"parameters": {"binary_data_size": N}</c>; outputs are asked for with <c>"parameters": {"binary_data": true}</c> (or
/// all of them with the request's <c>"binary_data_output": true</c>) and answered the same way, in output order.
/// </summary>
internal static class BinaryTensorData
{
    /// <summary>The header giving the JSON part's length when binary data follows it.</summary>
    public const string HeaderName = "Inference-Header-Content-Length";

    // Each classifier's class labels as UTF-8, encoded once per class column.
    private static readonly ConditionalWeakTable<Column, byte[][]> LabelBytes = [];

    /// <summary>Splits a body by the header's value: the JSON part and the binary part after it.</summary>
    /// <exception cref="DataValidationException">The header is not a byte count within the body.</exception>
    public static (ReadOnlyMemory<byte> Json, ReadOnlyMemory<byte> Binary) Split(ReadOnlyMemory<byte> body, string header)
    {
        if (!int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length > body.Length)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"{HeaderName} must be the length in bytes of the JSON part of the body (at most the body's {body.Length} bytes), not '{InputBatch.Truncate(header)}'"));
        }

        return (body[..length], body[length..]);
    }

    /// <summary>Reads which outputs are wanted as binary data (<c>binary_data</c> per output, <c>binary_data_output</c> for all).</summary>
    /// <exception cref="DataValidationException">A parameter that is not a boolean.</exception>
    public static BinaryOutputs Requested(JsonElement body)
    {
        bool all = body.TryGetProperty("parameters", out var parameters) && Flag(parameters, "binary_data_output", "the request's parameters") == true;
        if (!body.TryGetProperty("outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Array)
        {
            return new BinaryOutputs(all, all);
        }

        bool predictions = all, probabilities = all;
        foreach (var output in outputs.EnumerateArray())
        {
            // Names were checked already (Tensors.Requested); only the binary flag is read here.
            string? name = output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            bool binary = output.ValueKind == JsonValueKind.Object && output.TryGetProperty("parameters", out var p) ? Flag(p, "binary_data", $"output '{name}'") ?? all : all;
            if (name == Tensors.PredictionsOutput)
            {
                predictions = binary;
            }
            else if (name == Tensors.ProbabilitiesOutput)
            {
                probabilities = binary;
            }
        }

        return new BinaryOutputs(predictions, probabilities);
    }

    /// <summary>The byte size of the <c>predictions</c> output as binary data.</summary>
    public static long PredictionsSize(Prediction prediction, Column? classes)
    {
        if (prediction.ClassIndex is { } index && classes is not null && Tensors.DatatypeOf(classes.Kind) == "BYTES")
        {
            var labels = Labels(classes);
            long size = 0;
            for (int r = 0; r < prediction.Rows; r++)
            {
                size += 4 + labels[index[prediction.Start + r]].Length;
            }

            return size;
        }

        switch (prediction.Values)
        {
            case NumericColumn:
                return prediction.Rows * 8L;
            case BooleanColumn:
                return prediction.Rows;
            default:
                long total = 0;
                for (int r = 0; r < prediction.Rows; r++)
                {
                    total += 4 + Encoding.UTF8.GetByteCount(prediction.Values.FormatValue(prediction.Start + r) ?? "");
                }

                return total;
        }
    }

    /// <summary>The byte size of the <c>probabilities</c> output as binary data.</summary>
    public static long ProbabilitiesSize(Prediction prediction) => prediction.Rows * (long)prediction.Probabilities!.Columns * 8;

    /// <summary>Appends the binary outputs after the JSON header, in the order the header lists them (predictions, probabilities).</summary>
    public static void Append(IBufferWriter<byte> output, Prediction prediction, Column? classes, BinaryOutputs binary)
    {
        if (binary.Predictions)
        {
            WritePredictions(output, prediction, classes);
        }

        if (binary.Probabilities && prediction.Probabilities is { } probabilities)
        {
            var values = probabilities.AsSpan().Slice(prediction.Start * probabilities.Columns, prediction.Rows * probabilities.Columns);
            WriteDoubles(output, values);
        }
    }

    private static void WritePredictions(IBufferWriter<byte> output, Prediction prediction, Column? classes)
    {
        if (prediction.ClassIndex is { } index && classes is not null && Tensors.DatatypeOf(classes.Kind) == "BYTES")
        {
            var labels = Labels(classes);
            for (int r = 0; r < prediction.Rows; r++)
            {
                WriteBytesElement(output, labels[index[prediction.Start + r]]);
            }

            return;
        }

        switch (prediction.Values)
        {
            case NumericColumn numbers:
                WriteDoubles(output, numbers.Values.Slice(prediction.Start, prediction.Rows));
                break;
            case BooleanColumn flags:
                var span = output.GetSpan(prediction.Rows);
                for (int r = 0; r < prediction.Rows; r++)
                {
                    span[r] = flags[prediction.Start + r] == true ? (byte)1 : (byte)0;
                }

                output.Advance(prediction.Rows);
                break;
            default:
                for (int r = 0; r < prediction.Rows; r++)
                {
                    WriteBytesElement(output, Encoding.UTF8.GetBytes(prediction.Values.FormatValue(prediction.Start + r) ?? ""));
                }

                break;
        }
    }

    private static void WriteDoubles(IBufferWriter<byte> output, ReadOnlySpan<double> values)
    {
        var span = output.GetSpan(values.Length * 8);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(span);
        }
        else
        {
            for (int k = 0; k < values.Length; k++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[(k * 8)..], values[k]);
            }
        }

        output.Advance(values.Length * 8);
    }

    private static void WriteBytesElement(IBufferWriter<byte> output, byte[] element)
    {
        var span = output.GetSpan(4 + element.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)element.Length);
        element.CopyTo(span[4..]);
        output.Advance(4 + element.Length);
    }

    private static byte[][] Labels(Column classes) =>
        LabelBytes.GetValue(classes, c => [.. Enumerable.Range(0, c.Length).Select(k => Encoding.UTF8.GetBytes(c.FormatValue(k) ?? ""))]);

    private static bool? Flag(JsonElement parameters, string name, string where)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new DataValidationException($"\"{name}\" in {InputBatch.Truncate(where)} must be true or false, not {InputBatch.Truncate(value.GetRawText())}"),
        };
    }
}
