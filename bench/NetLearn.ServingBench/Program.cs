// In-process prediction speed and a stage profile of the server's request path, no HTTP.
// The serving benchmark (bench/serving/run.py) compares the server's rows/s with the in-process numbers.
// Usage: dotnet bench/NetLearn.ServingBench/bin/Release/net10.0/NetLearn.ServingBench.dll inproc|stages MODEL.nlm BODY.json [SECONDS]
//   inproc: one JSON line {"predict_rows_per_s", "predict_and_proba_rows_per_s"} (model calls on a ready table, one thread)
//   stages: microseconds per request for each step of the named-column request path
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Serving;
using NetLearn.Serving.Protocols;

string mode = args[0];
var model = (IClassifier)ModelFile.Load(args[1]);
byte[] bodyBytes = File.ReadAllBytes(args[2]);
double seconds = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 3;
using var body = JsonDocument.Parse(bodyBytes);
var table = RowConverter.ToTable(body.RootElement.GetProperty("rows"), model.InputSchema);

if (mode == "inproc")
{
    double predict = RowsPerSecond(() => model.Predict(table));
    double both = RowsPerSecond(() =>
    {
        _ = model.Predict(table);
        _ = model.PredictProba(table);
    });
    Console.WriteLine(FormattableString.Invariant($"{{\"predict_rows_per_s\": {predict:F0}, \"predict_and_proba_rows_per_s\": {both:F0}}}"));
    return;
}

var servable = new NlmServable(model, new System.Text.Json.Nodes.JsonObject());
var version = new ModelVersion("m", 1, args[1], default, servable, new ModelConfig(), new ServerMetrics());
var output = new ArrayBufferWriter<byte>(1 << 16);
var batch = JsonInputs.Rows(body.RootElement.GetProperty("rows"), model.InputSchema, "rows");
var prediction = servable.Predict(batch);
// The same rows as one Open Inference Protocol [N, F] FP64 tensor in the binary tensor data extension.
int columns = model.InputSchema.Count;
var binaryData = new byte[table.RowCount * columns * 8];
var values = table.ToMatrix(allowMissing: true).AsSpan();
for (int k = 0; k < values.Length; k++)
{
    System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(binaryData.AsSpan(k * 8), values[k]);
}

byte[] binaryHeader = System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant(
    $"{{\"inputs\":[{{\"name\":\"input\",\"shape\":[{table.RowCount},{columns}],\"datatype\":\"FP64\",\"parameters\":{{\"binary_data_size\":{binaryData.Length}}}}}]}}"));
byte[] binaryBody = [.. binaryHeader, .. binaryData];
string headerLength = binaryHeader.Length.ToString(CultureInfo.InvariantCulture);
var stages = new (string Name, Action Run)[]
{
    ("JsonDocument.Parse (old path)", () => JsonDocument.Parse(bodyBytes).Dispose()),
    ("JsonDocument rows -> InputBatch (old path)", () => JsonInputs.Rows(body.RootElement.GetProperty("rows"), model.InputSchema, "rows")),
    ("FastRows.TryRead -> InputBatch (fast path)", () => FastRows.TryRead(bodyBytes, model.InputSchema, out _)),
    ("Utf8JsonReader tokens only (no numbers)", () =>
    {
        var r = new Utf8JsonReader(bodyBytes);
        while (r.Read())
        {
        }
    }),
    ("Utf8JsonReader tokens + TryGetDouble", () =>
    {
        var r = new Utf8JsonReader(bodyBytes);
        while (r.Read())
        {
            if (r.TokenType == JsonTokenType.Number)
            {
                r.TryGetDouble(out _);
            }
        }
    }),
    ("InputBatch -> Table", () => batch.ToTable()),
    ("model.Predict", () => model.Predict(table)),
    ("model.PredictProba", () => model.PredictProba(table)),
    ("servable.Predict (labels + probabilities)", () => servable.Predict(batch)),
    ("write response (Utf8JsonWriter)", () =>
    {
        output.ResetWrittenCount();
        using var w = new Utf8JsonWriter(output);
        JsonOutputs.WriteRows(w, version, prediction);
    }),
    ("write response (RowsResponse, direct)", () =>
    {
        output.ResetWrittenCount();
        RowsResponse.TryWrite(output, version, prediction);
    }),
    ("V2 binary body -> InputBatch", () =>
    {
        var (json, rest) = BinaryTensorData.Split(binaryBody, headerLength);
        using var document = JsonDocument.Parse(json);
        Tensors.ToBatch(JsonInputs.V2Tensors(document.RootElement.GetProperty("inputs"), rest), model.InputSchema);
    }),
    ("write V2 binary answer (JSON header + bytes)", () =>
    {
        output.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(output))
        {
            JsonOutputs.WriteV2(w, version, prediction, null, (true, true), new BinaryOutputs(true, true));
        }

        BinaryTensorData.Append(output, prediction, servable.Classes, new BinaryOutputs(true, true));
    }),
    ("ShortestDouble only (probabilities)", () =>
    {
        Span<byte> scratch = stackalloc byte[32];
        var p = prediction.Probabilities!;
        for (int r = 0; r < p.Rows; r++)
        {
            foreach (double v in p.Row(r))
            {
                ShortestDouble.TryFormat(v, scratch, out _);
            }
        }
    }),
    ("double.TryFormat only (probabilities)", () =>
    {
        Span<byte> scratch = stackalloc byte[32];
        var p = prediction.Probabilities!;
        for (int r = 0; r < p.Rows; r++)
        {
            foreach (double v in p.Row(r))
            {
                v.TryFormat(scratch, out _, default, CultureInfo.InvariantCulture);
            }
        }
    }),
};
foreach (var (name, run) in stages)
{
    for (int i = 0; i < 2000; i++)
    {
        run();
    }

    long allocated = GC.GetAllocatedBytesForCurrentThread();
    long calls = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds / stages.Length)
    {
        run();
        calls++;
    }

    double us = clock.Elapsed.TotalMicroseconds / calls;
    Console.WriteLine(FormattableString.Invariant($"{name,-45} {us,8:F2} us/request {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)calls,10:F0} B/request"));
}

double RowsPerSecond(Action run)
{
    for (int i = 0; i < 2000; i++)
    {
        run();
    }

    long calls = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        run();
        calls++;
    }

    return calls * table.RowCount / clock.Elapsed.TotalSeconds;
}
