using System.Text;
using Google.Protobuf;
using Grpc.Core;
using NetLearn.Serving.Grpc;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>
/// Thousands of malformed requests (seeded): mutated valid bodies, random JSON, wrong types and shapes, random protobuf
/// fields. The server must answer every one with a 4xx and a JSON error (gRPC: INVALID_ARGUMENT or NOT_FOUND), never a
/// 5xx, and keep serving.
/// </summary>
public sealed class FuzzTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private static readonly string[] Valid =
    [
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,4],\"datatype\":\"FP64\",\"data\":[[5.1,3.5,1.4,0.2],[6.3,3.3,6.0,2.5]]}],\"outputs\":[{\"name\":\"probabilities\"}],\"id\":\"a\"}",
        "{\"inputs\":[{\"name\":\"sepal_length\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[5.1]},{\"name\":\"sepal_width\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[3.5]},{\"name\":\"petal_length\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[1]},{\"name\":\"petal_width\",\"shape\":[1,1],\"datatype\":\"BYTES\",\"data\":[\"0.2\"]}]}",
        "{\"rows\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}",
        "{\"instances\":[[5.1,3.5,1.4,0.2],[6.3,3.3,6.0,2.5]]}",
        "{\"inputs\":{\"sepal_length\":[5.1],\"sepal_width\":[3.5],\"petal_length\":[1.4],\"petal_width\":[0.2]}}",
    ];

    private static readonly string[] Paths = ["v2/models/iris/infer", "v2/models/iris/versions/1/infer", "v1/models/iris:predict", "v1/models/iris/versions/1:predict", "v2/models/diabetes/infer", "v1/models/diabetes:predict"];

    private static readonly string[] Fragments = ["null", "true", "[]", "{}", "\"\"", "-1", "1e400", "-0", "1.5", "\"NaN\"", "\"Infinity\"", "[[[[]]]]", "\"\\u0000\"", "{\"a\":", "]", "\"FP16\"", "\"BOOL\"", "[1,2,3]", "9223372036854775808", "\"x\"", "[-1]", "[0]", "[4294967296, 4294967296]"];

    private static string Mutate(string json, Random random)
    {
        var text = new StringBuilder(json);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && text.Length > 0; e++)
        {
            int at = random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0:
                    text.Remove(at, Math.Min(random.Next(1, 12), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    text[at] = (char)random.Next(32, 127);
                    break;
                case 3:
                    // Replace a value after a colon with a fragment.
                    int colon = json.IndexOf(':', random.Next(json.Length));
                    if (colon > 0 && colon + 1 < text.Length)
                    {
                        int end = colon + 1;
                        while (end < text.Length && text[end] is not (',' or '}' or ']'))
                        {
                            end++;
                        }

                        text.Remove(colon + 1, end - colon - 1).Insert(colon + 1, Fragments[random.Next(Fragments.Length)]);
                    }

                    break;
                case 4:
                    text.Length = at;
                    break;
                default:
                    text.Insert(at, text.ToString(at, Math.Min(20, text.Length - at)));
                    break;
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task Thousands_of_malformed_json_requests_get_4xx_never_5xx()
    {
        var random = new Random(20261125);
        var statuses = new Dictionary<int, int>();
        var failures = new List<string>();
        var http = fixture.Server.Http;
        const int n = 3000;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            string body, path;
            lock (random)
            {
                body = Mutate(Valid[random.Next(Valid.Length)], random);
                path = Paths[random.Next(Paths.Length)];
            }

            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, token);
            int status = (int)response.StatusCode;
            string text = await response.Content.ReadAsStringAsync(token);
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500 || (status >= 400 && !text.Contains("\"error\"", StringComparison.Ordinal)))
                {
                    failures.Add($"{status} {path} {body} -> {text}");
                }
            }
        });

        Assert.True(failures.Count == 0, $"{failures.Count} bad answers, e.g.:\n{string.Join("\n", failures.Take(5))}");
        Assert.True(statuses.Keys.All(s => s is 200 or 400 or 404), string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(statuses.GetValueOrDefault(400) > n / 2, "most mutations should be rejected");
        Assert.Equal(200, (int)(await http.GetAsync(new Uri("v2/health/live", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Thousands_of_malformed_grpc_requests_get_invalid_argument_or_not_found()
    {
        var random = new Random(7);
        var client = fixture.Server.Grpc;
        string[] datatypes = ["FP64", "FP32", "FP16", "INT8", "INT32", "INT64", "UINT8", "UINT64", "BOOL", "BYTES", "fp64", "", "COMPLEX"];
        string[] names = ["x", "input", "sepal_length", "sepal_width", "petal_length", "petal_width", "", "nope"];
        var unexpected = new List<string>();
        const int n = 2000;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            ModelInferRequest request;
            lock (random)
            {
                request = new ModelInferRequest { ModelName = random.Next(10) == 0 ? "nope" : "iris", ModelVersion = random.Next(8) == 0 ? "x" : "" };
                int inputs = random.Next(0, 5);
                bool raw = random.Next(3) == 0;
                for (int k = 0; k < inputs; k++)
                {
                    var tensor = new ModelInferRequest.Types.InferInputTensor { Name = names[random.Next(names.Length)], Datatype = datatypes[random.Next(datatypes.Length)] };
                    int dims = random.Next(0, 4);
                    for (int d = 0; d < dims; d++)
                    {
                        tensor.Shape.Add(random.Next(6) == 0 ? -random.Next(1, 5) : random.Next(0, 6));
                    }

                    if (raw)
                    {
                        request.RawInputContents.Add(ByteString.CopyFrom([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => (byte)random.Next(256))]));
                    }
                    else
                    {
                        var contents = new InferTensorContents();
                        int count = random.Next(0, 10);
                        switch (random.Next(5))
                        {
                            case 0: contents.Fp64Contents.AddRange(Enumerable.Range(0, count).Select(_ => random.Next(4) == 0 ? double.PositiveInfinity : random.NextDouble())); break;
                            case 1: contents.Fp32Contents.AddRange(Enumerable.Range(0, count).Select(_ => (float)random.NextDouble())); break;
                            case 2: contents.IntContents.AddRange(Enumerable.Range(0, count).Select(_ => random.Next(-300, 300))); break;
                            case 3: contents.BytesContents.AddRange(Enumerable.Range(0, count).Select(_ => ByteString.CopyFrom([(byte)random.Next(256), (byte)random.Next(256)]))); break;
                            default: contents.BoolContents.AddRange(Enumerable.Range(0, count).Select(_ => random.Next(2) == 0)); break;
                        }

                        tensor.Contents = contents;
                    }

                    request.Inputs.Add(tensor);
                }

                if (random.Next(5) == 0)
                {
                    request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = names[random.Next(names.Length)] });
                }
            }

            try
            {
                await client.ModelInferAsync(request, cancellationToken: token);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound)
            {
            }
            catch (RpcException e)
            {
                lock (unexpected)
                {
                    unexpected.Add($"{e.StatusCode}: {e.Status.Detail} for {request}");
                }
            }
        });

        Assert.True(unexpected.Count == 0, $"{unexpected.Count} unexpected statuses, e.g.:\n{string.Join("\n", unexpected.Take(5))}");
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
    }
}
