using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetLearn.Client;

/// <summary>
/// A client for the NetLearn model server (REST). Thread-safe; reuse one instance. Credentials: an API key (sent as
/// <c>X-API-Key</c>) or a JWT (sent as <c>Authorization: Bearer</c>). Failed calls throw <see cref="NetLearnServerException"/>
/// with the server's status code and <c>error</c> message.
/// </summary>
public sealed class NetLearnClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a client for the server at <paramref name="baseAddress"/>.</summary>
    public NetLearnClient(Uri baseAddress, string? apiKey = null, string? bearerToken = null)
        : this(new HttpClient { BaseAddress = baseAddress }, apiKey, bearerToken, ownsHttp: true)
    {
    }

    /// <summary>Creates a client over an existing <see cref="HttpClient"/> (whose <c>BaseAddress</c> is the server).</summary>
    public NetLearnClient(HttpClient http, string? apiKey = null, string? bearerToken = null)
        : this(http, apiKey, bearerToken, ownsHttp: false)
    {
    }

    private NetLearnClient(HttpClient http, string? apiKey, string? bearerToken, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _ownsHttp = ownsHttp;
        ApiKey = apiKey;
        BearerToken = bearerToken;
    }

    /// <summary>The API key sent with every request, if any.</summary>
    public string? ApiKey { get; }

    /// <summary>The JWT sent with every request, if any.</summary>
    public string? BearerToken { get; }

    /// <summary>True when the server is live (<c>GET /v2/health/live</c>).</summary>
    public async Task<bool> IsLiveAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "v2/health/live", null, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>True when the server is ready (<c>GET /v2/health/ready</c>); throws on authentication errors.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "v2/health/ready", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
        {
            await ThrowAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return response.IsSuccessStatusCode;
    }

    /// <summary>The server's name, version and extensions (<c>GET /v2</c>).</summary>
    public Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default) =>
        GetAsync("v2", ClientJson.Default.ServerMetadata, cancellationToken);

    /// <summary>A model's inputs, outputs and versions (<c>GET /v2/models/{name}[/versions/{version}]</c>).</summary>
    public Task<ModelMetadata> GetModelMetadataAsync(string model, string? version = null, CancellationToken cancellationToken = default) =>
        GetAsync(ModelPath("v2/models", model, version), ClientJson.Default.ModelMetadata, cancellationToken);

    /// <summary>Predicts named-column rows (<c>POST /v1/models/{name}:predict</c> with <c>{"rows": [...]}</c>).</summary>
    /// <param name="model">The model name.</param>
    /// <param name="rows">One dictionary per row: column name → number, string, boolean or null.</param>
    /// <param name="version">A version, or null for the server's choice.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<RowsPrediction> PredictAsync(string model, IEnumerable<IReadOnlyDictionary<string, object?>> rows, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var body = new RowsRequest([.. rows.Select(r => r.ToDictionary(kv => kv.Key, kv => ToElement(kv.Value)))]);
        using var content = JsonContent.Create(body, ClientJson.Default.RowsRequest);
        return await PostAsync($"{ModelPath("v1/models", model, version)}:predict", content, ClientJson.Default.RowsPrediction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Open Inference Protocol inference (<c>POST /v2/models/{name}[/versions/{version}]/infer</c>).</summary>
    public async Task<InferenceResponse> InferAsync(string model, InferenceRequest request, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var content = JsonContent.Create(request, ClientJson.Default.InferenceRequest);
        return await PostAsync($"{ModelPath("v2/models", model, version)}/infer", content, ClientJson.Default.InferenceResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every model version the server knows, with its state (<c>POST /v2/repository/index</c>, admin).</summary>
    public async Task<IReadOnlyList<RepositoryEntry>> GetRepositoryIndexAsync(CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent([]);
        return await PostAsync("v2/repository/index", content, ClientJson.Default.ListRepositoryEntry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads (or reloads) a model (<c>POST /v2/repository/models/{name}/load</c>, admin).</summary>
    public Task LoadModelAsync(string model, CancellationToken cancellationToken = default) => RepositoryAsync(model, "load", cancellationToken);

    /// <summary>Unloads a model (<c>POST /v2/repository/models/{name}/unload</c>, admin).</summary>
    public Task UnloadModelAsync(string model, CancellationToken cancellationToken = default) => RepositoryAsync(model, "unload", cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task RepositoryAsync(string model, string action, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent([]);
        using var response = await SendAsync(HttpMethod.Post, $"v2/repository/models/{Uri.EscapeDataString(model)}/{action}", content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            await ThrowAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ModelPath(string prefix, string model, string? version)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return version is null ? $"{prefix}/{Uri.EscapeDataString(model)}" : $"{prefix}/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}";
    }

    private static JsonElement ToElement(object? value) => value switch
    {
        null => JsonDocument.Parse("null").RootElement.Clone(),
        JsonElement e => e,
        string s => JsonSerializer.SerializeToElement(s, ClientJson.Default.String),
        bool b => JsonSerializer.SerializeToElement(b, ClientJson.Default.Boolean),
        IConvertible c when value is not char => JsonSerializer.SerializeToElement(c.ToDouble(System.Globalization.CultureInfo.InvariantCulture), ClientJson.Default.Double),
        _ => JsonSerializer.SerializeToElement(value.ToString() ?? "", ClientJson.Default.String),
    };

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> PostAsync<T>(string path, HttpContent content, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, path, content, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (ApiKey is not null)
        {
            request.Headers.Add("X-API-Key", ApiKey);
        }

        if (BearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerToken);
        }

        return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            await ThrowAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new NetLearnServerException(response.StatusCode, "The server sent an empty answer");
    }

    private static async Task ThrowAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string message = text;
        try
        {
            if (JsonSerializer.Deserialize(text, ClientJson.Default.ErrorResponse) is { Error: { } error })
            {
                message = error;
            }
        }
        catch (JsonException)
        {
        }

        throw new NetLearnServerException(response.StatusCode, string.IsNullOrEmpty(message) ? $"HTTP {(int)response.StatusCode}" : message);
    }
}

/// <summary>The server refused a call; <see cref="StatusCode"/> and the server's message say why.</summary>
public sealed class NetLearnServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NetLearnServerException(HttpStatusCode statusCode, string message)
        : base($"{(int)statusCode} {statusCode}: {message}")
    {
        StatusCode = statusCode;
        ServerMessage = message;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The server's <c>error</c> message.</summary>
    public string ServerMessage { get; }
}

/// <summary>Server metadata.</summary>
/// <param name="Name">Server name.</param>
/// <param name="Version">Server version.</param>
/// <param name="Extensions">Supported protocol extensions.</param>
public sealed record ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>A tensor's name, datatype and shape (-1 for a variable dimension).</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Datatype">Open Inference Protocol datatype.</param>
/// <param name="Shape">Shape.</param>
public sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary>Model metadata.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Versions">Ready versions.</param>
/// <param name="Platform">Model format.</param>
/// <param name="Inputs">Input tensors (one per column).</param>
/// <param name="Outputs">Output tensors.</param>
public sealed record ModelMetadata(string Name, IReadOnlyList<string>? Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);

/// <summary>The answer to named-column rows.</summary>
/// <param name="Model">Model name.</param>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="Predictions">One prediction per row (a label or a number).</param>
/// <param name="Classes">Class labels (classifiers).</param>
/// <param name="Probabilities">Per-row class probabilities (classifiers).</param>
public sealed record RowsPrediction(string Model, string ModelVersion, IReadOnlyList<JsonElement> Predictions, IReadOnlyList<JsonElement>? Classes, IReadOnlyList<IReadOnlyList<double>>? Probabilities);

/// <summary>An Open Inference Protocol input tensor.</summary>
/// <param name="Name">Tensor name (a column name, or any name for an [N, F] tensor).</param>
/// <param name="Shape">Shape.</param>
/// <param name="Datatype">Datatype (FP64, FP32, INT64, BYTES, BOOL, ...).</param>
/// <param name="Data">Elements, row-major (numbers, strings or booleans).</param>
public sealed record InferenceInput(string Name, IReadOnlyList<long> Shape, string Datatype, IReadOnlyList<JsonElement> Data)
{
    /// <summary>An FP64 tensor of the given shape.</summary>
    public static InferenceInput Fp64(string name, IReadOnlyList<long> shape, IEnumerable<double> data) =>
        new(name, shape, "FP64", [.. data.Select(d => JsonSerializer.SerializeToElement(d, ClientJson.Default.Double))]);

    /// <summary>A BYTES (text) tensor of the given shape.</summary>
    public static InferenceInput Bytes(string name, IReadOnlyList<long> shape, IEnumerable<string?> data) =>
        new(name, shape, "BYTES", [.. data.Select(d => JsonSerializer.SerializeToElement(d, ClientJson.Default.String))]);
}

/// <summary>A requested output.</summary>
/// <param name="Name">Output name.</param>
public sealed record RequestedOutput(string Name);

/// <summary>An Open Inference Protocol inference request.</summary>
/// <param name="Inputs">Input tensors.</param>
/// <param name="Id">Optional request id, echoed in the response.</param>
/// <param name="Outputs">Optional outputs to return (all when null).</param>
public sealed record InferenceRequest(IReadOnlyList<InferenceInput> Inputs, string? Id = null, IReadOnlyList<RequestedOutput>? Outputs = null);

/// <summary>An output tensor.</summary>
/// <param name="Name">Output name.</param>
/// <param name="Shape">Shape.</param>
/// <param name="Datatype">Datatype.</param>
/// <param name="Data">Elements, row-major.</param>
public sealed record InferenceOutput(string Name, IReadOnlyList<long> Shape, string Datatype, IReadOnlyList<JsonElement> Data);

/// <summary>An Open Inference Protocol inference response.</summary>
/// <param name="ModelName">Model name.</param>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="Id">The request id, if one was sent.</param>
/// <param name="Outputs">Output tensors.</param>
public sealed record InferenceResponse(string ModelName, string? ModelVersion, string? Id, IReadOnlyList<InferenceOutput> Outputs);

/// <summary>One model version in the repository index.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="State">READY, LOADING or UNAVAILABLE.</param>
/// <param name="Reason">Why it is unavailable.</param>
public sealed record RepositoryEntry(string Name, string Version, string State, string Reason);

internal sealed record RowsRequest(IReadOnlyList<Dictionary<string, JsonElement>> Rows);

internal sealed record ErrorResponse(string? Error);

/// <summary>Source-generated JSON metadata for the client's messages.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(ModelMetadata))]
[JsonSerializable(typeof(RowsRequest))]
[JsonSerializable(typeof(RowsPrediction))]
[JsonSerializable(typeof(InferenceRequest))]
[JsonSerializable(typeof(InferenceResponse))]
[JsonSerializable(typeof(List<RepositoryEntry>))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
internal sealed partial class ClientJson : JsonSerializerContext;
