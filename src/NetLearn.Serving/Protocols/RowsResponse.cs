using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetLearn.Serving.Protocols;

/// <summary>
/// The named-column answer of a classifier (<c>{"model", "model_version", "predictions", "classes", "probabilities"}</c>)
/// written straight into the response buffer: the parts that never change for a model version (the head, the class
/// list, each class label as JSON) are encoded once by <see cref="Utf8JsonWriter"/> and kept, each row's label is copied
/// from that table by class index, and probabilities are formatted exactly as <see cref="Utf8JsonWriter"/> formats them
/// (shortest round-trip text, by <see cref="ShortestDouble"/>). The bytes are identical to
/// <see cref="JsonOutputs.WriteRows"/>'s; anything else (regressors, labels without probabilities, a non-finite
/// probability) is left to it.
/// </summary>
internal static class RowsResponse
{
    /// <summary>The longest shortest-round-trip text of a double (e.g. <c>-2.2250738585072014E-308</c>) plus a separator.</summary>
    private const int MaxNumberBytes = 32;

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ConditionalWeakTable<ModelVersion, Template> Templates = [];

    /// <summary>Writes the answer and returns true, or writes nothing and returns false when this writer does not apply.</summary>
    public static bool TryWrite(IBufferWriter<byte> output, ModelVersion version, Prediction prediction)
    {
        if (prediction.ClassIndex is not { } index || prediction.Probabilities is not { } probabilities || version.Servable.Classes is not { } classes)
        {
            return false;
        }

        for (int r = 0; r < prediction.Rows; r++)
        {
            if (probabilities.Row(prediction.Start + r).IndexOfAnyExceptInRange(double.MinValue, double.MaxValue) >= 0)
            {
                return false; // Utf8JsonWriter refuses NaN and infinities: let the general writer report it the same way
            }
        }

        var template = Templates.GetValue(version, v => new Template(v, classes));
        output.Write(template.Head);
        for (int r = 0; r < prediction.Rows; r++)
        {
            byte[] label = template.Labels[index[prediction.Start + r]];
            var span = output.GetSpan(label.Length + 1);
            int n = 0;
            if (r > 0)
            {
                span[n++] = (byte)',';
            }

            label.CopyTo(span[n..]);
            output.Advance(n + label.Length);
        }

        output.Write(template.Middle);
        int columns = probabilities.Columns;
        for (int r = 0; r < prediction.Rows; r++)
        {
            var span = output.GetSpan(3 + (columns * MaxNumberBytes));
            int n = 0;
            if (r > 0)
            {
                span[n++] = (byte)',';
            }

            span[n++] = (byte)'[';
            var row = probabilities.Row(prediction.Start + r);
            for (int k = 0; k < row.Length; k++)
            {
                if (k > 0)
                {
                    span[n++] = (byte)',';
                }

                if (!ShortestDouble.TryFormat(row[k], span[n..], out int written))
                {
                    throw new InvalidOperationException("A probability did not fit its reserved bytes");
                }

                n += written;
            }

            span[n++] = (byte)']';
            output.Advance(n);
        }

        output.Write("]}"u8);
        return true;
    }

    /// <summary>A model version's constant parts of the answer, as UTF-8 JSON.</summary>
    private sealed class Template
    {
        public Template(ModelVersion version, NetLearn.Data.Column classes)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, Options))
            {
                writer.WriteStartObject();
                writer.WriteString("model", version.Name);
                writer.WriteString("model_version", version.VersionText);
                writer.WriteStartArray("predictions");
                writer.Flush();
            }

            Head = buffer.WrittenSpan.ToArray();
            Labels = new byte[classes.Length][];
            for (int k = 0; k < classes.Length; k++)
            {
                buffer.ResetWrittenCount();
                using var writer = new Utf8JsonWriter(buffer, Options);
                JsonOutputs.WriteValue(writer, classes, k);
                writer.Flush();
                Labels[k] = buffer.WrittenSpan.ToArray();
            }

            buffer.ResetWrittenCount();
            buffer.Write("],\"classes\":["u8);
            for (int k = 0; k < Labels.Length; k++)
            {
                if (k > 0)
                {
                    buffer.Write(","u8);
                }

                buffer.Write(Labels[k]);
            }

            buffer.Write("],\"probabilities\":["u8);
            Middle = buffer.WrittenSpan.ToArray();
        }

        /// <summary><c>{"model":…,"model_version":…,"predictions":[</c>.</summary>
        public byte[] Head { get; }

        /// <summary>Each class as a JSON value, in class order.</summary>
        public byte[][] Labels { get; }

        /// <summary><c>],"classes":[…],"probabilities":[</c>.</summary>
        public byte[] Middle { get; }
    }
}
