using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetLearn.Estimators;
using NetLearn.Serving.Protocols;

namespace NetLearn.Serving;

/// <summary>Settings of a <see cref="ModelServer"/>.</summary>
public sealed record ServerOptions
{
    /// <summary>One model file to serve (as version 1); use this or <see cref="ModelRepository"/>.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The name the <see cref="ModelPath"/> model is served under; defaults to the file name without extension.</summary>
    public string? ModelName { get; init; }

    /// <summary>A model repository folder: <c>DIR/&lt;model&gt;/&lt;version&gt;/model.nlm</c>.</summary>
    public string? ModelRepository { get; init; }

    /// <summary>Address to bind; loopback by default, so nothing is exposed unless asked for.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one (see <see cref="ModelServer.Address"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Largest request body accepted, in bytes (overrides the configuration's when set).</summary>
    public long? MaxRequestBytes { get; init; }

    /// <summary>Everything else: per-model settings, authentication, TLS, limits (see <see cref="ServerConfig"/>).</summary>
    public ServerConfig Config { get; init; } = new();

    /// <summary>Where logs go; none by default (the CLI passes a console logger).</summary>
    public ILoggerProvider? LoggerProvider { get; init; }
}

/// <summary>
/// NetLearn's model server (ASP.NET Core, Kestrel). One server answers, for every model of its repository:
/// <list type="bullet">
/// <item>the Open Inference Protocol (KServe V2) over REST (<c>/v2/...</c>) and gRPC (<c>inference.GRPCInferenceService</c>);</item>
/// <item>TensorFlow Serving's REST API (<c>/v1/models/{m}[/versions/{v}][:predict|/metadata]</c>);</item>
/// <item>NetLearn's named-column JSON (<c>POST /v1/models/{m}:predict</c> with <c>{"rows": [...]}</c>);</item>
/// <item>Triton's repository API (<c>/v2/repository/index</c>, <c>.../models/{m}/load|unload</c>), Prometheus <c>/metrics</c>.</item>
/// </list>
/// Bad requests get 4xx with <c>{"error": "…"}</c>; every response carries an <c>X-Request-Id</c>.
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerSecurity _security;
    private readonly ModelLoader _loader;

    private ModelServer(WebApplication app, ModelRepository repository, ServerMetrics metrics, ServerSecurity security, ModelLoader loader, string? singleModel, ServerConfig config)
    {
        _app = app;
        Repository = repository;
        Metrics = metrics;
        _security = security;
        _loader = loader;
        ModelName = singleModel;
        Config = config;
    }

    /// <summary>The served model's name when serving one file (<see cref="ServerOptions.ModelPath"/>); null for a repository.</summary>
    public string? ModelName { get; }

    /// <summary>The single served model (its latest ready version), when serving one NetLearn file.</summary>
    public IModel? Model => ModelName is not null && Repository.Find(ModelName)?.Ready is { Count: > 0 } ready && ready[^1].Servable is NlmServable nlm ? nlm.Model : null;

    /// <summary>The model repository.</summary>
    public ModelRepository Repository { get; }

    /// <summary>The metrics.</summary>
    public ServerMetrics Metrics { get; }

    /// <summary>The server's services (routing, logging, options), for diagnostics and tests.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The configuration in force.</summary>
    public ServerConfig Config { get; }

    /// <summary>The address of the main listener (available after <see cref="StartAsync"/>).</summary>
    public Uri Address => Addresses[0];

    /// <summary>The cleartext HTTP/2 gRPC listener's address, when configured (<see cref="ServerConfig.GrpcPort"/>).</summary>
    public Uri? GrpcAddress => Addresses.Count > 1 ? Addresses[1] : null;

    private IReadOnlyList<Uri> Addresses => [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal)))];

    /// <summary>Builds the server (not yet listening; models load in <see cref="StartAsync"/>).</summary>
    /// <exception cref="NetLearnException">Bad options or configuration; for a single model file, a file that cannot be loaded.</exception>
    public static ModelServer Create(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.ModelPath is null) == (options.ModelRepository is null))
        {
            throw new DataValidationException("Give either a model file (--model) or a model repository (--model-repository), not both and not neither");
        }

        var config = options.Config;
        if (options.MaxRequestBytes is { } maxBytes)
        {
            config = config with { MaxRequestBytes = maxBytes };
        }

        config.Validate(null);
        string? single = null;
        if (options.ModelPath is not null)
        {
            single = options.ModelName ?? Path.GetFileNameWithoutExtension(options.ModelPath);
            if (single.EndsWith(".nlm", StringComparison.Ordinal))
            {
                single = single[..^4];
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.LoggerProvider is not null)
        {
            builder.Logging.AddProvider(options.LoggerProvider);
        }

        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.WebHost.ConfigureKestrel(k => ConfigureKestrel(k, options, config));
        builder.Services.AddGrpc(g =>
        {
            g.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, config.MaxRequestBytes);
            g.EnableDetailedErrors = false;
        });

        var security = new ServerSecurity(config.Auth);
        var state = new ServerState(security);
        builder.Services.AddSingleton(security);
        builder.Services.AddSingleton(state);
        if (security.Enabled)
        {
            var auth = builder.Services.AddAuthentication(ServerSecurity.Scheme)
                .AddPolicyScheme(ServerSecurity.Scheme, "API key or JWT", p => p.ForwardDefaultSelector = SchemeSelector.Select)
                .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ServerSecurity.ApiKeyScheme, _ => { });
            auth.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, j =>
            {
                j.MapInboundClaims = false;
                if (config.Auth!.Jwt is { } jwt)
                {
                    j.TokenValidationParameters = ServerSecurity.JwtParameters(jwt);
                }
                else
                {
                    // JWTs are not configured: every bearer token fails validation.
                    j.TokenValidationParameters = new Microsoft.IdentityModel.Tokens.TokenValidationParameters { ValidateIssuerSigningKey = true, IssuerSigningKeys = [] };
                }
            });
        }

        if (TraceExport.Resolve(config.Tracing, Environment.GetEnvironmentVariable) is { } tracing)
        {
            TraceExport.Add(builder.Services, tracing);
        }

        if (config.CorsOrigins.Count > 0)
        {
            builder.Services.AddCors(c => c.AddDefaultPolicy(p => p.WithOrigins([.. config.CorsOrigins]).AllowAnyHeader().WithMethods("GET", "POST").WithExposedHeaders(RequestIds.Header)));
        }

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NetLearn.Serving");
        var metrics = new ServerMetrics();
        var loader = new ModelLoader(config.ModelProtection);
        var repository = new ModelRepository(options.ModelRepository, config, loader, metrics, log);
        if (single is not null)
        {
            if (!File.Exists(options.ModelPath))
            {
                throw new ModelFileException(options.ModelPath!, "the file does not exist. Check the path, or train a model first with 'netlearn train'");
            }

            repository.AddFile(single, options.ModelPath!);
        }

        var server = new ModelServer(app, repository, metrics, security, loader, single, config);
        app.UseMiddleware<RequestIds>();
        if (config.CorsOrigins.Count > 0)
        {
            app.UseCors();
        }

        app.UseRouting();
        app.UseMiddleware<Guard>(security);
        var rest = new RestApi(repository, metrics, log);
        rest.Map(app);
        app.MapGet("/metrics", () => Results.Text(metrics.Render(repository), "text/plain; version=0.0.4; charset=utf-8")).WithMetadata(new RequiresAction(ServerAction.Metadata));
        app.MapGet("/openapi.json", () => Results.Stream(typeof(ModelServer).Assembly.GetManifestResourceStream("NetLearn.Serving.openapi.json")!, "application/json")).WithMetadata(new RequiresAction(ServerAction.Metadata));
        app.MapGrpcService<GrpcInferenceService>();
        state.Repository = repository;
        state.Metrics = metrics;
        return server;
    }

    /// <summary>Loads the models and starts listening.</summary>
    /// <exception cref="ModelFileException">Serving one file that cannot be loaded.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Repository.StartAsync(cancellationToken).ConfigureAwait(false);
        if (ModelName is not null && Repository.Find(ModelName) is { Ready.Count: 0 })
        {
            // One file was asked for: a file that cannot be served is the command's error, not a server state.
            string reason = Repository.Index().FirstOrDefault(s => s.State == ModelState.Unavailable)?.Reason ?? "it cannot be loaded";
            throw new ModelFileException(Repository.Find(ModelName)!.Name, reason);
        }

        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
    }

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
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        await Repository.DisposeAsync().ConfigureAwait(false);
        _security.Dispose();
        _loader.Dispose();
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, ServerConfig config)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = config.MaxRequestBytes;
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(config.RequestTimeoutSeconds);
        kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(Math.Max(config.RequestTimeoutSeconds, 130));
        // Kestrel requires a grace period above one second; short request timeouts still bound the headers' arrival.
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(Math.Clamp(config.RequestTimeoutSeconds, 2, 10)));
        var address = options.Host is "localhost" ? IPAddress.Loopback
            : options.Host is "*" or "+" ? IPAddress.IPv6Any
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new DataValidationException($"--host must be an IP address such as 127.0.0.1 or 0.0.0.0 (got '{options.Host}')");
        if (options.Port is < 0 or > 65535)
        {
            throw new DataValidationException($"--port must be between 0 and 65535 (got {options.Port})");
        }

        kestrel.Listen(address, options.Port, listen =>
        {
            if (config.Tls is { } tls)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(LoadCertificate(tls));
            }
            else
            {
                listen.Protocols = HttpProtocols.Http1;
            }
        });
        if (config.GrpcPort >= 0)
        {
            // gRPC needs HTTP/2; without TLS Kestrel cannot offer HTTP/1.1 and HTTP/2 on one port, so h2c gets its own.
            kestrel.Listen(address, config.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (config.Tls is { } tls)
                {
                    listen.UseHttps(LoadCertificate(tls));
                }
            });
        }
    }

    private static X509Certificate2 LoadCertificate(TlsConfig tls)
    {
        try
        {
            return tls.KeyFile is { Length: > 0 } key
                ? X509Certificate2.CreateFromPemFile(tls.CertificateFile, key)
                : X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile, tls.Password);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new DataValidationException($"The TLS certificate cannot be loaded: {e.Message}", file: tls.CertificateFile, inner: e);
        }
    }
}

/// <summary>What the gRPC service (created per call by ASP.NET Core) needs from the server.</summary>
internal sealed class ServerState(ServerSecurity security)
{
    public ServerSecurity Security { get; } = security;

    public ModelRepository Repository { get; set; } = null!;

    public ServerMetrics Metrics { get; set; } = null!;
}

/// <summary>Endpoint metadata: the action a route needs, and the route value naming its model (or none for server-wide).</summary>
internal sealed record RequiresAction(ServerAction Action, string? ModelRouteValue = null);

/// <summary>Echoes the caller's <c>X-Request-Id</c> (or a new one) on every response and tags the trace with it.</summary>
internal sealed class RequestIds(RequestDelegate next)
{
    public const string Header = "X-Request-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var sent = context.Request.Headers[Header];
        string? id = sent.Count > 0 ? sent[0] : null;
        if (string.IsNullOrEmpty(id) || id.Length > 128 || id.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            id = Guid.NewGuid().ToString("N");
        }

        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        System.Diagnostics.Activity.Current?.SetTag("netlearn.request_id", id);
        return next(context);
    }
}

/// <summary>
/// Authentication, authorization and rate limiting for REST routes (gRPC methods check the same rules themselves, since
/// their model name is in the message). With authentication on, only liveness answers without credentials.
/// </summary>
internal sealed class Guard(RequestDelegate next, ServerSecurity security)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!security.Enabled)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is not null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var required = endpoint?.Metadata.GetMetadata<RequiresAction>();
        if (required?.Action == ServerAction.Anonymous)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var result = await context.AuthenticateAsync(ServerSecurity.Scheme).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer, ApiKey";
            await RestApi.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, result.Failure is null
                ? "Authentication required: send an API key (X-API-Key header) or a JWT (Authorization: Bearer)"
                : $"Authentication failed: {result.Failure.Message}").ConfigureAwait(false);
            return;
        }

        context.User = result.Principal!;
        string caller = context.User.FindFirst("sub")?.Value ?? "anonymous";
        if (!security.TryAcquire(caller, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RestApi.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, $"Rate limit exceeded for '{caller}' ({security.Config!.RateLimitPerSecond} requests per second); retry later").ConfigureAwait(false);
            return;
        }

        if (required is null)
        {
            // Unknown routes: authenticated callers get the 404.
            await next(context).ConfigureAwait(false);
            return;
        }

        string model = required.ModelRouteValue is { } key && context.GetRouteValue(key) is string m ? m : "*";
        if (!ServerSecurity.Allows(context.User, required.Action, model))
        {
            await RestApi.WriteErrorAsync(context, StatusCodes.Status403Forbidden, $"'{caller}' may not {required.Action.ToString().ToLowerInvariant()} on {(model == "*" ? "this server" : $"model '{model}'")}").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
