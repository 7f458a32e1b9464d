using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>
/// The Open Inference Protocol's binary tensor data extension over REST (Triton/KServe): a JSON header of
/// <c>Inference-Header-Content-Length</c> bytes, then little-endian tensor bytes for inputs with
/// <c>binary_data_size</c>; outputs asked for with <c>binary_data</c> come back the same way.
/// </summary>
public sealed class BinaryTensorDataTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private const string Header = "Inference-Header-Content-Length";

    private TestServer S => fixture.Server;

    private static byte[] Doubles(IEnumerable<double> values) => [.. values.SelectMany(v =>
    {
        var b = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, v);
        return b;
    })];

    /// <summary>A request with one binary FP64 tensor per iris column (or, with <paramref name="matrix"/>, one [N, 4] tensor).</summary>
    private static (string Json, byte[] Binary) IrisRequest(double[][] rows, string? outputs = null, string? parameters = null, bool matrix = false)
    {
        string[] inputs;
        byte[] binary;
        if (matrix)
        {
            binary = Doubles(rows.SelectMany(r => r));
            inputs = [$"{{\"name\":\"x\",\"shape\":[{rows.Length},4],\"datatype\":\"FP64\",\"parameters\":{{\"binary_data_size\":{binary.Length}}}}}"];
        }
        else
        {
            binary = [.. Enumerable.Range(0, 4).SelectMany(c => Doubles(rows.Select(r => r[c])))];
            inputs = [.. TestModels.IrisColumns.Select(name => $"{{\"name\":\"{name}\",\"shape\":[{rows.Length}],\"datatype\":\"FP64\",\"parameters\":{{\"binary_data_size\":{rows.Length * 8}}}}}")];
        }

        string json = $"{{\"id\":\"b-1\",\"inputs\":[{string.Join(",", inputs)}]{(outputs is null ? "" : $",\"outputs\":{outputs}")}{(parameters is null ? "" : $",\"parameters\":{parameters}")}}}";
        return (json, binary);
    }

    private async Task<(int Status, HttpResponseMessage Response, byte[] Body)> PostBinaryAsync(string path, string json, byte[] binary, string? headerValue = null)
    {
        byte[] head = Encoding.UTF8.GetBytes(json);
        using var content = new ByteArrayContent([.. head, .. binary]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.TrimStart('/'), UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation(Header, headerValue ?? head.Length.ToString(CultureInfo.InvariantCulture));
        var response = await S.Http.SendAsync(request);
        return ((int)response.StatusCode, response, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Splits an answer into its JSON header and binary part, by the response header.</summary>
    private static (JsonNode Json, byte[] Binary) Split(HttpResponseMessage response, byte[] body)
    {
        int length = int.Parse(response.Headers.GetValues(Header).Single(), CultureInfo.InvariantCulture);
        return (JsonNode.Parse(body.AsSpan(0, length))!, body[length..]);
    }

    private static List<string> ReadBytesElements(ReadOnlySpan<byte> data)
    {
        var result = new List<string>();
        while (data.Length > 0)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            result.Add(Encoding.UTF8.GetString(data.Slice(4, length)));
            data = data[(4 + length)..];
        }

        return result;
    }

    [Fact]
    public async Task Binary_inputs_and_binary_outputs_match_the_model_bit_for_bit()
    {
        double[][] rows = TestModels.ThreeIrisRows;
        var table = TestModels.IrisTable(rows);
        double[] expectedProba = TestModels.Iris.PredictProba(table).AsSpan().ToArray();
        string?[] expectedLabels = [.. Enumerable.Range(0, rows.Length).Select(TestModels.Iris.Predict(table).FormatValue)];
        foreach (bool matrix in new[] { false, true })
        {
            var (json, binary) = IrisRequest(rows, "[{\"name\":\"predictions\",\"parameters\":{\"binary_data\":true}},{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]", matrix: matrix);
            var (status, response, body) = await PostBinaryAsync("/v2/models/iris/infer", json, binary);
            Assert.Equal(200, status);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
            var (head, data) = Split(response, body);
            Assert.Equal("b-1", head["id"]!.GetValue<string>());
            var outputs = head["outputs"]!.AsArray();
            Assert.Equal(["predictions", "probabilities"], outputs.Select(o => o!["name"]!.GetValue<string>()));
            Assert.All(outputs, o => Assert.Null(o!["data"]));
            Assert.Equal("BYTES", outputs[0]!["datatype"]!.GetValue<string>());
            Assert.Equal("FP64", outputs[1]!["datatype"]!.GetValue<string>());
            Assert.Equal([3, 3], outputs[1]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
            int labelBytes = outputs[0]!["parameters"]!["binary_data_size"]!.GetValue<int>();
            int probaBytes = outputs[1]!["parameters"]!["binary_data_size"]!.GetValue<int>();
            Assert.Equal(9 * 8, probaBytes);
            Assert.Equal(labelBytes + probaBytes, data.Length);
            Assert.Equal(expectedLabels, ReadBytesElements(data.AsSpan(0, labelBytes)));
            double[] proba = [.. Enumerable.Range(0, 9).Select(k => BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(labelBytes + (k * 8))))];
            Assert.Equal(expectedProba, proba);
        }
    }

    [Fact]
    public async Task Binary_inputs_with_json_outputs_and_binary_data_output_for_all()
    {
        double[][] rows = TestModels.ThreeIrisRows;
        var (json, binary) = IrisRequest(rows);
        var (status, response, body) = await PostBinaryAsync("/v2/models/iris/infer", json, binary);
        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.False(response.Headers.Contains(Header));
        var answer = JsonNode.Parse(body)!;
        Assert.Equal(["setosa", "versicolor", "virginica"], answer["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<string>()));

        // binary_data_output: every output binary, unless an output says otherwise.
        (json, binary) = IrisRequest(rows, "[{\"name\":\"predictions\",\"parameters\":{\"binary_data\":false}},{\"name\":\"probabilities\"}]", "{\"binary_data_output\":true}");
        (status, response, body) = await PostBinaryAsync("/v2/models/iris/infer", json, binary);
        Assert.Equal(200, status);
        var (head, data) = Split(response, body);
        Assert.Equal(["setosa", "versicolor", "virginica"], head["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(72, head["outputs"]![1]!["parameters"]!["binary_data_size"]!.GetValue<int>());
        Assert.Equal(72, data.Length);

        // Only the requested output, binary, from a plain JSON request (no binary inputs): the header still describes the split.
        string plain = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[5.1,3.5,1.4,0.2]}],\"outputs\":[{\"name\":\"predictions\",\"parameters\":{\"binary_data\":true}}]}";
        (status, response, body) = await PostBinaryAsync("/v2/models/iris/infer", plain, []);
        Assert.Equal(200, status);
        (head, data) = Split(response, body);
        Assert.Equal(["predictions"], head["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal(["setosa"], ReadBytesElements(data));
    }

    [Fact]
    public async Task Regressor_predictions_come_back_as_raw_fp64_and_mixed_json_and_binary_inputs_work()
    {
        var x = Datasets.Dataset.LoadXy("diabetes").Features.Head(4);
        double[] expected = TestModels.Diabetes.Predict(x).ToDoubleArray();
        var binary = new List<byte>();
        var inputs = new List<string>();
        foreach (var (column, c) in x.Columns.Select((column, c) => (column, c)))
        {
            double[] values = column.ToDoubleArray();
            if (c % 2 == 0)
            {
                // Every other column as binary FP64, the rest as JSON data in the same request.
                binary.AddRange(Doubles(values));
                inputs.Add($"{{\"name\":\"{column.Name}\",\"shape\":[4],\"datatype\":\"FP64\",\"parameters\":{{\"binary_data_size\":32}}}}");
            }
            else
            {
                inputs.Add($"{{\"name\":\"{column.Name}\",\"shape\":[4],\"datatype\":\"FP64\",\"data\":[{string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]}}");
            }
        }

        string json = $"{{\"inputs\":[{string.Join(",", inputs)}],\"parameters\":{{\"binary_data_output\":true}}}}";
        var (status, response, body) = await PostBinaryAsync("/v2/models/diabetes/infer", json, [.. binary]);
        Assert.Equal(200, status);
        var (head, data) = Split(response, body);
        var output = Assert.Single(head["outputs"]!.AsArray())!;
        Assert.Equal("FP64", output["datatype"]!.GetValue<string>());
        Assert.Equal(32, output["parameters"]!["binary_data_size"]!.GetValue<int>());
        Assert.Equal(expected, Enumerable.Range(0, 4).Select(k => BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(k * 8))));
    }

    public static TheoryData<string, string, byte[], string> BadRequests => new()
    {
        // (json, header value or "" for the JSON's length, binary, what the error must mention)
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}]}", "", new byte[24], "only 24 bytes" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}]}", "", new byte[40], "add up to 32" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":24}}]}", "", new byte[24], "3 data elements" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":-8}}]}", "", new byte[32], "non-negative integer" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":\"32\"}}]}", "", new byte[32], "non-negative integer" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":30}}]}", "", new byte[30], "whole number of FP64" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FLOAT\",\"parameters\":{\"binary_data_size\":32}}]}", "", new byte[32], "'FLOAT'" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[1,2,3,4],\"parameters\":{\"binary_data_size\":32}}]}", "", new byte[32], "both" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}]}", "100000", new byte[32], "Inference-Header-Content-Length" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}]}", "-3", new byte[32], "Inference-Header-Content-Length" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}]}", "abc", new byte[32], "Inference-Header-Content-Length" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":6}}]}", "", new byte[] { 9, 0, 0, 0, 65, 66 }, "only 2 remain" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}],\"outputs\":[{\"name\":\"predictions\",\"parameters\":{\"binary_data\":1}}]}", "", new byte[32], "binary_data" },
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}],\"parameters\":{\"binary_data_output\":\"yes\"}}", "", new byte[32], "binary_data_output" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_sizes_datatypes_and_headers_get_400_with_a_precise_error(string json, string header, byte[] binary, string mention)
    {
        var (status, response, body) = await PostBinaryAsync("/v2/models/iris/infer", json, binary, header.Length == 0 ? null : header);
        Assert.Equal(400, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(mention, JsonNode.Parse(body)!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_data_size_without_the_header_is_refused()
    {
        var (status, answer, _) = await S.PostAsync("/v2/models/iris/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}]}");
        Assert.Equal(400, status);
        Assert.Contains("no Inference-Header-Content-Length", answer!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thousands_of_malformed_binary_requests_get_4xx_never_5xx()
    {
        var random = new Random(20261126);
        var (validJson, validBinary) = IrisRequest(TestModels.ThreeIrisRows, "[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]");
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        const int n = 1500;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            string json;
            byte[] binary;
            string? header;
            lock (random)
            {
                json = validJson;
                binary = [.. validBinary];
                header = null;
                switch (random.Next(6))
                {
                    case 0: // a size changed
                        json = json.Replace("\"binary_data_size\":24", $"\"binary_data_size\":{random.Next(-4, 60)}", StringComparison.Ordinal);
                        break;
                    case 1: // bytes cut or added
                        binary = binary.Length > 0 && random.Next(2) == 0 ? binary[..random.Next(binary.Length)] : [.. binary, .. new byte[random.Next(1, 20)]];
                        break;
                    case 2: // a header that lies
                        header = random.Next(4) switch { 0 => "", 1 => "-1", 2 => random.Next(0, 2000).ToString(CultureInfo.InvariantCulture), _ => "1e3" };
                        break;
                    case 3: // random bytes (NaN and infinities among them)
                        random.NextBytes(binary);
                        break;
                    case 4: // another datatype
                        string[] types = ["FP32", "FP16", "INT8", "UINT64", "BOOL", "BYTES", "COMPLEX", ""];
                        json = json.Replace("\"datatype\":\"FP64\"", $"\"datatype\":\"{types[random.Next(types.Length)]}\"", StringComparison.Ordinal);
                        break;
                    default: // mutated JSON header
                        int at = random.Next(json.Length);
                        json = random.Next(2) == 0 ? json.Remove(at, Math.Min(random.Next(1, 8), json.Length - at)) : json.Insert(at, "{\"binary_data_size\":3}");
                        break;
                }
            }

            byte[] head = Encoding.UTF8.GetBytes(json);
            using var content = new ByteArrayContent([.. head, .. binary]);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v2/models/iris/infer", UriKind.Relative)) { Content = content };
            request.Headers.TryAddWithoutValidation(Header, header ?? head.Length.ToString(CultureInfo.InvariantCulture));
            using var response = await S.Http.SendAsync(request, token);
            int status = (int)response.StatusCode;
            string text = await response.Content.ReadAsStringAsync(token);
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500 || (status >= 400 && !text.Contains("\"error\"", StringComparison.Ordinal)))
                {
                    failures.Add($"{status} {json} [{binary.Length} bytes, header {header}] -> {text}");
                }
            }
        });

        Assert.True(failures.Count == 0, $"{failures.Count} bad answers, e.g.:\n{string.Join("\n", failures.Take(5))}");
        Assert.True(statuses.Keys.All(s => s is 200 or 400), string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(statuses.GetValueOrDefault(400) > n / 3, "most mutations should be rejected");
        Assert.Equal(200, (int)(await S.Http.GetAsync(new Uri("v2/health/live", UriKind.Relative))).StatusCode);
    }
}
