using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NetLearn.Serving.Grpc;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

/// <summary>A server with authentication on: three API keys and an HMAC JWT issuer.</summary>
public sealed class SecureFixture : IAsyncLifetime
{
    public const string AdminKey = "admin-key-0123456789";
    public const string IrisKey = "iris-infer-key-0123456789";
    public const string ReaderKey = "reader-key-0123456789";
    public const string ProbeKey = "probe-key-0123456789";
    public static readonly byte[] JwtSecret = RandomNumberGenerator.GetBytes(32);

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var config = new ServerConfig
        {
            MaxRequestBytes = 4096,
            Auth = new AuthConfig
            {
                ApiKeys =
                [
                    new ApiKeyConfig { Name = "ops", Hash = ApiKeyHash.Pbkdf2(AdminKey, 1000), Permissions = ["admin:*"] },
                    new ApiKeyConfig { Name = "app", Hash = ApiKeyHash.Sha256(IrisKey), Permissions = ["infer:iris"] },
                    new ApiKeyConfig { Name = "reader", Hash = ApiKeyHash.Sha256(ReaderKey), Permissions = ["metadata:*"] },
                    new ApiKeyConfig { Name = "probe", Hash = ApiKeyHash.Sha256(ProbeKey), Permissions = ["health:*"] },
                ],
                Jwt = new JwtConfig { Issuer = "https://issuer.test", Audience = "netlearn", SigningKey = Convert.ToBase64String(JwtSecret) },
            },
        };
        Server = await TestServer.StartAsync(config, root => TestServer.AddVersion(root, "diabetes", 1, TestModels.DiabetesPath));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public static string Token(string[] permissions, string issuer = "https://issuer.test", byte[]? secret = null, DateTime? expires = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "netlearn",
            Subject = new ClaimsIdentity([new Claim("sub", "jwt-user"), .. permissions.Select(p => new Claim("permissions", p))]),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(5),
            NotBefore = (expires ?? DateTime.UtcNow.AddMinutes(5)).AddMinutes(-10),
            IssuedAt = (expires ?? DateTime.UtcNow.AddMinutes(5)).AddMinutes(-10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(secret ?? JwtSecret), SecurityAlgorithms.HmacSha256),
        });
}

public sealed class SecurityTests(SecureFixture fixture) : IClassFixture<SecureFixture>
{
    private const string Row = "{\"rows\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}";
    private const string V2 = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[5.1,3.5,1.4,0.2]}]}";

    private TestServer S => fixture.Server;

    /// <summary>Every route the server has, with a body for POSTs.</summary>
    public static TheoryData<string, string, string?> Routes => new()
    {
        { "GET", "v2/health/ready", null },
        { "GET", "v2", null },
        { "GET", "v2/models/iris", null },
        { "GET", "v2/models/iris/versions/1", null },
        { "GET", "v2/models/iris/ready", null },
        { "GET", "v2/models/iris/versions/1/ready", null },
        { "POST", "v2/models/iris/infer", V2 },
        { "POST", "v2/models/iris/versions/1/infer", V2 },
        { "POST", "v2/repository/index", "" },
        { "POST", "v2/repository/models/iris/load", "" },
        { "POST", "v2/repository/models/diabetes/unload", "" },
        { "GET", "v1/models/iris", null },
        { "GET", "v1/models/iris/versions/1", null },
        { "GET", "v1/models/iris/metadata", null },
        { "GET", "v1/models/iris/versions/1/metadata", null },
        { "GET", "v1/models/iris/manifest", null },
        { "GET", "v1/models/iris/versions/1/manifest", null },
        { "POST", "v1/models/iris:predict", Row },
        { "POST", "v1/models/iris/versions/1:predict", Row },
        { "GET", "metrics", null },
        { "GET", "openapi.json", null },
        { "GET", "no/such/route", null },
    };

    private Task<(int Status, System.Text.Json.Nodes.JsonNode? Body, HttpResponseMessage Response)> Call(string method, string path, string? body, Action<HttpRequestHeaders>? headers = null) =>
        S.SendAsync(new HttpMethod(method), path, body ?? (method == "POST" ? "" : null), headers);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_but_liveness_needs_credentials(string method, string path, string? body)
    {
        var (status, answer, response) = await Call(method, path, body);
        Assert.Equal(401, status);
        Assert.Contains("Authentication required", answer!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);

        var (wrong, _, _) = await Call(method, path, body, h => h.Add("X-API-Key", "not-a-key"));
        Assert.Equal(401, wrong);
        var (forged, _, _) = await Call(method, path, body, h => h.Authorization = new AuthenticationHeaderValue("Bearer", SecureFixture.Token(["admin:*"], secret: RandomNumberGenerator.GetBytes(32))));
        Assert.Equal(401, forged);
    }

    [Fact]
    public async Task Liveness_answers_without_credentials() => Assert.Equal(200, (await S.GetAsync("v2/health/live")).Status);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task The_admin_key_may_use_every_route(string method, string path, string? body)
    {
        var (status, _, _) = await Call(method, path, body, h => h.Add("X-API-Key", SecureFixture.AdminKey));
        Assert.True(status is 200 or 404 && (status == 200) == (path != "no/such/route"), $"{method} {path}: {status}");
        if (path.EndsWith("unload", StringComparison.Ordinal))
        {
            Assert.Equal(200, (await Call("POST", "v2/repository/models/diabetes/load", "", h => h.Add("X-API-Key", SecureFixture.AdminKey))).Status);
        }
    }

    [Fact]
    public async Task Permissions_are_per_model_and_per_action()
    {
        void App(HttpRequestHeaders h) => h.Authorization = new AuthenticationHeaderValue("ApiKey", SecureFixture.IrisKey);
        Assert.Equal(200, (await S.PostAsync("v1/models/iris:predict", Row, App)).Status);
        Assert.Equal(200, (await S.PostAsync("v2/models/iris/infer", V2, App)).Status);
        var other = await S.PostAsync("v1/models/diabetes:predict", "{\"rows\":[]}", App);
        Assert.Equal(403, other.Status);
        Assert.Contains("model 'diabetes'", other.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(403, (await S.GetAsync("v2/models/iris", App)).Status);
        Assert.Equal(403, (await S.PostAsync("v2/repository/models/iris/unload", "", App)).Status);

        void Reader(HttpRequestHeaders h) => h.Add("X-API-Key", SecureFixture.ReaderKey);
        Assert.Equal(200, (await S.GetAsync("v2/models/diabetes", Reader)).Status);
        Assert.Equal(200, (await S.GetAsync("metrics", Reader)).Status);
        Assert.Equal(403, (await S.PostAsync("v1/models/iris:predict", Row, Reader)).Status);
        Assert.Equal(403, (await S.PostAsync("v2/repository/index", "", Reader)).Status);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_health_key_reads_readiness_and_nothing_else(string method, string path, string? body)
    {
        var (status, _, _) = await Call(method, path, body, h => h.Add("X-API-Key", SecureFixture.ProbeKey));
        int expected = path == "no/such/route" ? 404 : path.EndsWith("ready", StringComparison.Ordinal) ? 200 : 403;
        Assert.True(status == expected, $"{method} {path}: {status}, expected {expected}");
    }

    [Fact]
    public async Task Jwt_bearer_tokens_carry_permissions_and_are_validated()
    {
        string token = SecureFixture.Token(["infer:iris", "metadata:iris"]);
        void Bearer(HttpRequestHeaders h) => h.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(200, (await S.PostAsync("v1/models/iris:predict", Row, Bearer)).Status);
        Assert.Equal(200, (await S.GetAsync("v2/models/iris", Bearer)).Status);
        Assert.Equal(403, (await S.GetAsync("v2/models/diabetes", Bearer)).Status);

        string otherIssuer = SecureFixture.Token(["infer:*"], issuer: "https://evil.test");
        Assert.Equal(401, (await S.PostAsync("v1/models/iris:predict", Row, h => h.Authorization = new AuthenticationHeaderValue("Bearer", otherIssuer))).Status);
        string expired = SecureFixture.Token(["infer:*"], expires: DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(401, (await S.PostAsync("v1/models/iris:predict", Row, h => h.Authorization = new AuthenticationHeaderValue("Bearer", expired))).Status);
    }

    [Fact]
    public async Task Grpc_calls_are_authenticated_and_authorized_too()
    {
        var client = S.Grpc;
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.ServerReadyAsync(new ServerReadyRequest()));
        Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
        var infer = new ModelInferRequest { ModelName = "diabetes" };
        var wrongModel = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(infer, new Metadata { { "x-api-key", SecureFixture.IrisKey } }));
        Assert.Equal(StatusCode.PermissionDenied, wrongModel.StatusCode);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "iris" }, new Metadata { { "authorization", "Bearer " + SecureFixture.Token(["metadata:*"]) } });
        Assert.Equal("iris", metadata.Name);
        var probe = new Metadata { { "x-api-key", SecureFixture.ProbeKey } };
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest(), probe)).Ready);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "iris" }, probe)).Ready);
        var probeMetadata = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "iris" }, probe));
        Assert.Equal(StatusCode.PermissionDenied, probeMetadata.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        string big = "{\"rows\":[" + string.Join(",", Enumerable.Repeat("{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}", 100)) + "]}";
        var (status, body, _) = await S.PostAsync("v1/models/iris:predict", big, h => h.Add("X-API-Key", SecureFixture.AdminKey));
        Assert.Equal(413, status);
        Assert.Contains("larger than", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_is_off_by_default()
    {
        var (_, _, response) = await S.SendAsync(HttpMethod.Options, "v1/models/iris:predict", null, h =>
        {
            h.Add("Origin", "https://example.com");
            h.Add("Access-Control-Request-Method", "POST");
        });
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Callers_over_their_rate_get_429_with_retry_after()
    {
        var config = new ServerConfig { Auth = new AuthConfig { RateLimitPerSecond = 5, ApiKeys = [new ApiKeyConfig { Name = "a", Hash = ApiKeyHash.Sha256("k1"), Permissions = ["*:*"] }, new ApiKeyConfig { Name = "b", Hash = ApiKeyHash.Sha256("k2"), Permissions = ["*:*"] }] } };
        await using var s = await TestServer.StartAsync(config);
        var statuses = new List<int>();
        for (int i = 0; i < 12; i++)
        {
            statuses.Add((await s.PostAsync("v1/models/iris:predict", Row, h => h.Add("X-API-Key", "k1"))).Status);
        }

        Assert.Contains(429, statuses);
        Assert.Equal(200, statuses[0]);
        var limited = await s.PostAsync("v1/models/iris:predict", Row, h => h.Add("X-API-Key", "k1"));
        Assert.Equal(429, limited.Status);
        Assert.NotNull(limited.Response.Headers.RetryAfter);
        Assert.Equal(200, (await s.PostAsync("v1/models/iris:predict", Row, h => h.Add("X-API-Key", "k2"))).Status); // per key
    }

    [Fact]
    public async Task Tls_from_a_certificate_file()
    {
        string dir = Directory.CreateTempSubdirectory("netlearn-tls-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(dir, "cert.pem"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());

        await using var s = await TestServer.StartAsync(new ServerConfig { Tls = new TlsConfig { CertificateFile = Path.Combine(dir, "cert.pem"), KeyFile = Path.Combine(dir, "key.pem") } });
        Assert.Equal("https", s.Server.Address.Scheme);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c!.Thumbprint == cert.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = s.Server.Address };
        using var response = await http.PostAsync(new Uri("v1/models/iris:predict", UriKind.Relative), new StringContent(Row, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Api_key_hashes_verify_only_the_right_key()
    {
        string pbkdf2 = ApiKeyHash.Pbkdf2("secret", 1000);
        Assert.True(ApiKeyHash.Verify("secret", pbkdf2));
        Assert.False(ApiKeyHash.Verify("Secret", pbkdf2));
        Assert.True(ApiKeyHash.Verify("secret", ApiKeyHash.Sha256("secret")));
        Assert.False(ApiKeyHash.Verify("secret", "sha256:00"));
        Assert.NotEqual(ApiKeyHash.Pbkdf2("secret", 1000), pbkdf2); // salted
        Assert.DoesNotContain("secret", pbkdf2, StringComparison.Ordinal);
    }
}
