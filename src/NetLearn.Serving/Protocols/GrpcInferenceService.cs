using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using NetLearn.Data;
using NetLearn.Serving.Grpc;

namespace NetLearn.Serving.Protocols;

/// <summary>
/// The Open Inference Protocol's gRPC service (<c>inference.GRPCInferenceService</c> from the public
/// <c>grpc_predict_v2.proto</c>). Tensors map to model columns as in <see cref="Tensors"/>; inputs may come as typed
/// <c>contents</c> or as <c>raw_input_contents</c> (little-endian, BYTES elements with a 4-byte length prefix).
/// Bad requests get <c>INVALID_ARGUMENT</c>, unknown models <c>NOT_FOUND</c>, missing credentials <c>UNAUTHENTICATED</c>,
/// missing permissions <c>PERMISSION_DENIED</c>, rate limits <c>RESOURCE_EXHAUSTED</c>.
/// </summary>
internal sealed class GrpcInferenceService(ServerState state, ILogger<GrpcInferenceService> log) : GRPCInferenceService.GRPCInferenceServiceBase
{
    private ModelRepository Repository => state.Repository;

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override async Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context)
    {
        await AuthorizeAsync(context, ServerAction.Health, "*").ConfigureAwait(false);
        return new ServerReadyResponse { Ready = Repository.IsReady };
    }

    public override async Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        await AuthorizeAsync(context, ServerAction.Health, request.Name).ConfigureAwait(false);
        if (Repository.Find(request.Name) is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"There is no model '{request.Name}' on this server"));
        }

        try
        {
            _ = Repository.Resolve(request.Name, request.Version);
            return new ModelReadyResponse { Ready = true };
        }
        catch (ModelNotFoundException)
        {
            return new ModelReadyResponse { Ready = false };
        }
    }

    public override async Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        await AuthorizeAsync(context, ServerAction.Metadata, "*").ConfigureAwait(false);
        return new ServerMetadataResponse { Name = "netlearn", Version = ModelFiles.ModelFile.LibraryVersion, Extensions = { "model_repository", "statistics" } };
    }

    public override async Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        await AuthorizeAsync(context, ServerAction.Metadata, request.Name).ConfigureAwait(false);
        var version = Resolve(request.Name, request.Version);
        var servable = version.Servable;
        var response = new ModelMetadataResponse { Name = request.Name, Platform = servable.Platform };
        response.Versions.AddRange(Repository.Find(request.Name)!.Ready.Select(v => v.VersionText));
        foreach (var column in servable.InputSchema.Columns)
        {
            response.Inputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = column.Name, Datatype = Tensors.DatatypeOf(column.Kind), Shape = { -1 } });
        }

        foreach (var (name, datatype, shape) in Tensors.Outputs(servable))
        {
            response.Outputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = name, Datatype = datatype, Shape = { shape } });
        }

        return response;
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        await AuthorizeAsync(context, ServerAction.Infer, request.ModelName).ConfigureAwait(false);
        long started = Stopwatch.GetTimestamp();
        using var span = ServerMetrics.Tracing.StartActivity("netlearn.infer");
        span?.SetTag("netlearn.model", request.ModelName);
        span?.SetTag("netlearn.protocol", "grpc");
        var version = Resolve(request.ModelName, request.ModelVersion);
        int status = 200;
        try
        {
            var servable = version.Servable;
            var outputs = Tensors.Requested(servable, [.. request.Outputs.Select(o => o.Name)]);
            var batch = Tensors.ToBatch(Decode(request), servable.InputSchema);
            var prediction = await version.PredictAsync(batch, Tensors.ToOutputs(outputs)).ConfigureAwait(false);
            return Encode(version, prediction, request.Id, outputs);
        }
        catch (NetLearnException e)
        {
            status = 400;
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            status = 500;
            log.LogError(e, "gRPC inference on model '{Model}' failed unexpectedly", request.ModelName);
            throw new RpcException(new Status(StatusCode.Internal, "Internal error while predicting; see the server log"));
        }
        finally
        {
            state.Metrics.Request(version.Name, version.VersionText, "grpc", status, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private ModelVersion Resolve(string name, string version)
    {
        try
        {
            return Repository.Resolve(name, string.IsNullOrEmpty(version) ? null : version);
        }
        catch (ModelNotFoundException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, e.Message));
        }
    }

    private async Task AuthorizeAsync(ServerCallContext context, ServerAction action, string model)
    {
        var security = state.Security;
        if (!security.Enabled)
        {
            return;
        }

        var http = context.GetHttpContext();
        var result = await http.AuthenticateAsync(ServerSecurity.Scheme).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, result.Failure is null
                ? "Authentication required: send an API key (x-api-key metadata) or a JWT (authorization: Bearer)"
                : $"Authentication failed: {result.Failure.Message}"));
        }

        string caller = result.Principal!.FindFirst("sub")?.Value ?? "anonymous";
        if (!security.TryAcquire(caller, out _))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Rate limit exceeded for '{caller}'; retry later"));
        }

        if (!ServerSecurity.Allows(result.Principal!, action, string.IsNullOrEmpty(model) ? "*" : model))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"'{caller}' may not {action.ToString().ToLowerInvariant()} on {(model == "*" ? "this server" : $"model '{model}'")}"));
        }
    }

    private static List<TensorInput> Decode(ModelInferRequest request)
    {
        bool raw = request.RawInputContents.Count > 0;
        if (raw && request.RawInputContents.Count != request.Inputs.Count)
        {
            throw new DataValidationException($"raw_input_contents has {request.RawInputContents.Count} entries but there are {request.Inputs.Count} inputs; give one per input, in order");
        }

        var result = new List<TensorInput>(request.Inputs.Count);
        for (int i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            if (string.IsNullOrEmpty(input.Name) || string.IsNullOrEmpty(input.Datatype))
            {
                throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"inputs[{i}] needs a name and a datatype"));
            }

            if (!Tensors.Datatypes.Contains(input.Datatype))
            {
                Tensors.CheckShape(input.Name, input.Datatype, [.. input.Shape], 0);
            }

            if (raw && input.Contents is not null && HasContents(input.Contents))
            {
                throw new DataValidationException($"Input '{input.Name}' has contents although raw_input_contents is used; use one or the other");
            }

            var tensor = raw ? Tensors.DecodeBinary(input.Name, input.Datatype, [.. input.Shape], request.RawInputContents[i].Span) : DecodeContents(input);
            Tensors.CheckShape(input.Name, input.Datatype, [.. input.Shape], tensor.Count);
            result.Add(tensor);
        }

        return result;
    }

    private static bool HasContents(InferTensorContents c) =>
        c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count + c.Uint64Contents.Count + c.Fp32Contents.Count + c.Fp64Contents.Count + c.BytesContents.Count > 0;

    private static TensorInput DecodeContents(ModelInferRequest.Types.InferInputTensor input)
    {
        var c = input.Contents ?? new InferTensorContents();
        string name = input.Name, type = input.Datatype;
        long[] shape = [.. input.Shape];
        TensorInput Numbers(IEnumerable<double> values, int count)
        {
            if (HasContents(c) && count == 0)
            {
                throw new DataValidationException($"Input '{name}' has datatype {type} but its contents are in another field");
            }

            return new TensorInput(name, type, shape, [.. values], null, null);
        }

        return type switch
        {
            "BOOL" => c.BoolContents.Count == 0 && HasContents(c)
                ? throw new DataValidationException($"Input '{name}' has datatype BOOL but its contents are not in bool_contents")
                : new TensorInput(name, type, shape, null, null, [.. c.BoolContents]),
            "INT8" or "INT16" or "INT32" => Numbers(c.IntContents.Select((v, k) => Tensors.CheckInteger(name, type, v, k)), c.IntContents.Count),
            "INT64" => Numbers(c.Int64Contents.Select(v => (double)v), c.Int64Contents.Count),
            "UINT8" or "UINT16" or "UINT32" => Numbers(c.UintContents.Select((v, k) => Tensors.CheckInteger(name, type, v, k)), c.UintContents.Count),
            "UINT64" => Numbers(c.Uint64Contents.Select(v => (double)v), c.Uint64Contents.Count),
            "FP32" => Numbers(c.Fp32Contents.Select((v, k) => Tensors.Finite(name, v, k)), c.Fp32Contents.Count),
            "FP64" => Numbers(c.Fp64Contents.Select((v, k) => Tensors.Finite(name, v, k)), c.Fp64Contents.Count),
            "BYTES" => c.BytesContents.Count == 0 && HasContents(c)
                ? throw new DataValidationException($"Input '{name}' has datatype BYTES but its contents are not in bytes_contents")
                : new TensorInput(name, type, shape, null, [.. c.BytesContents.Select(b => Tensors.Utf8(name, b.Span))], null),
            "FP16" => throw new DataValidationException($"Input '{name}': FP16 must be sent in raw_input_contents"),
            _ => throw new DataValidationException($"Input '{name}' has an unknown datatype"),
        };
    }

    private static ModelInferResponse Encode(ModelVersion version, Prediction prediction, string id, (bool Predictions, bool Probabilities) outputs)
    {
        var response = new ModelInferResponse { ModelName = version.Name, ModelVersion = version.VersionText, Id = id ?? "" };
        if (outputs.Predictions)
        {
            var values = prediction.Values;
            string datatype = Tensors.DatatypeOf(values.Kind);
            var contents = new InferTensorContents();
            for (int r = 0; r < prediction.Rows; r++)
            {
                int row = prediction.Start + r;
                switch (values)
                {
                    case NumericColumn numbers:
                        contents.Fp64Contents.Add(numbers[row]);
                        break;
                    case BooleanColumn flags:
                        contents.BoolContents.Add(flags[row] ?? false);
                        break;
                    default:
                        contents.BytesContents.Add(ByteString.CopyFromUtf8(values.FormatValue(row) ?? ""));
                        break;
                }
            }

            response.Outputs.Add(new ModelInferResponse.Types.InferOutputTensor { Name = Tensors.PredictionsOutput, Datatype = datatype, Shape = { prediction.Rows }, Contents = contents });
        }

        if (outputs.Probabilities && prediction.Probabilities is { } probabilities)
        {
            var contents = new InferTensorContents();
            for (int r = 0; r < prediction.Rows; r++)
            {
                foreach (double p in probabilities.Row(prediction.Start + r))
                {
                    contents.Fp64Contents.Add(p);
                }
            }

            response.Outputs.Add(new ModelInferResponse.Types.InferOutputTensor { Name = Tensors.ProbabilitiesOutput, Datatype = "FP64", Shape = { prediction.Rows, probabilities.Columns }, Contents = contents });
        }

        return response;
    }
}
