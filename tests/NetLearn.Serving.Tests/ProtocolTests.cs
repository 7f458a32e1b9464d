using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using NetLearn.Serving.Grpc;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>One server with iris (classifier) and diabetes (regressor) for the protocol tests.</summary>
public sealed class ProtocolFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await TestServer.StartAsync(layout: root => TestServer.AddVersion(root, "diabetes", 3, TestModels.DiabetesPath));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class ProtocolTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    private TestServer S => fixture.Server;

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A V2 request with one FP64 tensor per iris column.</summary>
    private static string V2Columns(double[][] rows, string? id = null, string? outputs = null)
    {
        var inputs = TestModels.IrisColumns.Select((name, c) =>
            $"{{\"name\":\"{name}\",\"shape\":[{rows.Length}],\"datatype\":\"FP64\",\"data\":[{string.Join(",", rows.Select(r => Num(r[c])))}]}}");
        return $"{{{(id is null ? "" : $"\"id\":\"{id}\",")}\"inputs\":[{string.Join(",", inputs)}]{(outputs is null ? "" : $",\"outputs\":{outputs}")}}}";
    }

    private static void AssertMatchesModel(double[][] rows, JsonNode answer)
    {
        var table = TestModels.IrisTable(rows);
        var expectedLabels = TestModels.Iris.Predict(table);
        var expectedProba = TestModels.Iris.PredictProba(table);
        var outputs = answer["outputs"]!.AsArray();
        var predictions = outputs.Single(o => o!["name"]!.GetValue<string>() == "predictions")!;
        Assert.Equal("BYTES", predictions["datatype"]!.GetValue<string>());
        Assert.Equal([rows.Length], predictions["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
        Assert.Equal(Enumerable.Range(0, rows.Length).Select(expectedLabels.FormatValue), predictions["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        var proba = outputs.Single(o => o!["name"]!.GetValue<string>() == "probabilities")!;
        Assert.Equal("FP64", proba["datatype"]!.GetValue<string>());
        Assert.Equal([rows.Length, 3], proba["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
        double[] data = [.. proba["data"]!.AsArray().Select(v => v!.GetValue<double>())];
        Assert.Equal(expectedProba.AsSpan().ToArray(), data);
    }

    [Fact]
    public async Task V2_server_metadata_and_health_follow_the_protocol()
    {
        var (status, body, _) = await S.GetAsync("/v2");
        Assert.Equal(200, status);
        Assert.Equal("netlearn", body!["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["version"]!.GetValue<string>()));
        Assert.Contains("model_repository", body["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));

        Assert.Equal(200, (await S.GetAsync("/v2/health/live")).Status);
        Assert.Equal(200, (await S.GetAsync("/v2/health/ready")).Status);
        var ready = await S.GetAsync("/v2/models/iris/ready");
        Assert.Equal(200, ready.Status);
        Assert.True(ready.Body!["ready"]!.GetValue<bool>());
        Assert.Equal(200, (await S.GetAsync("/v2/models/diabetes/versions/3/ready")).Status);
        Assert.Equal(400, (await S.GetAsync("/v2/models/diabetes/versions/2/ready")).Status);
        Assert.Equal(404, (await S.GetAsync("/v2/models/nope/ready")).Status);
    }

    [Fact]
    public async Task V2_model_metadata_lists_one_tensor_per_column_and_the_outputs()
    {
        var (status, body, _) = await S.GetAsync("/v2/models/iris");
        Assert.Equal(200, status);
        Assert.Equal("iris", body!["name"]!.GetValue<string>());
        Assert.Equal(["1"], body["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("netlearn_nlm", body["platform"]!.GetValue<string>());
        Assert.Equal(TestModels.IrisColumns, body["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.All(body["inputs"]!.AsArray(), i =>
        {
            Assert.Equal("FP64", i!["datatype"]!.GetValue<string>());
            Assert.Equal([-1], i["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
        });
        var outputs = body["outputs"]!.AsArray();
        Assert.Equal(["predictions", "probabilities"], outputs.Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal([-1, 3], outputs[1]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()));

        var versioned = await S.GetAsync("/v2/models/diabetes/versions/3");
        Assert.Equal(200, versioned.Status);
        Assert.Equal("FP64", versioned.Body!["outputs"]![0]!["datatype"]!.GetValue<string>());
        Assert.Single(versioned.Body["outputs"]!.AsArray());
    }

    [Fact]
    public async Task V2_infer_with_column_tensors_matches_the_model_in_process()
    {
        var (status, body, _) = await S.PostAsync("/v2/models/iris/infer", V2Columns(TestModels.ThreeIrisRows, id: "42"));
        Assert.Equal(200, status);
        Assert.Equal("iris", body!["model_name"]!.GetValue<string>());
        Assert.Equal("1", body["model_version"]!.GetValue<string>());
        Assert.Equal("42", body["id"]!.GetValue<string>());
        AssertMatchesModel(TestModels.ThreeIrisRows, body);
        Assert.Equal(["setosa", "versicolor", "virginica"], body["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task V2_infer_accepts_one_matrix_tensor_nested_or_flat_and_other_numeric_datatypes()
    {
        double[][] rows = TestModels.ThreeIrisRows;
        string nested = "[" + string.Join(",", rows.Select(r => "[" + string.Join(",", r.Select(Num)) + "]")) + "]";
        var (status, body, _) = await S.PostAsync("/v2/models/iris/versions/1/infer", $"{{\"inputs\":[{{\"name\":\"input\",\"shape\":[3,4],\"datatype\":\"FP32\",\"data\":{nested}}}]}}");
        Assert.Equal(200, status);
        Assert.Null(body!["id"]);
        AssertMatchesModel(rows, body);

        string flat = "[" + string.Join(",", rows.SelectMany(r => r).Select(Num)) + "]";
        (status, body, _) = await S.PostAsync("/v2/models/iris/infer", $"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[3,4],\"datatype\":\"FP64\",\"data\":{flat}}}]}}");
        Assert.Equal(200, status);
        AssertMatchesModel(rows, body!);

        (status, body, _) = await S.PostAsync("/v2/models/iris/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"INT32\",\"data\":[5,3,1,0]}]}");
        Assert.Equal(200, status);
        AssertMatchesModel([[5, 3, 1, 0]], body!);
    }

    [Fact]
    public async Task V2_requested_outputs_are_the_only_ones_returned()
    {
        var (status, body, _) = await S.PostAsync("/v2/models/iris/infer", V2Columns(TestModels.ThreeIrisRows, outputs: "[{\"name\":\"probabilities\"}]"));
        Assert.Equal(200, status);
        Assert.Equal(["probabilities"], body!["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));

        (status, body, _) = await S.PostAsync("/v2/models/iris/infer", V2Columns(TestModels.ThreeIrisRows, outputs: "[{\"name\":\"logits\"}]"));
        Assert.Equal(400, status);
        Assert.Contains("'logits'", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2_regressor_returns_fp64_predictions_equal_to_the_model()
    {
        var x = Datasets.Dataset.LoadXy("diabetes").Features.Head(5);
        var expected = TestModels.Diabetes.Predict(x).ToDoubleArray();
        var inputs = x.Columns.Select(c => $"{{\"name\":\"{c.Name}\",\"shape\":[5,1],\"datatype\":\"FP64\",\"data\":[{string.Join(",", c.ToDoubleArray().Select(Num))}]}}");
        var (status, body, _) = await S.PostAsync("/v2/models/diabetes/infer", $"{{\"inputs\":[{string.Join(",", inputs)}]}}");
        Assert.Equal(200, status);
        Assert.Equal("3", body!["model_version"]!.GetValue<string>());
        var output = Assert.Single(body["outputs"]!.AsArray())!;
        Assert.Equal("FP64", output["datatype"]!.GetValue<string>());
        Assert.Equal(expected, output["data"]!.AsArray().Select(v => v!.GetValue<double>()));
    }

    [Theory]
    [InlineData("{\"inputs\":[{\"name\":\"sepal_length\",\"shape\":[2],\"datatype\":\"FP64\",\"data\":[1]}]}", 400, "shape [2]")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP64\",\"data\":[1,2,3]}]}", 400, "4 input columns")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FLOAT\",\"data\":[1,2,3,4]}]}", 400, "'FLOAT'")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"INT32\",\"data\":[1,2.5,3,4]}]}", 400, "INT32")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[1,\"a\",3,4]}]}", 400, "element 1")]
    [InlineData("{\"inputs\":[{\"name\":\"sepal_length\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1]}]}", 400, "'sepal_width'")]
    [InlineData("{\"inputs\":[{\"name\":\"petals\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1]}]}", 400, "'petals'")]
    [InlineData("{\"inputs\":[]}", 400, "empty")]
    [InlineData("{\"data\":[]}", 400, "inputs")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP16\",\"data\":[1,2,3,4]}]}", 400, "FP16")]
    [InlineData("[1,2]", 400, "inference request")]
    [InlineData("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[1,2,3,4]}], \"id\": 7}", 400, "\"id\"")]
    public async Task V2_bad_requests_get_400_with_a_precise_error(string body, int expected, string mention)
    {
        var (status, answer, _) = await S.PostAsync("/v2/models/iris/infer", body);
        Assert.Equal(expected, status);
        Assert.Contains(mention, answer!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_models_and_versions_are_404()
    {
        var (status, body, _) = await S.PostAsync("/v2/models/wine/infer", V2Columns(TestModels.ThreeIrisRows));
        Assert.Equal(404, status);
        Assert.Contains("'wine'", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        (status, body, _) = await S.PostAsync("/v2/models/iris/versions/9/infer", V2Columns(TestModels.ThreeIrisRows));
        Assert.Equal(404, status);
        Assert.Contains("version 9", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await S.GetAsync("/v2/models/iris/versions/x")).Status);
        Assert.Equal(404, (await S.GetAsync("/v1/models/wine/metadata")).Status);
        var (fallback, error, _) = await S.GetAsync("/nothing/here");
        Assert.Equal(404, fallback);
        Assert.NotNull(error!["error"]);
    }

    [Fact]
    public async Task Tf_serving_status_and_metadata()
    {
        var (status, body, _) = await S.GetAsync("/v1/models/iris");
        Assert.Equal(200, status);
        var version = Assert.Single(body!["model_version_status"]!.AsArray())!;
        Assert.Equal("1", version["version"]!.GetValue<string>());
        Assert.Equal("AVAILABLE", version["state"]!.GetValue<string>());
        Assert.Equal("OK", version["status"]!["error_code"]!.GetValue<string>());
        Assert.Equal(200, (await S.GetAsync("/v1/models/diabetes/versions/3")).Status);

        (status, body, _) = await S.GetAsync("/v1/models/iris/metadata");
        Assert.Equal(200, status);
        Assert.Equal("iris", body!["model_spec"]!["name"]!.GetValue<string>());
        var signature = body["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!;
        Assert.Equal("DT_DOUBLE", signature["inputs"]!["petal_width"]!["dtype"]!.GetValue<string>());
        Assert.Equal("DT_STRING", signature["outputs"]!["predictions"]!["dtype"]!.GetValue<string>());
        Assert.Equal("tensorflow/serving/predict", signature["method_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tf_serving_predict_with_instances_objects_lists_and_columnar_inputs()
    {
        double[][] rows = TestModels.ThreeIrisRows;
        var expected = TestModels.Iris.Predict(TestModels.IrisTable(rows));
        string objects = "[" + string.Join(",", rows.Select(r => "{" + string.Join(",", TestModels.IrisColumns.Select((n, c) => $"\"{n}\":{Num(r[c])}")) + "}")) + "]";
        string lists = "[" + string.Join(",", rows.Select(r => "[" + string.Join(",", r.Select(Num)) + "]")) + "]";
        foreach (string instances in new[] { objects, lists })
        {
            var (status, body, _) = await S.PostAsync("/v1/models/iris:predict", $"{{\"instances\":{instances}}}");
            Assert.Equal(200, status);
            var predictions = body!["predictions"]!.AsArray();
            Assert.Equal(3, predictions.Count);
            Assert.Equal(Enumerable.Range(0, 3).Select(expected.FormatValue), predictions.Select(p => p!["predictions"]!.GetValue<string>()));
            Assert.All(predictions, p => Assert.Equal(1.0, p!["probabilities"]!.AsArray().Sum(v => v!.GetValue<double>()), 12));
        }

        string columnar = "{" + string.Join(",", TestModels.IrisColumns.Select((n, c) => $"\"{n}\":[{string.Join(",", rows.Select(r => Num(r[c])))}]")) + "}";
        var (s2, b2, _) = await S.PostAsync("/v1/models/iris/versions/1:predict", $"{{\"inputs\":{columnar}}}");
        Assert.Equal(200, s2);
        Assert.Equal(Enumerable.Range(0, 3).Select(expected.FormatValue), b2!["outputs"]!["predictions"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(3, b2["outputs"]!["probabilities"]!.AsArray().Count);

        var x = Datasets.Dataset.LoadXy("diabetes").Features.Head(2);
        string regression = "[" + string.Join(",", Enumerable.Range(0, 2).Select(r => "[" + string.Join(",", x.Columns.Select(c => Num(c.ToDoubleArray()[r]))) + "]")) + "]";
        var (s3, b3, _) = await S.PostAsync("/v1/models/diabetes:predict", $"{{\"instances\":{regression}}}");
        Assert.Equal(200, s3);
        Assert.Equal(TestModels.Diabetes.Predict(x).ToDoubleArray(), b3!["predictions"]!.AsArray().Select(p => p!.GetValue<double>()));
    }

    [Fact]
    public async Task Rows_format_answers_with_model_version_and_the_request_id_is_echoed()
    {
        string row = "{" + string.Join(",", TestModels.IrisColumns.Select((n, c) => $"\"{n}\":{Num(TestModels.ThreeIrisRows[0][c])}")) + "}";
        var (status, body, response) = await S.PostAsync("/v1/models/iris:predict", $"{{\"rows\":[{row}]}}", h => h.Add("X-Request-Id", "abc-123"));
        Assert.Equal(200, status);
        Assert.Equal("1", body!["model_version"]!.GetValue<string>());
        Assert.Equal("setosa", body["predictions"]![0]!.GetValue<string>());
        Assert.Equal("abc-123", response.Headers.GetValues("X-Request-Id").Single());

        var (_, _, other) = await S.GetAsync("/v2/health/live");
        Assert.Equal(32, other.Headers.GetValues("X-Request-Id").Single().Length);
    }

    [Fact]
    public async Task Grpc_health_metadata_and_inference_with_typed_contents()
    {
        var client = S.Grpc;
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "iris" })).Ready);
        Assert.False((await client.ModelReadyAsync(new ModelReadyRequest { Name = "iris", Version = "5" })).Ready);
        var server = await client.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("netlearn", server.Name);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "iris" });
        Assert.Equal(TestModels.IrisColumns, metadata.Inputs.Select(i => i.Name));
        Assert.Equal(["predictions", "probabilities"], metadata.Outputs.Select(o => o.Name));

        double[][] rows = TestModels.ThreeIrisRows;
        var request = new ModelInferRequest { ModelName = "iris", Id = "g1" };
        for (int c = 0; c < 4; c++)
        {
            var contents = new InferTensorContents();
            contents.Fp64Contents.AddRange(rows.Select(r => r[c]));
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = TestModels.IrisColumns[c], Datatype = "FP64", Shape = { 3 }, Contents = contents });
        }

        var response = await client.ModelInferAsync(request);
        Assert.Equal("g1", response.Id);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal(["setosa", "versicolor", "virginica"], response.Outputs[0].Contents.BytesContents.Select(b => b.ToStringUtf8()));
        Assert.Equal(TestModels.Iris.PredictProba(TestModels.IrisTable(rows)).AsSpan().ToArray(), response.Outputs[1].Contents.Fp64Contents);
    }

    [Fact]
    public async Task Grpc_raw_input_contents_and_errors()
    {
        var client = S.Grpc;
        double[][] rows = TestModels.ThreeIrisRows;
        float[] flat = [.. rows.SelectMany(r => r).Select(v => (float)v)];
        var raw = new byte[flat.Length * 4];
        Buffer.BlockCopy(flat, 0, raw, 0, raw.Length);
        var request = new ModelInferRequest { ModelName = "iris", Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 3, 4 } } } };
        request.RawInputContents.Add(ByteString.CopyFrom(raw));
        var response = await client.ModelInferAsync(request);
        Assert.Equal(["setosa", "versicolor", "virginica"], response.Outputs[0].Contents.BytesContents.Select(b => b.ToStringUtf8()));

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(new ModelInferRequest { ModelName = "wine" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var badShape = new ModelInferRequest { ModelName = "iris", Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 3, 4 } } } };
        badShape.RawInputContents.Add(ByteString.CopyFrom(raw, 0, 20));
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(badShape));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("shape [3, 4]", invalid.Status.Detail, StringComparison.Ordinal);
    }
}
