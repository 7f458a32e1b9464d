using System.Diagnostics;
using System.Text.Json.Nodes;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>
/// Clients nobody here wrote: Python <c>requests</c> for REST and a gRPC client generated from the public proto by
/// <c>grpc_tools</c> (Debian's python3-requests, python3-grpcio, python3-grpc-tools; .ci/run installs them).
/// </summary>
public sealed class PythonClientTests
{
    [Fact]
    public async Task Python_requests_and_a_generated_grpc_client_get_protocol_answers()
    {
        await using var s = await TestServer.StartAsync();
        string work = Directory.CreateTempSubdirectory("netlearn-py-").FullName;
        string proto = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "Python"));
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(proto, "v2_clients.py"), s.Server.Address.ToString().TrimEnd('/'), $"127.0.0.1:{s.Server.GrpcAddress!.Port}", proto, work })
        {
            start.ArgumentList.Add(arg);
        }

        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(python.ExitCode == 0, $"python failed: {await stderr}");
        var r = JsonNode.Parse(await stdout)!;
        double[] expected = TestModels.Iris.PredictProba(TestModels.IrisTable([[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]])).AsSpan().ToArray();

        Assert.Equal("netlearn", r["server"]!["name"]!.GetValue<string>());
        Assert.Equal(200, r["live_status"]!.GetValue<int>());
        Assert.Equal(TestModels.IrisColumns, r["metadata"]!["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal(200, r["infer_status"]!.GetValue<int>());
        Assert.Equal("py-1", r["infer"]!["id"]!.GetValue<string>());
        Assert.Equal(["setosa", "virginica"], r["infer"]!["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(400, r["bad_status"]!.GetValue<int>());
        Assert.Contains("4 input columns", r["bad"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("setosa", r["tf"]!["predictions"]![0]!["predictions"]!.GetValue<string>());

        // The binary tensor data extension, built by hand with requests to the published spec.
        Assert.Equal(200, r["bin_status"]!.GetValue<int>());
        Assert.Equal("application/octet-stream", r["bin_content_type"]!.GetValue<string>());
        Assert.Equal("py-bin", r["bin_id"]!.GetValue<string>());
        Assert.Equal(["setosa", "virginica"], r["bin_labels"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(expected, r["bin_proba"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(0, r["bin_left_over"]!.GetValue<int>());

        Assert.True(r["grpc_live"]!.GetValue<bool>());
        Assert.True(r["grpc_ready"]!.GetValue<bool>());
        Assert.Equal(TestModels.IrisColumns, r["grpc_inputs"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("g-1", r["grpc_id"]!.GetValue<string>());
        Assert.Equal(["setosa", "virginica"], r["grpc_labels"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(expected, r["grpc_proba"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("INVALID_ARGUMENT", r["grpc_error"]!.GetValue<string>());
        Directory.Delete(work, true);
    }
}
