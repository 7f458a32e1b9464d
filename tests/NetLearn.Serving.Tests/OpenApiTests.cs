using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using NetLearn.Serving.Tests.Infrastructure;

namespace NetLearn.Serving.Tests;

public sealed partial class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_describes_every_rest_route_and_nothing_else()
    {
        await using var s = await TestServer.StartAsync();
        var (status, doc, _) = await s.GetAsync("openapi.json");
        Assert.Equal(200, status);
        Assert.Equal("3.0.3", doc!["openapi"]!.GetValue<string>());
        var documented = doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}"))
            .ToHashSet();

        // The server's own route table (REST endpoints; gRPC methods and the JSON 404 fallback aside).
        var endpoints = (EndpointDataSource)s.Server.Services.GetService(typeof(EndpointDataSource))!;
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is null && !e.RoutePattern.RawText!.Contains("{*", StringComparison.Ordinal) && e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {Constraints().Replace(e.RoutePattern.RawText!, "{$1}")}"))
            .Where(r => !r.StartsWith("POST /inference.", StringComparison.Ordinal))
            .ToHashSet();

        Assert.Empty(routes.Except(documented));
        Assert.Empty(documented.Except(routes));
        Assert.All(doc["paths"]!.AsObject(), p => Assert.All(p.Value!.AsObject(), m => Assert.NotNull(m.Value!["responses"]!["200"])));
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex Constraints();
}
