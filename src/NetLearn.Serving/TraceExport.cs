using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NetLearn.Serving;

/// <summary>
/// OpenTelemetry tracing of the server: the <c>NetLearn.Serving</c> spans (<c>netlearn.infer</c> with model, version,
/// protocol, rows and request ID; <c>netlearn.batch</c>) under ASP.NET Core's HTTP server spans, exported over OTLP or to
/// the console. Off unless the configuration's <c>tracing</c> section or the standard <c>OTEL_*</c> environment variables
/// ask for it, so an untraced server pays nothing.
/// </summary>
internal static class TraceExport
{
    /// <summary>
    /// The tracing in force: the configuration's section when present; otherwise the OpenTelemetry environment
    /// convention (<c>OTEL_SDK_DISABLED=true</c> or <c>OTEL_TRACES_EXPORTER=none</c> turn it off;
    /// <c>OTEL_TRACES_EXPORTER=otlp|console</c> or an <c>OTEL_EXPORTER_OTLP[_TRACES]_ENDPOINT</c> turn it on). Null means off.
    /// </summary>
    public static TracingConfig? Resolve(TracingConfig? configured, Func<string, string?> environment)
    {
        if (string.Equals(environment("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (configured is not null)
        {
            return configured.Exporter == "none" ? null : configured;
        }

        string? exporter = environment("OTEL_TRACES_EXPORTER")?.Trim().ToLowerInvariant();
        if (exporter is "none")
        {
            return null;
        }

        if (exporter is "otlp" or "console")
        {
            return new TracingConfig { Exporter = exporter };
        }

        if (!string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT")) || !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")))
        {
            return new TracingConfig();
        }

        return null;
    }

    /// <summary>Registers the tracer provider (started and flushed with the host).</summary>
    public static void Add(IServiceCollection services, TracingConfig tracing)
    {
        string serviceName = tracing.ServiceName ?? Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? "netlearn-serve";
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: ModelFiles.ModelFile.LibraryVersion))
            .WithTracing(t =>
            {
                t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(tracing.SampleRatio)));
                t.AddSource(ServerMetrics.Tracing.Name);
                // Probes and scrapes every few seconds would drown the inference traces.
                t.AddAspNetCoreInstrumentation(o => o.Filter = IsTraced);
                if (tracing.Exporter == "console")
                {
                    t.AddConsoleExporter();
                }
                else
                {
                    t.AddOtlpExporter(o => ConfigureOtlp(o, tracing));
                }
            });
    }

    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal)
        && !context.Request.Path.StartsWithSegments("/v2/health", StringComparison.Ordinal);

    private static void ConfigureOtlp(OtlpExporterOptions options, TracingConfig tracing)
    {
        // Absent settings keep what the exporter read from OTEL_EXPORTER_OTLP_* itself.
        if (tracing.Protocol is { } protocol)
        {
            options.Protocol = protocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        }

        if (tracing.Endpoint is { } endpoint)
        {
            var uri = new Uri(endpoint);
            if (options.Protocol == OtlpExportProtocol.HttpProtobuf && !uri.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal))
            {
                // A configured endpoint is the collector's base address, as OTEL_EXPORTER_OTLP_ENDPOINT is; the exporter
                // takes a programmatic one as the full signal URL.
                uri = new Uri(uri, uri.AbsolutePath.TrimEnd('/') + "/v1/traces");
            }

            options.Endpoint = uri;
        }
    }
}
