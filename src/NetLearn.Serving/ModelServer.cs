using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetLearn.Estimators;
using NetLearn.ModelFiles;

namespace NetLearn.Serving;

/// <summary>Settings of a <see cref="ModelServer"/>.</summary>
public sealed record ServerOptions
{
    /// <summary>The model file to serve.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The name the model is served under; defaults to the file name without extension.</summary>
    public string? ModelName { get; init; }

    /// <summary>Address to bind; loopback by default, so nothing is exposed unless asked for.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one (see <see cref="ModelServer.Address"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBytes { get; init; } = 16 * 1024 * 1024;
}

/// <summary>
/// A minimal HTTP model server for one <c>.nlm</c> model (ASP.NET Core, Kestrel). Endpoints:
/// <list type="bullet">
/// <item><c>GET /v2/health/live</c>, <c>GET /v2/health/ready</c>: liveness and readiness (Open Inference Protocol paths).</item>
/// <item><c>GET /v1/models/{name}</c>: the model's manifest (schema, classes, hyperparameters, training metadata).</item>
/// <item><c>POST /v1/models/{name}:predict</c> with <c>{"rows": [{"column": value, …}, …]}</c>: predictions, and for
/// classifiers class probabilities. Every row must have every input column (<c>null</c> marks a missing value).</item>
/// </list>
/// Bad requests get HTTP 400 with <c>{"error": "…"}</c> naming the row and column; unknown models 404.
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    // Responses are JSON for programs, not HTML: no need to escape quotes and non-ASCII letters in messages and labels.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Default) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _app;

    private ModelServer(WebApplication app, string name, IModel model)
    {
        _app = app;
        ModelName = name;
        Model = model;
    }

    /// <summary>The served model's name.</summary>
    public string ModelName { get; }

    /// <summary>The served model.</summary>
    public IModel Model { get; }

    /// <summary>The address the server listens on (available after <see cref="StartAsync"/>).</summary>
    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Loads the model and builds the server (not yet listening).</summary>
    /// <exception cref="ModelFileException">The model file cannot be loaded.</exception>
    public static ModelServer Create(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (model, manifest) = ModelFile.LoadWithManifest(options.ModelPath);
        string name = options.ModelName ?? Path.GetFileNameWithoutExtension(options.ModelPath);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{options.Host}:{options.Port}"));
        var app = builder.Build();
        var server = new ModelServer(app, name, model);
        server.Map(manifest);
        return server;
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _app.StartAsync(cancellationToken);

    /// <summary>Stops, letting in-flight requests finish.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>
    /// Waits until the server is asked to stop — <paramref name="cancellationToken"/> fires, the process gets SIGTERM or
    /// Ctrl+C, or <see cref="StopAsync"/> is called — then stops gracefully, letting in-flight requests finish.
    /// </summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Runs until <paramref name="cancellationToken"/> fires or the process is asked to stop.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private void Map(ModelManifest manifest)
    {
        _app.MapGet("/v2/health/live", () => Results.Ok(new JsonObject { ["live"] = true }));
        _app.MapGet("/v2/health/ready", () => Results.Ok(new JsonObject { ["ready"] = true }));
        _app.MapGet("/v1/models/{name}", (string name) => name == ModelName
            ? Results.Content(manifest.ToJsonString(), "application/json")
            : UnknownModel(name));
        _app.MapPost("/v1/models/{name}:predict", async (string name, HttpRequest request) =>
        {
            if (name != ModelName)
            {
                return UnknownModel(name);
            }

            JsonDocument body;
            try
            {
                body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Error(StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {e.Message}");
            }

            using (body)
            {
                try
                {
                    return Results.Content(Predict(body.RootElement).ToJsonString(Json), "application/json");
                }
                catch (NetLearnException e)
                {
                    return Error(StatusCodes.Status400BadRequest, e.Message);
                }
            }
        });
    }

    private JsonObject Predict(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !(body.TryGetProperty("rows", out var rows) || body.TryGetProperty("instances", out rows)))
        {
            throw new DataValidationException("The body must be {\"rows\": [{\"column\": value, ...}, ...]}");
        }

        if (Model is not IPredictor predictor)
        {
            throw new DataValidationException($"Model '{ModelName}' is a transformer and makes no predictions");
        }

        var table = RowConverter.ToTable(rows, Model.InputSchema);
        var predictions = predictor.Predict(table);
        var result = new JsonObject
        {
            ["model"] = ModelName,
            ["predictions"] = new JsonArray([.. Enumerable.Range(0, predictions.Length).Select(i => JsonValue.Create(predictions.GetValue(i)) is { } v ? (JsonNode)v : null)]),
        };
        if (Model is IClassifier classifier && classifier.SupportsProbabilities())
        {
            var proba = classifier.PredictProba(table);
            result["classes"] = new JsonArray([.. Enumerable.Range(0, classifier.Classes.Length).Select(i => (JsonNode?)JsonValue.Create(classifier.Classes.GetValue(i)))]);
            result["probabilities"] = new JsonArray([.. proba.ToRowArrays().Select(r => (JsonNode)new JsonArray([.. r.Select(p => (JsonNode)p)]))]);
        }

        return result;
    }

    private static IResult UnknownModel(string name) => Error(StatusCodes.Status404NotFound, $"There is no model '{name}' on this server");

    private static IResult Error(int status, string message) =>
        Results.Content(new JsonObject { ["error"] = message }.ToJsonString(Json), "application/json", statusCode: status);
}
