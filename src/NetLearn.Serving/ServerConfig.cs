using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetLearn.Serving;

/// <summary>
/// The server configuration file (<c>--config server.json</c>): per-model settings, authentication, limits, TLS and model
/// file protection. Every section is optional; property names are snake_case.
/// </summary>
public sealed record ServerConfig
{
    /// <summary>Per-model settings by model name (the folder name in the repository).</summary>
    public Dictionary<string, ModelConfig> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Settings for models not listed in <see cref="Models"/>.</summary>
    public ModelConfig DefaultModel { get; set; } = new();

    /// <summary>Seconds between scans of the model repository for new, changed or removed versions; 0 turns polling off.</summary>
    public double PollIntervalSeconds { get; set; } = 2;

    /// <summary>When true (the default, as Triton's strict readiness) the server is ready only when every model has a ready version.</summary>
    public bool StrictReadiness { get; set; } = true;

    /// <summary>Largest request body accepted, in bytes; larger requests get 413.</summary>
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Seconds a request may take to arrive (headers and body) before Kestrel drops it.</summary>
    public double RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Port of the cleartext HTTP/2 (h2c) listener for gRPC when TLS is off; 0 picks a free one, -1 turns it off. With TLS, gRPC is also served on the main port.</summary>
    public int GrpcPort { get; set; } = -1;

    /// <summary>Authentication and authorization; off when absent.</summary>
    public AuthConfig? Auth { get; set; }

    /// <summary>TLS from certificate files; plain HTTP when absent.</summary>
    public TlsConfig? Tls { get; set; }

    /// <summary>Origins allowed to call the server from a browser. Empty (the default) means CORS is off.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>Decryption and signature checks of model files.</summary>
    public ModelProtectionConfig? ModelProtection { get; set; }

    /// <summary><c>text</c> (one readable line per event, the default) or <c>json</c> (one JSON object per line) for <c>netlearn serve</c>'s log.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>
    /// OpenTelemetry tracing. When absent, tracing follows the standard environment variables
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_TRACES_EXPORTER</c>, <c>OTEL_SDK_DISABLED</c>) and is off when none is set.
    /// </summary>
    public TracingConfig? Tracing { get; set; }

    /// <summary>Reads and validates a configuration file.</summary>
    /// <exception cref="DataValidationException">The file is not valid JSON or a value is out of range; the message names it.</exception>
    public static ServerConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new DataValidationException($"The server configuration file '{path}' does not exist", file: path);
        }

        ServerConfig config;
        try
        {
            using var stream = File.OpenRead(path);
            config = JsonSerializer.Deserialize(stream, ServingJsonContext.Default.ServerConfig)
                ?? throw new DataValidationException("The server configuration is empty; write a JSON object", file: path);
        }
        catch (JsonException e)
        {
            throw new DataValidationException($"The server configuration is not valid: {e.Message}", file: path, inner: e);
        }

        config.Validate(path);
        return config;
    }

    /// <summary>The settings of model <paramref name="name"/>.</summary>
    public ModelConfig For(string name) => Models.TryGetValue(name, out var model) ? model : DefaultModel;

    internal void Validate(string? file)
    {
        if (MaxRequestBytes < 1024)
        {
            throw new DataValidationException($"max_request_bytes must be at least 1024 (got {MaxRequestBytes})", "max_request_bytes", file: file);
        }

        if (PollIntervalSeconds < 0 || RequestTimeoutSeconds <= 0)
        {
            throw new DataValidationException("poll_interval_seconds must be >= 0 and request_timeout_seconds > 0", "poll_interval_seconds", file: file);
        }

        foreach (var (name, model) in Models.Append(new("default_model", DefaultModel)))
        {
            model.Validate(name, file);
        }

        if (LogFormat is not ("text" or "json"))
        {
            throw new DataValidationException($"log_format must be text or json (got '{LogFormat}')", "log_format", file: file);
        }

        Auth?.Validate(file);
        Tracing?.Validate(file);
    }
}

/// <summary>Settings of one model: which versions to serve, batching, traffic split.</summary>
public sealed record ModelConfig
{
    /// <summary>
    /// Which versions to serve: <c>"latest"</c> (the highest version, the default), <c>"latest:N"</c> (the N highest),
    /// <c>"all"</c>, or <c>"specific:1,3"</c>.
    /// </summary>
    public string VersionPolicy { get; set; } = "latest";

    /// <summary>Most rows run as one batch; 0 or 1 turns dynamic batching off (the default).</summary>
    public int MaxBatchSize { get; set; }

    /// <summary>Longest time, in milliseconds, a request waits for others to fill a batch.</summary>
    public double MaxQueueDelayMs { get; set; } = 2;

    /// <summary>Traffic split by version: <c>{"1": 90, "2": 10}</c>. Unversioned requests go to a version drawn with these weights.</summary>
    public Dictionary<string, double> TrafficSplit { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether NaN or missing numeric values may be sent (they are imputed if the model has an imputer). Default true.</summary>
    public bool AllowMissing { get; set; } = true;

    internal VersionPolicy ParsedPolicy => Serving.VersionPolicy.Parse(VersionPolicy);

    internal void Validate(string name, string? file)
    {
        try
        {
            _ = ParsedPolicy;
        }
        catch (FormatException e)
        {
            throw new DataValidationException($"models.{name}.version_policy: {e.Message}", "version_policy", file: file);
        }

        if (MaxBatchSize < 0 || MaxQueueDelayMs < 0)
        {
            throw new DataValidationException($"models.{name}: max_batch_size and max_queue_delay_ms must be >= 0", "max_batch_size", file: file);
        }

        foreach (var (version, weight) in TrafficSplit)
        {
            if (!long.TryParse(version, out long v) || v <= 0 || weight < 0 || !double.IsFinite(weight))
            {
                throw new DataValidationException($"models.{name}.traffic_split: versions must be positive integers and weights >= 0 (got \"{version}\": {weight})", "traffic_split", file: file);
            }
        }

        if (TrafficSplit.Count > 0 && TrafficSplit.Values.Sum() <= 0)
        {
            throw new DataValidationException($"models.{name}.traffic_split: the weights sum to 0", "traffic_split", file: file);
        }
    }
}

/// <summary>Authentication (API keys, JWT bearer tokens) and per-key limits.</summary>
public sealed record AuthConfig
{
    /// <summary>API keys; only their hashes are stored.</summary>
    public List<ApiKeyConfig> ApiKeys { get; set; } = [];

    /// <summary>JWT bearer token validation; off when absent.</summary>
    public JwtConfig? Jwt { get; set; }

    /// <summary>Requests per second each caller may make (token bucket, burst of the same size); 0 means unlimited.</summary>
    public double RateLimitPerSecond { get; set; }

    internal void Validate(string? file)
    {
        foreach (var key in ApiKeys)
        {
            if (string.IsNullOrWhiteSpace(key.Name) || string.IsNullOrWhiteSpace(key.Hash))
            {
                throw new DataValidationException("auth.api_keys: every key needs a name and a hash (see 'netlearn secure api-key')", "api_keys", file: file);
            }

            if (!ApiKeyHash.IsValidFormat(key.Hash))
            {
                throw new DataValidationException($"auth.api_keys '{key.Name}': the hash must be 'sha256:HEX' or 'pbkdf2-sha256:ITERATIONS:SALT_BASE64:HASH_BASE64' (make one with 'netlearn secure api-key')", "api_keys", file: file);
            }

            foreach (string p in key.Permissions)
            {
                _ = Permission.Parse(p);
            }
        }

        if (Jwt is { } jwt && string.IsNullOrWhiteSpace(jwt.SigningKeyFile) && string.IsNullOrWhiteSpace(jwt.SigningKey))
        {
            throw new DataValidationException("auth.jwt needs signing_key_file (a PEM public key, or a file with a base64 HMAC key) or signing_key", "jwt", file: file);
        }
    }
}

/// <summary>One API key: its name (the caller's identity in logs and metrics), its hash and its permissions.</summary>
public sealed record ApiKeyConfig
{
    /// <summary>The caller's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The key's hash: <c>sha256:HEX</c> or <c>pbkdf2-sha256:ITERATIONS:SALT:HASH</c> (see <see cref="ApiKeyHash"/>).</summary>
    public string Hash { get; set; } = "";

    /// <summary>Permissions as <c>ACTION:MODEL</c> (<c>infer:iris</c>, <c>metadata:*</c>, <c>admin:*</c>).</summary>
    public List<string> Permissions { get; set; } = [];
}

/// <summary>JWT bearer validation settings.</summary>
public sealed record JwtConfig
{
    /// <summary>Expected <c>iss</c>; not checked when absent.</summary>
    public string? Issuer { get; set; }

    /// <summary>Expected <c>aud</c>; not checked when absent.</summary>
    public string? Audience { get; set; }

    /// <summary>A PEM file with the issuer's RSA or ECDSA public key, or a file holding a base64 HMAC secret.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>A base64 HMAC secret given inline (prefer <see cref="SigningKeyFile"/>).</summary>
    public string? SigningKey { get; set; }
}

/// <summary>TLS certificate files.</summary>
public sealed record TlsConfig
{
    /// <summary>The certificate: a PEM file (with <see cref="KeyFile"/>) or a PKCS#12 (.pfx) file.</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>The private key PEM file for a PEM certificate.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The PKCS#12 password, if any.</summary>
    public string? Password { get; set; }
}

/// <summary>Encrypted and signed model files.</summary>
public sealed record ModelProtectionConfig
{
    /// <summary>Environment variable holding the base64 256-bit AES key for encrypted model files (<c>.nlm.enc</c>).</summary>
    public string? KeyEnvironmentVariable { get; set; }

    /// <summary>A file holding the base64 256-bit AES key.</summary>
    public string? KeyFile { get; set; }

    /// <summary>A PEM file with the ECDSA P-256 public key that model signatures (<c>model.nlm.sig</c>) must verify against.</summary>
    public string? SignaturePublicKeyFile { get; set; }

    /// <summary>When true, a model without a valid signature is refused.</summary>
    public bool RequireSignature { get; set; }
}

/// <summary>OpenTelemetry trace export: where spans of inference requests go.</summary>
public sealed record TracingConfig
{
    /// <summary><c>otlp</c> (the default), <c>console</c> (spans printed to standard output) or <c>none</c>.</summary>
    public string Exporter { get; set; } = "otlp";

    /// <summary>
    /// The OTLP collector's base address (<c>http://collector:4317</c> for gRPC, <c>http://collector:4318</c> for
    /// http/protobuf, where <c>/v1/traces</c> is appended); when absent, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or the
    /// exporter's default (<c>http://localhost:4317</c>).
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>; when absent, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> or <c>grpc</c>.</summary>
    public string? Protocol { get; set; }

    /// <summary>The <c>service.name</c> resource attribute; when absent, <c>OTEL_SERVICE_NAME</c> or <c>netlearn-serve</c>.</summary>
    public string? ServiceName { get; set; }

    /// <summary>Fraction of new traces recorded (0 to 1); a caller's sampled parent is always followed.</summary>
    public double SampleRatio { get; set; } = 1;

    internal void Validate(string? file)
    {
        if (Exporter is not ("otlp" or "console" or "none"))
        {
            throw new DataValidationException($"tracing.exporter must be otlp, console or none (got '{Exporter}')", "exporter", file: file);
        }

        if (Protocol is not (null or "grpc" or "http/protobuf"))
        {
            throw new DataValidationException($"tracing.protocol must be grpc or http/protobuf (got '{Protocol}')", "protocol", file: file);
        }

        if (Endpoint is not null && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new DataValidationException($"tracing.endpoint must be an absolute http(s) address such as http://collector:4317 (got '{Endpoint}')", "endpoint", file: file);
        }

        if (!(SampleRatio is >= 0 and <= 1))
        {
            throw new DataValidationException($"tracing.sample_ratio must be between 0 and 1 (got {SampleRatio})", "sample_ratio", file: file);
        }
    }
}

// Settable (not init) properties: the source generator would otherwise reset defaults of absent keys to zero.
/// <summary>Source-generated JSON metadata for the server's configuration and fixed-shape responses (no reflection at run time).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ServerConfig))]
internal sealed partial class ServingJsonContext : JsonSerializerContext;
