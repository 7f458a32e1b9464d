using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetLearn.Data;
using NetLearn.LinearAlgebra;

namespace NetLearn.Serving;

/// <summary>
/// An ONNX model (<c>model.onnx</c>) run by ONNX Runtime, seen as a tabular model. Inputs: one float/double/int64 tensor
/// of shape <c>[N, F]</c> (columns named from the <c>feature_names</c> metadata entry, else <c>INPUT_0</c>…), or one
/// tensor of shape <c>[N]</c>/<c>[N, 1]</c> per column (named after the tensors). Outputs: a <c>[N, K]</c> output whose name
/// contains "prob" (or the only output, when K &gt; 1) makes a classifier (classes from the <c>classes</c> metadata entry,
/// else 0…K−1; the label is a label output if the model has one, else the most probable class); a <c>[N]</c> or
/// <c>[N, 1]</c> output makes a regressor. <see cref="InferenceSession.Run(IReadOnlyCollection{NamedOnnxValue})"/> is
/// thread-safe, so no lock is taken.
/// </summary>
public sealed class OnnxServable : Servable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly Type[] _inputTypes;
    private readonly bool _matrixInput;
    private readonly string? _probabilityOutput;
    private readonly string? _valueOutput;
    private readonly Column? _classes;
    private readonly JsonObject _manifest;

    private OnnxServable(InferenceSession session, string path)
    {
        _session = session;
        var inputs = session.InputMetadata.ToList();
        if (inputs.Count == 0)
        {
            throw new ModelFileException(path, "the ONNX model has no inputs");
        }

        foreach (var (name, meta) in inputs)
        {
            if (!meta.IsTensor || (meta.ElementType != typeof(float) && meta.ElementType != typeof(double) && meta.ElementType != typeof(long) && meta.ElementType != typeof(int)))
            {
                throw new ModelFileException(path, $"ONNX input '{name}' is not a float, double or integer tensor; only numeric tabular inputs can be served");
            }
        }

        var custom = session.ModelMetadata.CustomMetadataMap;
        _inputNames = [.. inputs.Select(i => i.Key)];
        _inputTypes = [.. inputs.Select(i => i.Value.ElementType)];
        int[] firstDims = inputs[0].Value.Dimensions;
        if (inputs.Count == 1 && firstDims.Length == 2 && firstDims[1] > 1)
        {
            _matrixInput = true;
            int features = firstDims[1];
            string[] names = custom.TryGetValue("feature_names", out string? listed) && listed.Split(',') is { } split && split.Length == features
                ? [.. split.Select(s => s.Trim())]
                : [.. Enumerable.Range(0, features).Select(i => string.Create(CultureInfo.InvariantCulture, $"{_inputNames[0]}_{i}"))];
            InputSchema = new Schema(names.Select(n => new ColumnInfo(n, ColumnKind.Numeric)));
        }
        else if (inputs.All(i => i.Value.Dimensions.Length == 1 || (i.Value.Dimensions.Length == 2 && i.Value.Dimensions[1] == 1)))
        {
            InputSchema = new Schema(_inputNames.Select(n => new ColumnInfo(n, ColumnKind.Numeric)));
        }
        else
        {
            throw new ModelFileException(path, $"the ONNX inputs have shapes this server cannot map to columns ({string.Join(", ", inputs.Select(i => $"{i.Key} [{string.Join(", ", i.Value.Dimensions)}]"))}); use one [N, F] tensor or one [N, 1] tensor per column");
        }

        var outputs = session.OutputMetadata.Where(o => o.Value.IsTensor).ToList();
        var probability = outputs.FirstOrDefault(o => o.Key.Contains("prob", StringComparison.OrdinalIgnoreCase) && o.Value.Dimensions is [_, > 1]);
        if (probability.Key is null && outputs.Count == 1 && outputs[0].Value.Dimensions is [_, > 1])
        {
            probability = outputs[0];
        }

        if (probability.Key is not null)
        {
            _probabilityOutput = probability.Key;
            int k = probability.Value.Dimensions[1];
            _classes = custom.TryGetValue("classes", out string? classes) && classes.Split(',') is { } labels && labels.Length == k
                ? CategoricalColumn.FromValues("label", [.. labels.Select(l => (string?)l.Trim())])
                : new NumericColumn("label", [.. Enumerable.Range(0, k).Select(i => (double)i)]);
            _valueOutput = outputs.FirstOrDefault(o => o.Key != probability.Key && o.Value.Dimensions.Length is 1 or 2 && (o.Value.Dimensions.Length == 1 || o.Value.Dimensions[1] == 1)).Key;
        }
        else if (outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 1 || (o.Value.Dimensions.Length == 2 && o.Value.Dimensions[1] == 1)).Key is { } value)
        {
            _valueOutput = value;
        }
        else
        {
            throw new ModelFileException(path, "the ONNX model has no [N] / [N, 1] prediction output and no [N, K] probability output (for scikit-learn models converted with skl2onnx, use zipmap=False)");
        }

        PredictionKind = _classes?.Kind ?? ColumnKind.Numeric;
        _manifest = new JsonObject
        {
            ["format"] = "onnx",
            ["task"] = _classes is null ? "regression" : "classification",
            ["producer"] = session.ModelMetadata.ProducerName,
            ["graph"] = session.ModelMetadata.GraphName,
            ["inputs"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonObject { ["name"] = i.Key, ["type"] = i.Value.ElementType.Name, ["shape"] = new JsonArray([.. i.Value.Dimensions.Select(d => (JsonNode)d)]) })]),
            ["outputs"] = new JsonArray([.. outputs.Select(o => (JsonNode)new JsonObject { ["name"] = o.Key, ["type"] = o.Value.ElementType.Name, ["shape"] = new JsonArray([.. o.Value.Dimensions.Select(d => (JsonNode)d)]) })]),
            ["input_schema"] = new JsonArray([.. InputSchema.Columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = "numeric" })]),
        };
    }

    /// <summary>Loads an ONNX model from its bytes.</summary>
    /// <exception cref="ModelFileException">Not an ONNX model, or one this server cannot map to a tabular model.</exception>
    public static OnnxServable Load(string path, byte[] bytes)
    {
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException(path, $"is not a valid ONNX model: {e.Message}", e);
        }

        try
        {
            return new OnnxServable(session, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override Schema InputSchema { get; }

    /// <inheritdoc />
    public override string Platform => "onnxruntime_onnx";

    /// <inheritdoc />
    public override Column? Classes => _classes;

    /// <inheritdoc />
    public override ColumnKind PredictionKind { get; }

    /// <inheritdoc />
    public override JsonObject Manifest => _manifest;

    /// <inheritdoc />
    public override Prediction Predict(InputBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = batch.ToTable();
        int n = table.RowCount;
        var inputs = new List<NamedOnnxValue>(_inputNames.Length);
        if (_matrixInput)
        {
            var flat = new double[n * InputSchema.Count];
            for (int c = 0; c < InputSchema.Count; c++)
            {
                var column = ((NumericColumn)table[c]).Values;
                for (int r = 0; r < n; r++)
                {
                    flat[(r * InputSchema.Count) + c] = column[r];
                }
            }

            inputs.Add(Tensor(_inputNames[0], _inputTypes[0], flat, [n, InputSchema.Count]));
        }
        else
        {
            var metadata = _session.InputMetadata;
            for (int c = 0; c < _inputNames.Length; c++)
            {
                int[] dims = metadata[_inputNames[c]].Dimensions.Length == 1 ? [n] : [n, 1];
                inputs.Add(Tensor(_inputNames[c], _inputTypes[c], ((NumericColumn)table[c]).Values.ToArray(), dims));
            }
        }

        string[] wanted = [.. new[] { _probabilityOutput, _valueOutput }.OfType<string>()];
        using var results = _session.Run(inputs, wanted);
        Matrix? probabilities = null;
        Column? values = null;
        foreach (var result in results)
        {
            double[] data = ToDoubles(result);
            if (result.Name == _probabilityOutput)
            {
                if (data.Length != n * _classes!.Length)
                {
                    throw new ModelFileException("onnx", $"output '{result.Name}' has {data.Length} values for {n} rows and {_classes.Length} classes");
                }

                probabilities = new Matrix(n, _classes.Length, data);
            }
            else if (result.Value is Tensor<string> labels)
            {
                values = CategoricalColumn.FromValues("prediction", [.. labels.Select(l => (string?)l)]);
            }
            else
            {
                values = new NumericColumn("prediction", data);
            }
        }

        if (values is null && probabilities is not null)
        {
            var best = new int[n];
            for (int r = 0; r < n; r++)
            {
                var row = probabilities.Row(r);
                int argmax = 0;
                for (int k = 1; k < row.Length; k++)
                {
                    argmax = row[k] > row[argmax] ? k : argmax;
                }

                best[r] = argmax;
            }

            values = _classes!.Take(best);
        }

        return new Prediction(values!, probabilities);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _session.Dispose();
        }
    }

    private static NamedOnnxValue Tensor(string name, Type type, double[] values, int[] dims)
    {
        if (type == typeof(float))
        {
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values.Select(v => (float)v).ToArray(), dims));
        }

        if (type == typeof(long))
        {
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(values.Select(v => (long)v).ToArray(), dims));
        }

        if (type == typeof(int))
        {
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(values.Select(v => (int)v).ToArray(), dims));
        }

        return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<double>(values, dims));
    }

    private static double[] ToDoubles(DisposableNamedOnnxValue value) => value.Value switch
    {
        Tensor<float> f => [.. f.Select(v => (double)v)],
        Tensor<double> d => [.. d],
        Tensor<long> l => [.. l.Select(v => (double)v)],
        Tensor<int> i => [.. i.Select(v => (double)v)],
        Tensor<string> => [],
        _ => throw new ModelFileException("onnx", $"output '{value.Name}' is not a numeric tensor"),
    };
}
