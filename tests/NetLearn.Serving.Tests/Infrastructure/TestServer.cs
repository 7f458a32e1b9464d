using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using NetLearn.Serving.Grpc;

namespace NetLearn.Serving.Tests.Infrastructure;

/// <summary>A model server on free ports over a fresh repository folder; disposed with the test.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private GrpcChannel? _channel;

    private TestServer(ModelServer server, string root)
    {
        Server = server;
        Root = root;
        Http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public ModelServer Server { get; }

    public string Root { get; }

    public HttpClient Http { get; }

    /// <summary>A gRPC client on the h2c port.</summary>
    public GRPCInferenceService.GRPCInferenceServiceClient Grpc
    {
        get
        {
            _channel ??= GrpcChannel.ForAddress(Server.GrpcAddress!, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
            return new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        }
    }

    /// <summary>Makes ROOT/iris/1/model.nlm (and more via <paramref name="layout"/>), then starts a server over it.</summary>
    public static async Task<TestServer> StartAsync(ServerConfig? config = null, Action<string>? layout = null, bool iris = true)
    {
        string root = Directory.CreateTempSubdirectory("netlearn-repo-").FullName;
        if (iris)
        {
            AddVersion(root, "iris", 1, TestModels.IrisPath);
        }

        layout?.Invoke(root);
        config ??= new ServerConfig();
        if (config.GrpcPort < 0)
        {
            config = config with { GrpcPort = 0 };
        }

        var server = ModelServer.Create(new ServerOptions { ModelRepository = root, Port = 0, Config = config with { PollIntervalSeconds = 0 } });
        await server.StartAsync();
        return new TestServer(server, root);
    }

    /// <summary>Copies a model file into ROOT/NAME/VERSION/model.nlm.</summary>
    public static string AddVersion(string root, string name, int version, string modelFile, string fileName = "model.nlm")
    {
        string dir = Path.Combine(root, name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        string target = Path.Combine(dir, fileName);
        File.Copy(modelFile, target, overwrite: true);
        return target;
    }

    public async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        headers?.Invoke(request.Headers);
        var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            json = JsonNode.Parse(text);
        }

        return ((int)response.StatusCode, json, response);
    }

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string path, Action<HttpRequestHeaders>? headers = null) => SendAsync(HttpMethod.Get, path, null, headers);

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(string path, string body, Action<HttpRequestHeaders>? headers = null) => SendAsync(HttpMethod.Post, path, body, headers);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _channel?.Dispose();
        await Server.StopAsync();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
