using System.Globalization;
using System.Text.Json;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>
/// ONNX models exported by PyTorch (tests/reference/make_serving_onnx_fixtures.py) served through ONNX Runtime; the
/// answers match PyTorch's outputs, committed in Fixtures/onnx_reference.json.
/// </summary>
public sealed class OnnxTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static JsonElement Reference => JsonDocument.Parse(File.ReadAllText(Fixture("onnx_reference.json"))).RootElement;

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_onnx_classifier_answers_v2_and_rows_requests_like_pytorch()
    {
        await using var s = await TestServer.StartAsync(layout: root => TestServer.AddVersion(root, "torch", 1, Fixture("softmax_classifier.onnx"), "model.onnx"));
        double[][] inputs = [.. Reference.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
        double[][] expected = [.. Reference.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];

        var metadata = (await s.GetAsync("v2/models/torch")).Body!;
        Assert.Equal("onnxruntime_onnx", metadata["platform"]!.GetValue<string>());
        Assert.Equal(["input_0", "input_1", "input_2", "input_3"], metadata["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));

        string flat = string.Join(",", inputs.SelectMany(r => r).Select(Num));
        var (status, body, _) = await s.PostAsync("v2/models/torch/infer", $"{{\"inputs\":[{{\"name\":\"input\",\"shape\":[{inputs.Length},4],\"datatype\":\"FP32\",\"data\":[{flat}]}}]}}");
        Assert.Equal(200, status);
        double[] probabilities = [.. body!["outputs"]![1]!["data"]!.AsArray().Select(v => v!.GetValue<double>())];
        for (int r = 0; r < inputs.Length; r++)
        {
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(expected[r][k], probabilities[(r * 3) + k], 6);
            }

            int argmax = Array.IndexOf(expected[r], expected[r].Max());
            Assert.Equal(argmax, body["outputs"]![0]!["data"]![r]!.GetValue<double>());
        }

        string row = "{" + string.Join(",", Enumerable.Range(0, 4).Select(c => $"\"input_{c}\":{Num(inputs[0][c])}")) + "}";
        var rows = await s.PostAsync("v1/models/torch:predict", $"{{\"rows\":[{row}]}}");
        Assert.Equal(200, rows.Status);
        Assert.Equal([0.0, 1.0, 2.0], rows.Body!["classes"]!.AsArray().Select(c => c!.GetValue<double>()));
    }

    [Fact]
    public async Task An_onnx_regressor_with_one_input_per_column_answers_like_pytorch()
    {
        await using var s = await TestServer.StartAsync(layout: root => TestServer.AddVersion(root, "linear", 2, Fixture("linear_regressor.onnx"), "model.onnx"));
        double[][] inputs = [.. Reference.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
        double[] expected = [.. Reference.GetProperty("regression").EnumerateArray().Select(v => v.GetDouble())];
        string instances = "[" + string.Join(",", inputs.Select(r => "[" + string.Join(",", r.Select(Num)) + "]")) + "]";
        var (status, body, _) = await s.PostAsync("v1/models/linear:predict", $"{{\"instances\":{instances}}}");
        Assert.Equal(200, status);
        double[] actual = [.. body!["predictions"]!.AsArray().Select(v => v!.GetValue<double>())];
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }

        var grpc = await s.Grpc.ModelMetadataAsync(new Grpc.ModelMetadataRequest { Name = "linear" });
        Assert.Equal(["a", "b", "c", "d"], grpc.Inputs.Select(i => i.Name));
    }

    [Fact]
    public async Task A_damaged_onnx_file_is_reported_not_served()
    {
        await using var s = await TestServer.StartAsync(layout: root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "bad", "1"));
            File.WriteAllBytes(Path.Combine(root, "bad", "1", "model.onnx"), [.. File.ReadAllBytes(Fixture("softmax_classifier.onnx")).Take(100)]);
        });
        var (status, body, _) = await s.PostAsync("v1/models/bad:predict", "{\"rows\":[{}]}");
        Assert.Equal(404, status);
        Assert.Contains("not a valid ONNX model", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await s.GetAsync("v2/health/live")).Status);
    }
}
