using System.Text.RegularExpressions;
using NetLearn.Serving.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace NetLearn.Serving.Tests;

/// <summary>
/// The Dockerfile and Kubernetes manifests: parsed and checked for the fields a cluster needs (no cluster or Docker daemon
/// is available here, so <c>kubectl --dry-run</c> cannot run), and their probe paths are called on a real server.
/// </summary>
public sealed partial class DeploymentTests
{
    private static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetLearn.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("NetLearn.slnx not found above the test folder");
        }
    }

    private static List<YamlMappingNode> Manifests()
    {
        var documents = new List<YamlMappingNode>();
        foreach (string file in Directory.GetFiles(Path.Combine(RepositoryRoot, "deploy", "kubernetes"), "*.yaml"))
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            documents.AddRange(stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)));
        }

        return documents;
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (string key in path)
        {
            var map = Assert.IsType<YamlMappingNode>(node);
            Assert.True(map.Children.TryGetValue(new YamlScalarNode(key), out var next), $"missing '{key}' in {string.Join('.', path)}");
            node = next!;
        }

        return node;
    }

    private static string Text(YamlNode node, params string[] path) => Assert.IsType<YamlScalarNode>(At(node, path)).Value!;

    private static YamlMappingNode Kind(List<YamlMappingNode> docs, string kind) => Assert.Single(docs, d => Text(d, "kind") == kind);

    [Fact]
    public void Every_manifest_has_api_version_kind_and_name()
    {
        var docs = Manifests();
        Assert.Equal(["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Secret", "Service"], docs.Select(d => Text(d, "kind")).Order());
        Assert.All(docs, d =>
        {
            Assert.Matches(@"^(v1|apps/v1|autoscaling/v2)$", Text(d, "apiVersion"));
            Assert.Matches(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Text(d, "metadata", "name"));
        });
    }

    [Fact]
    public void The_deployment_has_probes_limits_and_runs_as_non_root()
    {
        var docs = Manifests();
        var deployment = Kind(docs, "Deployment");
        var labels = (YamlMappingNode)At(deployment, "spec", "template", "metadata", "labels");
        foreach (var (key, value) in ((YamlMappingNode)At(deployment, "spec", "selector", "matchLabels")).Children)
        {
            Assert.Equal(value, labels.Children[key]);
        }

        Assert.Equal("true", Text(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
        var container = (YamlMappingNode)Assert.Single((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers"));
        var portNames = ((YamlSequenceNode)At(container, "ports")).Select(p => Text(p, "name")).ToHashSet();
        foreach (string probe in new[] { "livenessProbe", "startupProbe" })
        {
            Assert.Equal("/v2/health/live", Text(container, probe, "httpGet", "path"));
            Assert.Contains(Text(container, probe, "httpGet", "port"), portNames);
        }

        // Readiness needs credentials with auth on: an exec probe reading the key from the mounted Secret.
        var secret = Kind(docs, "Secret");
        string mountPath = Text(((YamlSequenceNode)At(container, "volumeMounts")).Single(m => Text(m, "name") == "probe-key"), "mountPath");
        var volume = ((YamlSequenceNode)At(deployment, "spec", "template", "spec", "volumes")).Single(v => Text(v, "name") == "probe-key");
        Assert.Equal(Text(secret, "metadata", "name"), Text(volume, "secret", "secretName"));
        string command = ReadinessCommand(container);
        Assert.Contains($"$(cat {mountPath}/probe-key)", command, StringComparison.Ordinal);
        Assert.Contains("/v2/health/ready", command, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:8080/", command, StringComparison.Ordinal);
        Assert.Equal("8080", Text(((YamlSequenceNode)At(container, "ports")).Single(p => Text(p, "name") == "http"), "containerPort"));

        foreach (string kind in new[] { "requests", "limits" })
        {
            Assert.Matches(@"^\d+m?$", Text(container, "resources", kind, "cpu"));
            Assert.Matches(@"^\d+(Mi|Gi)$", Text(container, "resources", kind, "memory"));
        }

        string[] args = [.. ((YamlSequenceNode)At(container, "args")).Select(a => ((YamlScalarNode)a).Value!)];
        Assert.Equal("serve", args[0]);
        Assert.Contains("--model-repository", args);
        string configPath = args[Array.IndexOf(args, "--config") + 1];
        string mount = ((YamlSequenceNode)At(container, "volumeMounts")).Select(m => Text(m, "mountPath")).Single(m => configPath.StartsWith(m, StringComparison.Ordinal));
        Assert.Equal("/etc/netlearn", mount);

        // The ConfigMap's server.json is a configuration the server accepts.
        string json = Text(Kind(docs, "ConfigMap"), "data", "server.json");
        string file = Path.Combine(Directory.CreateTempSubdirectory("netlearn-k8s-").FullName, "server.json");
        File.WriteAllText(file, json);
        var config = ServerConfig.Load(file);
        Assert.Equal(64, config.DefaultModel.MaxBatchSize);

        // Authentication is on, and the probe's key (the Secret's, hashed in server.json) may read readiness only.
        var probeKey = Assert.Single(config.Auth!.ApiKeys, k => k.Name == "readiness-probe");
        Assert.Equal(["health:*"], probeKey.Permissions);
        Assert.True(ApiKeyHash.Verify(Text(secret, "stringData", "probe-key"), probeKey.Hash), "the Secret's probe key must match the hash in server.json");
    }

    private static string ReadinessCommand(YamlNode container)
    {
        string[] exec = [.. ((YamlSequenceNode)At(container, "readinessProbe", "exec", "command")).Select(a => ((YamlScalarNode)a).Value!)];
        Assert.Equal(["sh", "-c"], exec[..2]);
        return Assert.Single(exec[2..]);
    }

    [Fact]
    public void The_service_and_autoscaler_point_at_the_deployment()
    {
        var docs = Manifests();
        var deployment = Kind(docs, "Deployment");
        var service = Kind(docs, "Service");
        var labels = (YamlMappingNode)At(deployment, "spec", "template", "metadata", "labels");
        foreach (var (key, value) in ((YamlMappingNode)At(service, "spec", "selector")).Children)
        {
            Assert.Equal(value, labels.Children[key]);
        }

        var container = ((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers"))[0];
        var portNames = ((YamlSequenceNode)At(container, "ports")).Select(p => Text(p, "name")).ToHashSet();
        Assert.All((YamlSequenceNode)At(service, "spec", "ports"), p => Assert.Contains(Text(p, "targetPort"), portNames));

        var hpa = Kind(docs, "HorizontalPodAutoscaler");
        Assert.Equal("Deployment", Text(hpa, "spec", "scaleTargetRef", "kind"));
        Assert.Equal(Text(deployment, "metadata", "name"), Text(hpa, "spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(Text(hpa, "spec", "minReplicas"), System.Globalization.CultureInfo.InvariantCulture) <= int.Parse(Text(hpa, "spec", "maxReplicas"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty((YamlSequenceNode)At(hpa, "spec", "metrics"));
    }

    [Fact]
    public void The_dockerfile_is_multi_stage_non_root_with_a_health_check()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot, "Dockerfile"));
        Assert.True(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "multi-stage: at least two FROM lines");
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build", StringComparison.Ordinal));
        string user = Assert.Single(lines, l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Trim();
        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
        string health = Assert.Single(lines, l => l.TrimStart().StartsWith("CMD curl", StringComparison.Ordinal));
        Assert.Contains("/v2/health/live", health, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("EXPOSE 8080", StringComparison.Ordinal));
        var publish = PublishedProject().Match(string.Join('\n', lines));
        Assert.True(publish.Success);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot, publish.Groups[1].Value)), publish.Groups[1].Value);
    }

    [Fact]
    public async Task The_probes_pass_on_a_real_server_with_the_manifests_configuration_and_authentication_on()
    {
        var docs = Manifests();
        var deployment = Kind(docs, "Deployment");
        var container = ((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers"))[0];
        string dir = Directory.CreateTempSubdirectory("netlearn-k8s-probe-").FullName;
        string configFile = Path.Combine(dir, "server.json");
        File.WriteAllText(configFile, Text(Kind(docs, "ConfigMap"), "data", "server.json"));
        await using var s = await TestServer.StartAsync(ServerConfig.Load(configFile));
        Assert.True(s.Server.Config.Auth is not null);

        // Liveness and startup: anonymous httpGet.
        foreach (string probe in new[] { "livenessProbe", "startupProbe" })
        {
            Assert.Equal(200, (await s.GetAsync(Text(container, probe, "httpGet", "path"))).Status);
        }

        // Readiness: the probe's own shell command, with the Secret mounted in a temp folder and the test server's port.
        string probeKey = Text(Kind(docs, "Secret"), "stringData", "probe-key");
        string mountPath = Text(((YamlSequenceNode)At(container, "volumeMounts")).Single(m => Text(m, "name") == "probe-key"), "mountPath");
        string command = ReadinessCommand(container).Replace(mountPath, dir, StringComparison.Ordinal).Replace("http://127.0.0.1:8080/", s.Server.Address.ToString(), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "probe-key"), probeKey);
        Assert.Equal(0, await RunAsync(command));
        File.WriteAllText(Path.Combine(dir, "probe-key"), "nlk_wrong-key");
        Assert.NotEqual(0, await RunAsync(command));

        // Without credentials readiness is refused; the probe key reads readiness only.
        Assert.Equal(401, (await s.GetAsync("/v2/health/ready")).Status);
        void Key(System.Net.Http.Headers.HttpRequestHeaders h) => h.Add("X-API-Key", probeKey);
        Assert.Equal(200, (await s.GetAsync("/v2/health/ready", Key)).Status);
        Assert.Equal(200, (await s.GetAsync("/v2/models/iris/ready", Key)).Status);
        Assert.Equal(403, (await s.GetAsync("/v2/models/iris", Key)).Status);
        Assert.Equal(403, (await s.GetAsync("/metrics", Key)).Status);
        Assert.Equal(403, (await s.PostAsync("/v1/models/iris:predict", """{"rows": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}""", Key)).Status);
    }

    private static async Task<int> RunAsync(string shellCommand)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", shellCommand]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();
}
