using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using NetLearn.Data;

namespace NetLearn.Serving.Protocols;

/// <summary>The REST routes: Open Inference Protocol V2, TensorFlow Serving, NetLearn rows, and the repository API.</summary>
internal sealed class RestApi(ModelRepository repository, ServerMetrics metrics, ILogger log)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 64 };

    // The named-column answer's writer; answers written by it may instead be written directly (RowsResponse).
    private static readonly Action<Utf8JsonWriter, ModelVersion, Prediction> RowsWriter = JsonOutputs.WriteRows;

    // One writer per thread, reset onto each response's buffer (writing is synchronous, so it is never shared).
    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    public void Map(WebApplication app)
    {
        var anonymous = new RequiresAction(ServerAction.Anonymous);
        var serverMetadata = new RequiresAction(ServerAction.Metadata);
        var modelMetadata = new RequiresAction(ServerAction.Metadata, "name");
        var infer = new RequiresAction(ServerAction.Infer, "name");
        var admin = new RequiresAction(ServerAction.Admin, "name");
        var serverHealth = new RequiresAction(ServerAction.Health);
        var modelHealth = new RequiresAction(ServerAction.Health, "name");
        var adminServer = new RequiresAction(ServerAction.Admin);

        // Open Inference Protocol: health and server metadata.
        app.MapGet("/v2/health/live", (HttpContext c) => WriteAsync(c, 200, w => Flag(w, "live", true))).WithMetadata(anonymous);
        app.MapGet("/v2/health/ready", (HttpContext c) => WriteAsync(c, repository.IsReady ? 200 : 400, w => Flag(w, "ready", repository.IsReady))).WithMetadata(serverHealth);
        app.MapGet("/v2", (HttpContext c) => WriteAsync(c, 200, ServerMetadata)).WithMetadata(serverMetadata);

        // Open Inference Protocol: model metadata, readiness, inference.
        app.MapGet("/v2/models/{name}", (HttpContext c, string name) => V2MetadataAsync(c, name, null)).WithMetadata(modelMetadata);
        app.MapGet("/v2/models/{name}/versions/{version}", (HttpContext c, string name, string version) => V2MetadataAsync(c, name, version)).WithMetadata(modelMetadata);
        app.MapGet("/v2/models/{name}/ready", (HttpContext c, string name) => V2ReadyAsync(c, name, null)).WithMetadata(modelHealth);
        app.MapGet("/v2/models/{name}/versions/{version}/ready", (HttpContext c, string name, string version) => V2ReadyAsync(c, name, version)).WithMetadata(modelHealth);
        app.MapPost("/v2/models/{name}/infer", (HttpContext c, string name) => V2InferAsync(c, name, null)).WithMetadata(infer);
        app.MapPost("/v2/models/{name}/versions/{version}/infer", (HttpContext c, string name, string version) => V2InferAsync(c, name, version)).WithMetadata(infer);

        // Triton's model repository extension (admin).
        app.MapPost("/v2/repository/index", (HttpContext c) => WriteAsync(c, 200, RepositoryIndex)).WithMetadata(adminServer);
        app.MapPost("/v2/repository/models/{name}/load", (HttpContext c, string name) => RepositoryActionAsync(c, name, load: true)).WithMetadata(admin);
        app.MapPost("/v2/repository/models/{name}/unload", (HttpContext c, string name) => RepositoryActionAsync(c, name, load: false)).WithMetadata(admin);

        // TensorFlow Serving REST, and NetLearn's named-column rows on the same predict route.
        app.MapGet("/v1/models/{name}", (HttpContext c, string name) => TfStatusAsync(c, name, null)).WithMetadata(modelMetadata);
        app.MapGet("/v1/models/{name}/versions/{version}", (HttpContext c, string name, string version) => TfStatusAsync(c, name, version)).WithMetadata(modelMetadata);
        app.MapGet("/v1/models/{name}/metadata", (HttpContext c, string name) => TfMetadataAsync(c, name, null)).WithMetadata(modelMetadata);
        app.MapGet("/v1/models/{name}/versions/{version}/metadata", (HttpContext c, string name, string version) => TfMetadataAsync(c, name, version)).WithMetadata(modelMetadata);
        app.MapGet("/v1/models/{name}/manifest", (HttpContext c, string name) => ManifestAsync(c, name, null)).WithMetadata(modelMetadata);
        app.MapGet("/v1/models/{name}/versions/{version}/manifest", (HttpContext c, string name, string version) => ManifestAsync(c, name, version)).WithMetadata(modelMetadata);
        app.MapPost("/v1/models/{name}:predict", (HttpContext c, string name) => PredictAsync(c, name, null)).WithMetadata(infer);
        app.MapPost("/v1/models/{name}/versions/{version}:predict", (HttpContext c, string name, string version) => PredictAsync(c, name, version)).WithMetadata(infer);

        // Anything else: a JSON 404 (or 405), never an empty body.
        app.MapFallback((HttpContext c) => WriteErrorAsync(c, 404, $"No route {c.Request.Method} {c.Request.Path}; see /openapi.json or the README for the API"));
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        await WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a JSON response: serialised into a pooled buffer first, so the response has a Content-Length (no chunked
    /// encoding) and is handed to Kestrel in one write.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="status">The status code.</param>
    /// <param name="write">Writes the body with a <see cref="Utf8JsonWriter"/>.</param>
    /// <param name="direct">Optionally writes the same body's bytes directly; when it returns false (having written
    /// nothing), <paramref name="write"/> does.</param>
    /// <param name="tail">Optionally appends binary tensor data after the JSON (the Open Inference Protocol's binary
    /// extension): the answer is then <c>application/octet-stream</c> with the JSON's length in
    /// <c>Inference-Header-Content-Length</c>.</param>
    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, Func<PooledBuffer, bool>? direct = null, Action<PooledBuffer>? tail = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = tail is null ? "application/json" : "application/octet-stream";
        using var buffer = new PooledBuffer();
        if (direct is null || !direct(buffer))
        {
            var writer = _writer ??= new Utf8JsonWriter(buffer, WriterOptions);
            writer.Reset(buffer);
            try
            {
                write(writer);
                writer.Flush();
            }
            finally
            {
                writer.Reset(PooledBuffer.Detached);
            }
        }

        if (tail is not null)
        {
            context.Response.Headers[BinaryTensorData.HeaderName] = buffer.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            tail(buffer);
        }

        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static void Flag(Utf8JsonWriter w, string name, bool value)
    {
        w.WriteStartObject();
        w.WriteBoolean(name, value);
        w.WriteEndObject();
    }

    private static void ServerMetadata(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", "netlearn");
        w.WriteString("version", ModelFiles.ModelFile.LibraryVersion);
        w.WriteStartArray("extensions");
        w.WriteStringValue("model_repository");
        w.WriteStringValue("statistics");
        w.WriteStringValue("binary_tensor_data");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void RepositoryIndex(Utf8JsonWriter w)
    {
        w.WriteStartArray();
        foreach (var status in repository.Index())
        {
            w.WriteStartObject();
            w.WriteString("name", status.Name);
            w.WriteString("version", status.Version);
            w.WriteString("state", status.State switch { ModelState.Ready => "READY", ModelState.Loading => "LOADING", _ => "UNAVAILABLE" });
            w.WriteString("reason", status.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private async Task RepositoryActionAsync(HttpContext context, string name, bool load)
    {
        try
        {
            if (load)
            {
                await repository.LoadAsync(name, context.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                await repository.UnloadAsync(name, context.RequestAborted).ConfigureAwait(false);
            }

            await WriteAsync(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }
        catch (ModelNotFoundException e)
        {
            await WriteErrorAsync(context, 404, e.Message).ConfigureAwait(false);
        }
        catch (NetLearnException e)
        {
            await WriteErrorAsync(context, 400, e.Message).ConfigureAwait(false);
        }
    }

    private async Task V2MetadataAsync(HttpContext context, string name, string? version)
    {
        if (await ResolveAsync(context, name, version).ConfigureAwait(false) is not { } resolved)
        {
            return;
        }

        var entry = repository.Find(name)!;
        var servable = resolved.Servable;
        await WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteStartArray("versions");
            foreach (var v in entry.Ready)
            {
                w.WriteStringValue(v.VersionText);
            }

            w.WriteEndArray();
            w.WriteString("platform", servable.Platform);
            w.WriteStartArray("inputs");
            foreach (var column in servable.InputSchema.Columns)
            {
                Tensor(w, column.Name, Tensors.DatatypeOf(column.Kind), [-1]);
            }

            w.WriteEndArray();
            w.WriteStartArray("outputs");
            foreach (var (outputName, datatype, shape) in Tensors.Outputs(servable))
            {
                Tensor(w, outputName, datatype, shape);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);

        static void Tensor(Utf8JsonWriter w, string name, string datatype, long[] shape)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("datatype", datatype);
            w.WriteStartArray("shape");
            foreach (long d in shape)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    private async Task V2ReadyAsync(HttpContext context, string name, string? version)
    {
        if (repository.Find(name) is null)
        {
            await WriteErrorAsync(context, 404, $"There is no model '{name}' on this server").ConfigureAwait(false);
            return;
        }

        bool ready;
        try
        {
            _ = repository.Resolve(name, version);
            ready = true;
        }
        catch (ModelNotFoundException)
        {
            ready = false;
        }

        await WriteAsync(context, ready ? 200 : 400, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteBoolean("ready", ready);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task TfStatusAsync(HttpContext context, string name, string? version)
    {
        if (repository.Find(name) is null)
        {
            await WriteErrorAsync(context, 404, $"There is no model '{name}' on this server").ConfigureAwait(false);
            return;
        }

        var statuses = repository.Index().Where(s => s.Name == name && (version is null || s.Version == version)).ToList();
        if (statuses.Count == 0)
        {
            await WriteErrorAsync(context, 404, $"Model '{name}' has no version {version}").ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("model_version_status");
            foreach (var status in statuses.OrderByDescending(s => long.Parse(s.Version, System.Globalization.CultureInfo.InvariantCulture)))
            {
                w.WriteStartObject();
                w.WriteString("version", status.Version);
                w.WriteString("state", status.State switch { ModelState.Ready => "AVAILABLE", ModelState.Loading => "LOADING", _ => "END" });
                w.WriteStartObject("status");
                w.WriteString("error_code", status.State == ModelState.Unavailable ? "UNKNOWN" : "OK");
                w.WriteString("error_message", status.Reason);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task TfMetadataAsync(HttpContext context, string name, string? version)
    {
        if (await ResolveAsync(context, name, version).ConfigureAwait(false) is not { } resolved)
        {
            return;
        }

        var servable = resolved.Servable;
        await WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("model_spec");
            w.WriteString("name", name);
            w.WriteString("signature_name", "");
            w.WriteString("version", resolved.VersionText);
            w.WriteEndObject();
            w.WriteStartObject("metadata");
            w.WriteStartObject("signature_def");
            w.WriteStartObject("signature_def");
            w.WriteStartObject("serving_default");
            w.WriteStartObject("inputs");
            foreach (var column in servable.InputSchema.Columns)
            {
                TfTensor(w, column.Name, column.Kind == ColumnKind.Numeric ? "DT_DOUBLE" : column.Kind == ColumnKind.Boolean ? "DT_BOOL" : "DT_STRING", [-1]);
            }

            w.WriteEndObject();
            w.WriteStartObject("outputs");
            foreach (var (outputName, datatype, shape) in Tensors.Outputs(servable))
            {
                TfTensor(w, outputName, datatype switch { "FP64" => "DT_DOUBLE", "BOOL" => "DT_BOOL", _ => "DT_STRING" }, shape);
            }

            w.WriteEndObject();
            w.WriteString("method_name", "tensorflow/serving/predict");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            if (servable.Classes is { } classes)
            {
                // Not part of TensorFlow Serving's answer: the class order of the probabilities output.
                w.WriteStartArray("classes");
                for (int k = 0; k < classes.Length; k++)
                {
                    JsonOutputs.WriteValue(w, classes, k);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }).ConfigureAwait(false);

        static void TfTensor(Utf8JsonWriter w, string name, string dtype, long[] shape)
        {
            w.WriteStartObject(name);
            w.WriteString("dtype", dtype);
            w.WriteStartObject("tensor_shape");
            w.WriteStartArray("dim");
            foreach (long d in shape)
            {
                w.WriteStartObject();
                w.WriteString("size", d.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("name", "");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("unknown_rank", false);
            w.WriteEndObject();
            w.WriteString("name", name);
            w.WriteEndObject();
        }
    }

    private async Task ManifestAsync(HttpContext context, string name, string? version)
    {
        if (await ResolveAsync(context, name, version).ConfigureAwait(false) is not { } resolved)
        {
            return;
        }

        await WriteAsync(context, 200, w => resolved.Servable.Manifest.WriteTo(w)).ConfigureAwait(false);
    }

    private async Task<ModelVersion?> ResolveAsync(HttpContext context, string name, string? version)
    {
        try
        {
            return repository.Resolve(name, version);
        }
        catch (ModelNotFoundException e)
        {
            await WriteErrorAsync(context, 404, e.Message).ConfigureAwait(false);
            return null;
        }
    }

    private Task V2InferAsync(HttpContext context, string name, string? version)
    {
        // The binary tensor data extension: the JSON header's length, with tensor bytes after it.
        string? headerLength = context.Request.Headers[BinaryTensorData.HeaderName];
        return InferAsync(context, name, version, "v2", (bytes, servable) =>
        {
            ReadOnlyMemory<byte>? binary = null;
            if (headerLength is not null)
            {
                (bytes, var rest) = BinaryTensorData.Split(bytes, headerLength);
                binary = rest;
            }

            using var document = JsonDocument.Parse(bytes, ReaderOptions);
            var body = document.RootElement;
            if (body.ValueKind != JsonValueKind.Object)
            {
                throw new DataValidationException("The body must be an inference request object {\"inputs\": [...]}");
            }

            if (!body.TryGetProperty("inputs", out var inputs))
            {
                throw new DataValidationException("The inference request has no \"inputs\"; send {\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]}");
            }

            string? id = null;
            if (body.TryGetProperty("id", out var idJson))
            {
                id = idJson.ValueKind == JsonValueKind.String ? idJson.GetString() : throw new DataValidationException("\"id\" must be a string");
            }

            if (body.TryGetProperty("parameters", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                throw new DataValidationException("\"parameters\" must be an object");
            }

            var outputs = Tensors.Requested(servable, JsonInputs.RequestedOutputs(body));
            var binaryOutputs = BinaryTensorData.Requested(body);
            var batch = Tensors.ToBatch(JsonInputs.V2Tensors(inputs, binary), servable.InputSchema);
            return new Decoded(batch, (w, v, p) => JsonOutputs.WriteV2(w, v, p, id, outputs, binaryOutputs), Tensors.ToOutputs(outputs))
            {
                Tail = binaryOutputs.Any ? (b, v, p) => BinaryTensorData.Append(b, p, v.Servable.Classes, binaryOutputs with { Probabilities = binaryOutputs.Probabilities && outputs.Probabilities, Predictions = binaryOutputs.Predictions && outputs.Predictions }) : null,
            };
        });
    }

    private Task PredictAsync(HttpContext context, string name, string? version) =>
        InferAsync(context, name, version, "v1", (bytes, servable) =>
        {
            if (FastRows.TryRead(bytes.Span, servable.InputSchema, out var fast))
            {
                return new Decoded(fast!, RowsWriter);
            }

            using var document = JsonDocument.Parse(bytes, ReaderOptions);
            var body = document.RootElement;
            if (body.ValueKind == JsonValueKind.Object)
            {
                if (body.TryGetProperty("rows", out var rows))
                {
                    return new Decoded(JsonInputs.Rows(rows, servable.InputSchema, "rows"), RowsWriter);
                }

                if (body.TryGetProperty("instances", out var instances))
                {
                    return new Decoded(JsonInputs.Rows(instances, servable.InputSchema, "instances"), (w, _, p) => JsonOutputs.WriteTfInstances(w, p));
                }

                if (body.TryGetProperty("inputs", out var inputs))
                {
                    return new Decoded(JsonInputs.Columnar(inputs, servable.InputSchema), (w, _, p) => JsonOutputs.WriteTfColumnar(w, p));
                }
            }

            throw new DataValidationException("The body must be {\"rows\": [{\"column\": value, ...}, ...]} (named columns), or TensorFlow Serving's {\"instances\": [...]} or {\"inputs\": {...}}");
        });

    private async Task InferAsync(HttpContext context, string name, string? version, string protocol, Func<ReadOnlyMemory<byte>, Servable, Decoded> decode)
    {
        long started = Stopwatch.GetTimestamp();
        using var span = ServerMetrics.Tracing.StartActivity("netlearn.infer");
        span?.SetTag("netlearn.model", name);
        span?.SetTag("netlearn.protocol", protocol);
        span?.SetTag("netlearn.request_id", context.TraceIdentifier);
        string? versionLabel = null;
        int status = 200;
        try
        {
            ModelVersion resolved;
            try
            {
                resolved = repository.Resolve(name, version);
            }
            catch (ModelNotFoundException e)
            {
                status = 404;
                await WriteErrorAsync(context, status, e.Message).ConfigureAwait(false);
                return;
            }

            versionLabel = resolved.VersionText;
            span?.SetTag("netlearn.model_version", versionLabel);
            RequestBody body;
            try
            {
                body = await RequestBody.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                status = e.StatusCode;
                await WriteErrorAsync(context, status, status == 413
                    ? $"The request body is larger than this server accepts ({context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes); send fewer rows per request"
                    : $"The request could not be read: {e.Message}").ConfigureAwait(false);
                return;
            }

            Prediction prediction;
            Decoded decoded;
            using (body)
            {
                try
                {
                    decoded = decode(body.Memory, resolved.Servable);
                    span?.SetTag("netlearn.rows", decoded.Batch.Rows);
                    prediction = await resolved.PredictAsync(decoded.Batch, decoded.Outputs).ConfigureAwait(false);
                }
                catch (JsonException e)
                {
                    status = 400;
                    await WriteErrorAsync(context, status, $"The request body is not valid JSON: {e.Message}").ConfigureAwait(false);
                    return;
                }
                catch (NetLearnException e)
                {
                    status = 400;
                    await WriteErrorAsync(context, status, e.Message).ConfigureAwait(false);
                    return;
                }
            }

            var write = decoded.Write;
            var tail = decoded.Tail;
            await WriteAsync(
                context,
                200,
                w => write(w, resolved, prediction),
                write == RowsWriter ? b => RowsResponse.TryWrite(b, resolved, prediction) : null,
                tail is null ? null : b => tail(b, resolved, prediction)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499;
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = 500;
            log.LogError(e, "Inference on model '{Model}' failed unexpectedly (request {RequestId})", name, context.TraceIdentifier);
            await WriteErrorAsync(context, status, $"Internal error while predicting with model '{name}' (request {context.TraceIdentifier}); see the server log").ConfigureAwait(false);
        }
        finally
        {
            span?.SetTag("http.response.status_code", status);
            if (versionLabel is not null)
            {
                // Only served models get series: unknown names must not grow the metrics without bound.
                metrics.Request(name, versionLabel, protocol, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
    }
}

/// <summary>A decoded request: its rows, how to write the answer, and what to compute.</summary>
/// <param name="Batch">The rows.</param>
/// <param name="Write">Writes the JSON answer.</param>
/// <param name="Outputs">The outputs the request asks for.</param>
internal sealed record Decoded(InputBatch Batch, Action<Utf8JsonWriter, ModelVersion, Prediction> Write, PredictionOutputs Outputs = PredictionOutputs.All)
{
    /// <summary>Appends binary tensor data after the JSON answer, or null for a JSON-only answer.</summary>
    public Action<System.Buffers.IBufferWriter<byte>, ModelVersion, Prediction>? Tail { get; init; }
}
