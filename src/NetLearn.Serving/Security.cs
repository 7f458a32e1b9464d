using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace NetLearn.Serving;

/// <summary>What a caller wants to do; permissions grant actions per model.</summary>
public enum ServerAction
{
    /// <summary>No credentials needed (liveness only).</summary>
    Anonymous,

    /// <summary>Predict (every protocol's inference call).</summary>
    Infer,

    /// <summary>Read metadata: model metadata and readiness, server metadata and readiness, metrics.</summary>
    Metadata,

    /// <summary>Administer: repository index, load, unload. Implies the other actions.</summary>
    Admin,

    /// <summary>
    /// Read readiness only (server and model readiness, REST and gRPC): what a Kubernetes readiness probe's key needs, so a
    /// probe credential cannot predict or read metadata. Implied by <see cref="Metadata"/>.
    /// </summary>
    Health,
}

/// <summary>A permission <c>ACTION:MODEL</c>: <c>infer:iris</c>, <c>metadata:*</c>, <c>admin:*</c> (<c>*</c> for any).</summary>
/// <param name="Action">The action, or null for any.</param>
/// <param name="Model">The model, or <c>*</c> for any.</param>
public sealed record Permission(ServerAction? Action, string Model)
{
    /// <summary>The claim type that carries permissions in NetLearn's identities (and in JWTs, as <c>permissions</c>).</summary>
    public const string ClaimType = "permissions";

    /// <summary>Parses <c>ACTION:MODEL</c>.</summary>
    /// <exception cref="DataValidationException">Not of that form.</exception>
    public static Permission Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string action = colon < 0 ? text : text[..colon];
        string model = colon < 0 ? "*" : text[(colon + 1)..];
        ServerAction? parsed = action switch
        {
            "infer" => ServerAction.Infer,
            "metadata" => ServerAction.Metadata,
            "admin" => ServerAction.Admin,
            "health" => ServerAction.Health,
            "*" => null,
            _ => throw new DataValidationException($"'{text}' is not a permission; use ACTION:MODEL with ACTION infer, metadata, health, admin or * and MODEL a model name or *"),
        };
        return model.Length == 0
            ? throw new DataValidationException($"'{text}' is not a permission; the model part is empty (use * for every model)")
            : new Permission(parsed, model);
    }

    /// <summary>True when this permission allows <paramref name="action"/> on <paramref name="model"/> (<c>*</c> = server-wide).</summary>
    public bool Allows(ServerAction action, string model) =>
        (Action is null || Action == action || Action == ServerAction.Admin || (Action == ServerAction.Metadata && action == ServerAction.Health))
        && (Model == "*" || Model == model);
}

/// <summary>The server's authentication and per-caller rate limits.</summary>
public sealed class ServerSecurity : IDisposable
{
    /// <summary>The authentication scheme that picks API key or JWT by the request's headers.</summary>
    public const string Scheme = "netlearn";

    /// <summary>The API key scheme (<c>X-API-Key: KEY</c> or <c>Authorization: ApiKey KEY</c>).</summary>
    public const string ApiKeyScheme = "ApiKey";

    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApiKeyConfig> _verified = new(StringComparer.Ordinal);

    /// <summary>Creates the security settings from the configuration (null = off).</summary>
    public ServerSecurity(AuthConfig? config)
    {
        Config = config;
    }

    /// <summary>The settings; null when authentication is off.</summary>
    public AuthConfig? Config { get; }

    /// <summary>True when every route but liveness needs credentials.</summary>
    public bool Enabled => Config is not null;

    /// <summary>The key configuration matching a presented key, or null. PBKDF2 checks are cached by the key's SHA-256.</summary>
    public ApiKeyConfig? FindKey(string presented)
    {
        if (Config is null || string.IsNullOrEmpty(presented) || presented.Length > 512)
        {
            return null;
        }

        string digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        if (_verified.TryGetValue(digest, out var cached))
        {
            return cached;
        }

        foreach (var key in Config.ApiKeys)
        {
            if (ApiKeyHash.Verify(presented, key.Hash))
            {
                _verified[digest] = key;
                return key;
            }
        }

        return null;
    }

    /// <summary>Takes one request from the caller's token bucket; false when the caller is over its rate.</summary>
    public bool TryAcquire(string caller, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (Config is not { RateLimitPerSecond: > 0 } config)
        {
            return true;
        }

        var limiter = _limiters.GetOrAdd(caller, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Ceiling(config.RateLimitPerSecond)),
            TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(config.RateLimitPerSecond)),
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(config.RateLimitPerSecond)) / config.RateLimitPerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return false;
    }

    /// <summary>True when <paramref name="user"/> may do <paramref name="action"/> on <paramref name="model"/>.</summary>
    public static bool Allows(ClaimsPrincipal user, ServerAction action, string model)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var claim in user.FindAll(Permission.ClaimType).Concat(user.FindAll("scope")).Concat(user.FindAll("scp")))
        {
            foreach (string text in claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                Permission permission;
                try
                {
                    permission = Permission.Parse(text);
                }
                catch (DataValidationException)
                {
                    continue;
                }

                if (permission.Allows(action, model))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The JWT validation parameters for <paramref name="jwt"/>.</summary>
    public static TokenValidationParameters JwtParameters(JwtConfig jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        SecurityKey key;
        string material = jwt.SigningKey ?? File.ReadAllText(jwt.SigningKeyFile!);
        if (material.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(material);
                key = new ECDsaSecurityKey(ecdsa);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                ecdsa.Dispose();
                var rsa = RSA.Create();
                rsa.ImportFromPem(material);
                key = new RsaSecurityKey(rsa);
            }
        }
        else
        {
            key = new SymmetricSecurityKey(Convert.FromBase64String(material.Trim()));
        }

        return new TokenValidationParameters
        {
            ValidateIssuer = jwt.Issuer is not null,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = jwt.Audience is not null,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = key,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = "sub",
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}

/// <summary>Authenticates <c>X-API-Key</c> / <c>Authorization: ApiKey</c> headers against the configured key hashes.</summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ServerSecurity security)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers["X-API-Key"].FirstOrDefault();
        if (presented is null && Request.Headers.Authorization.FirstOrDefault() is { } header && header.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header[7..].Trim();
        }

        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (security.FindKey(presented) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid"));
        }

        var identity = new ClaimsIdentity([new Claim("sub", "key:" + key.Name), .. key.Permissions.Select(p => new Claim(Permission.ClaimType, p))], ServerSecurity.ApiKeyScheme, "sub", null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ServerSecurity.ApiKeyScheme)));
    }
}

/// <summary>Chooses JWT for <c>Authorization: Bearer</c> and the API key handler otherwise.</summary>
internal static class SchemeSelector
{
    public static string Select(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.Request.Headers.Authorization.FirstOrDefault() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? JwtBearerDefaults.AuthenticationScheme
            : ServerSecurity.ApiKeyScheme;
}
