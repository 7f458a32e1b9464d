using System.Text.Json;
using NetLearn.Data;

namespace NetLearn.Serving.Protocols;

/// <summary>Writes predictions into the JSON shapes of each REST protocol, straight to the response (no intermediate DOM).</summary>
internal static class JsonOutputs
{
    /// <summary>Writes one predicted value: a number (null for NaN), a boolean, or a label string.</summary>
    public static void WriteValue(Utf8JsonWriter writer, Column values, int row)
    {
        switch (values)
        {
            case NumericColumn numbers:
                double v = numbers[row];
                if (double.IsFinite(v))
                {
                    writer.WriteNumberValue(v);
                }
                else
                {
                    writer.WriteNullValue();
                }

                break;
            case BooleanColumn flags:
                if (flags[row] is bool b)
                {
                    writer.WriteBooleanValue(b);
                }
                else
                {
                    writer.WriteNullValue();
                }

                break;
            default:
                if (values.FormatValue(row) is { } text)
                {
                    writer.WriteStringValue(text);
                }
                else
                {
                    writer.WriteNullValue();
                }

                break;
        }
    }

    /// <summary>Writes one probability row.</summary>
    public static void WriteProbabilities(Utf8JsonWriter writer, Prediction prediction, int row)
    {
        writer.WriteStartArray();
        foreach (double p in prediction.Probabilities!.Row(prediction.Start + row))
        {
            writer.WriteNumberValue(p);
        }

        writer.WriteEndArray();
    }

    /// <summary>NetLearn's named-column answer: <c>{"model", "model_version", "predictions", "classes"?, "probabilities"?}</c>.</summary>
    public static void WriteRows(Utf8JsonWriter writer, ModelVersion version, Prediction prediction)
    {
        writer.WriteStartObject();
        writer.WriteString("model", version.Name);
        writer.WriteString("model_version", version.VersionText);
        writer.WriteStartArray("predictions");
        for (int r = 0; r < prediction.Rows; r++)
        {
            WriteValue(writer, prediction.Values, prediction.Start + r);
        }

        writer.WriteEndArray();
        if (version.Servable.Classes is { } classes && prediction.Probabilities is not null)
        {
            writer.WriteStartArray("classes");
            for (int k = 0; k < classes.Length; k++)
            {
                WriteValue(writer, classes, k);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("probabilities");
            for (int r = 0; r < prediction.Rows; r++)
            {
                WriteProbabilities(writer, prediction, r);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>TensorFlow Serving's row answer: <c>{"predictions": [...]}</c>; with two outputs each prediction is an object.</summary>
    public static void WriteTfInstances(Utf8JsonWriter writer, Prediction prediction)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("predictions");
        for (int r = 0; r < prediction.Rows; r++)
        {
            if (prediction.Probabilities is null)
            {
                WriteValue(writer, prediction.Values, prediction.Start + r);
                continue;
            }

            writer.WriteStartObject();
            writer.WritePropertyName(Tensors.PredictionsOutput);
            WriteValue(writer, prediction.Values, prediction.Start + r);
            writer.WritePropertyName(Tensors.ProbabilitiesOutput);
            WriteProbabilities(writer, prediction, r);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>TensorFlow Serving's columnar answer: <c>{"outputs": [...]}</c> or <c>{"outputs": {"predictions": [...], "probabilities": [[...]]}}</c>.</summary>
    public static void WriteTfColumnar(Utf8JsonWriter writer, Prediction prediction)
    {
        writer.WriteStartObject();
        if (prediction.Probabilities is null)
        {
            writer.WriteStartArray("outputs");
            for (int r = 0; r < prediction.Rows; r++)
            {
                WriteValue(writer, prediction.Values, prediction.Start + r);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStartObject("outputs");
            writer.WriteStartArray(Tensors.PredictionsOutput);
            for (int r = 0; r < prediction.Rows; r++)
            {
                WriteValue(writer, prediction.Values, prediction.Start + r);
            }

            writer.WriteEndArray();
            writer.WriteStartArray(Tensors.ProbabilitiesOutput);
            for (int r = 0; r < prediction.Rows; r++)
            {
                WriteProbabilities(writer, prediction, r);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// The Open Inference Protocol's inference response; outputs in <paramref name="binary"/> carry
    /// <c>"parameters": {"binary_data_size": N}</c> instead of <c>data</c> (their bytes follow the JSON, see <see cref="BinaryTensorData"/>).
    /// </summary>
    public static void WriteV2(Utf8JsonWriter writer, ModelVersion version, Prediction prediction, string? id, (bool Predictions, bool Probabilities) outputs, BinaryOutputs binary = default)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name", version.Name);
        writer.WriteString("model_version", version.VersionText);
        if (id is not null)
        {
            writer.WriteString("id", id);
        }

        writer.WriteStartArray("outputs");
        if (outputs.Predictions)
        {
            writer.WriteStartObject();
            writer.WriteString("name", Tensors.PredictionsOutput);
            writer.WriteStartArray("shape");
            writer.WriteNumberValue(prediction.Rows);
            writer.WriteEndArray();
            // (Labels by class index have their classes' kind; asking the values would build the label column.)
            writer.WriteString("datatype", Tensors.DatatypeOf(prediction.ClassIndex is not null && version.Servable.Classes is { } classes ? classes.Kind : prediction.Values.Kind));
            if (binary.Predictions)
            {
                BinarySize(writer, BinaryTensorData.PredictionsSize(prediction, version.Servable.Classes));
            }
            else
            {
                writer.WriteStartArray("data");
                for (int r = 0; r < prediction.Rows; r++)
                {
                    WriteValue(writer, prediction.Values, prediction.Start + r);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        if (outputs.Probabilities && prediction.Probabilities is { } probabilities)
        {
            writer.WriteStartObject();
            writer.WriteString("name", Tensors.ProbabilitiesOutput);
            writer.WriteStartArray("shape");
            writer.WriteNumberValue(prediction.Rows);
            writer.WriteNumberValue(probabilities.Columns);
            writer.WriteEndArray();
            writer.WriteString("datatype", "FP64");
            if (binary.Probabilities)
            {
                BinarySize(writer, BinaryTensorData.ProbabilitiesSize(prediction));
            }
            else
            {
                writer.WriteStartArray("data");
                for (int r = 0; r < prediction.Rows; r++)
                {
                    foreach (double p in probabilities.Row(prediction.Start + r))
                    {
                        writer.WriteNumberValue(p);
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void BinarySize(Utf8JsonWriter writer, long size)
    {
        writer.WriteStartObject("parameters");
        writer.WriteNumber("binary_data_size", size);
        writer.WriteEndObject();
    }
}
