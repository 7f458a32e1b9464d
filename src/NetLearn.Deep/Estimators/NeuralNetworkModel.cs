using System.Text.Json;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Deep.Layers;
using NetLearn.Deep.Runtime;
using NetLearn.Deep.Training;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace NetLearn.Deep.Estimators;

/// <summary>A fitted model that is a trained network: its architecture and training history (the CLI prints the history).</summary>
public interface ITrainedNetwork : IModel
{
    /// <summary>The architecture.</summary>
    NetworkSpec Spec { get; }

    /// <summary>Loss and metrics of every training epoch.</summary>
    TrainingHistory History { get; }
}

/// <summary>
/// A fitted network on NetLearn's contract: the architecture (<see cref="Spec"/>), the weights, the input
/// standardisation and the training history. Saved in model files as the spec (JSON) plus every weight and buffer
/// (bit-exact), so a file loads without the code that built the network.
/// </summary>
/// <typeparam name="TOptions">The estimator's options.</typeparam>
public abstract class NeuralNetworkModel<TOptions> : FittedModel<TOptions>, ITrainedNetwork
    where TOptions : DeepOptions
{
    private readonly Lock _gate = new();
    private readonly double[] _mean;
    private readonly double[] _scale;

    /// <summary>Wraps a trained network.</summary>
    protected NeuralNetworkModel(string kind, TOptions options, Schema inputSchema, Network network, double[] mean, double[] scale, TrainingHistory history)
        : base(options, inputSchema)
    {
        ArgumentNullException.ThrowIfNull(network);
        Kind = kind;
        Network = network;
        Spec = network.Spec ?? throw new ArgumentException("The network must be built from layer specs to be saved.", nameof(network));
        _mean = mean;
        _scale = scale;
        History = history;
        Network.to(DeepRuntime.Device); // a loaded network starts on the CPU; predictions run where training would
        Network.eval();
    }

    /// <inheritdoc />
    public override string Kind { get; }

    /// <summary>The architecture.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The trained network (a TorchSharp module, in evaluation mode).</summary>
    public Network Network { get; }

    /// <summary>Per-input-column offsets subtracted before the network (standardisation).</summary>
    public IReadOnlyList<double> InputMean => _mean;

    /// <summary>Per-input-column divisors applied before the network.</summary>
    public IReadOnlyList<double> InputScale => _scale;

    /// <summary>Loss and metrics of every training epoch.</summary>
    public TrainingHistory History { get; }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("network", Spec.ToJson().ToJsonString(HyperParameters.JsonOptions));
        writer.Write("input_mean", _mean);
        writer.Write("input_scale", _scale);
        writer.Write("history", History.ToJson().ToJsonString());
        writer.Write("stopped_early", History.StoppedEarly);
        var weights = writer.Child("weights");
        var state = Network.state_dict();
        writer.Write("weight_names", state.Keys);
        foreach (var (name, tensor) in state)
        {
            var entry = weights.Child(name);
            entry.Write("shape", [.. tensor.shape.Select(d => (int)d)]);
            entry.Write("dtype", tensor.dtype.ToString());
            using var cpu = tensor.detach().cpu().to_type(ScalarType.Float64);
            entry.Write("values", cpu.data<double>().ToArray());
        }

        SaveExtra(writer);
    }

    /// <summary>Writes state of the derived model (classes, target scaling).</summary>
    protected abstract void SaveExtra(ModelWriter writer);

    /// <summary>Reads what <see cref="Save"/> wrote: the network (rebuilt from its spec and filled with the weights), scaling and history.</summary>
    protected static (Network Network, double[] Mean, double[] Scale, TrainingHistory History) LoadNetwork(ModelReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        NetworkSpec spec;
        try
        {
            spec = NetworkSpec.FromJson((JsonObject)JsonNode.Parse(reader.ReadString("network"))!);
        }
        catch (Exception e) when (e is JsonException or InvalidCastException or NotSupportedException)
        {
            throw reader.Corrupt($"the network architecture cannot be read ({e.Message})");
        }

        Network network;
        try
        {
            network = spec.Build();
        }
        catch (NetworkShapeException e)
        {
            throw reader.Corrupt($"the network architecture is inconsistent ({e.Message})");
        }

        var weights = reader.Child("weights");
        var state = network.state_dict();
        string?[] names = reader.ReadStrings("weight_names");
        if (names.Length != state.Count || names.Any(n => n is null || !state.ContainsKey(n)))
        {
            throw reader.Corrupt("the stored weights do not match the network architecture");
        }

        using (no_grad())
        {
            foreach (var (name, tensor) in state)
            {
                var entry = weights.Child(name);
                int[] shape = entry.ReadInt32s("shape");
                double[] values = entry.ReadDoubles("values");
                if (!shape.Select(d => (long)d).SequenceEqual(tensor.shape) || values.Length != tensor.numel())
                {
                    throw reader.Corrupt($"weight '{name}' has the wrong shape");
                }

                using var source = torch.tensor(values, tensor.shape).to_type(tensor.dtype);
                tensor.copy_(source);
            }
        }

        var history = TrainingHistory.FromJson((JsonArray)JsonNode.Parse(reader.ReadString("history"))!, reader.ReadBoolean("stopped_early"));
        return (network, reader.ReadDoubles("input_mean"), reader.ReadDoubles("input_scale"), history);
    }

    /// <summary>The network's raw outputs for <paramref name="features"/> (columns matched by name), on the CPU.</summary>
    /// <exception cref="DataValidationException">A column is missing or a value is missing or invalid.</exception>
    protected Tensor Forward(Table features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var matrix = TableTensors.ToMatrix(Options, features.ConformTo(InputSchema));
        if (matrix.Rows == 0)
        {
            throw new DataValidationException("There are no rows to predict: give at least one row");
        }

        CheckInputs(matrix);
        using var inputs = TableTensors.Inputs(matrix, _mean, _scale);
        lock (_gate)
        {
            return Trainer.Predict(Network, inputs);
        }
    }

    /// <summary>Validates raw input values (token ids, say) before they reach the network.</summary>
    protected virtual void CheckInputs(Matrix inputs)
    {
    }

    /// <summary>Softmax probabilities as a matrix.</summary>
    protected static Matrix ToProbabilities(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var probabilities = nn.functional.softmax(logits, 1).to_type(ScalarType.Float64);
        return new Matrix((int)logits.shape[0], (int)logits.shape[1], probabilities.data<double>().ToArray());
    }
}

/// <summary>A fitted network classifier (<see cref="MLPClassifier"/>, <see cref="ConvNetClassifier"/>, <see cref="RecurrentClassifier"/>).</summary>
/// <typeparam name="TOptions">The estimator's options.</typeparam>
public sealed class NeuralNetworkClassifierModel<TOptions> : NeuralNetworkModel<TOptions>, IClassifier
    where TOptions : DeepOptions
{
    internal NeuralNetworkClassifierModel(string kind, TOptions options, Schema inputSchema, Network network, double[] mean, double[] scale, TrainingHistory history, Column classes)
        : base(kind, options, inputSchema, network, mean, scale, history)
    {
        Classes = classes;
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        using var logits = Forward(features);
        using var best = logits.argmax(1);
        int[] indices = [.. best.data<long>().ToArray().Select(i => (int)i)];
        return ClassLabels.FromClasses(Classes).Decode(indices, Classes.Name);
    }

    /// <inheritdoc />
    public Matrix PredictProba(Table features)
    {
        using var logits = Forward(features);
        return ToProbabilities(logits);
    }

    /// <inheritdoc />
    protected override void CheckInputs(Matrix inputs) => TableTensors.Check(Options, inputs, InputSchema);

    /// <inheritdoc />
    protected override void SaveExtra(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
    }

    /// <summary>Reads a model written by <see cref="NeuralNetworkModel{TOptions}.Save"/>.</summary>
    public static NeuralNetworkClassifierModel<TOptions> Load(ModelReader reader, string kind)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var options = reader.ReadOptions<TOptions>();
        var schema = reader.ReadSchema("input_schema");
        var (network, mean, scale, history) = LoadNetwork(reader);
        return new NeuralNetworkClassifierModel<TOptions>(kind, options, schema, network, mean, scale, history, reader.ReadColumn("classes"));
    }
}

/// <summary>A fitted network regressor (<see cref="MLPRegressor"/>, <see cref="RecurrentRegressor"/>).</summary>
/// <typeparam name="TOptions">The estimator's options.</typeparam>
public sealed class NeuralNetworkRegressorModel<TOptions> : NeuralNetworkModel<TOptions>, IPredictor
    where TOptions : DeepOptions
{
    internal NeuralNetworkRegressorModel(string kind, TOptions options, Schema inputSchema, Network network, double[] mean, double[] scale, TrainingHistory history, double targetMean, double targetScale, string targetName)
        : base(kind, options, inputSchema, network, mean, scale, history)
    {
        TargetMean = targetMean;
        TargetScale = targetScale;
        TargetName = targetName;
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The target's training mean (the network predicts standardised targets).</summary>
    public double TargetMean { get; }

    /// <summary>The target's training standard deviation.</summary>
    public double TargetScale { get; }

    /// <summary>The target column's name.</summary>
    public string TargetName { get; }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        using var outputs = Forward(features);
        using var flat = outputs.reshape(-1).to_type(ScalarType.Float64);
        double[] values = flat.data<double>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (values[i] * TargetScale) + TargetMean;
        }

        return new NumericColumn(TargetName, values);
    }

    /// <inheritdoc />
    protected override void CheckInputs(Matrix inputs) => TableTensors.Check(Options, inputs, InputSchema);

    /// <inheritdoc />
    protected override void SaveExtra(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target_mean", TargetMean);
        writer.Write("target_scale", TargetScale);
        writer.Write("target_name", TargetName);
    }

    /// <summary>Reads a model written by <see cref="NeuralNetworkModel{TOptions}.Save"/>.</summary>
    public static NeuralNetworkRegressorModel<TOptions> Load(ModelReader reader, string kind)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var options = reader.ReadOptions<TOptions>();
        var schema = reader.ReadSchema("input_schema");
        var (network, mean, scale, history) = LoadNetwork(reader);
        return new NeuralNetworkRegressorModel<TOptions>(kind, options, schema, network, mean, scale, history, reader.ReadDouble("target_mean"), reader.ReadDouble("target_scale"), reader.ReadString("target_name"));
    }
}
