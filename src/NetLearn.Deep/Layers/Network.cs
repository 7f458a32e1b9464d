using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetLearn.Deep.Runtime;
using NetLearn.Estimators;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetLearn.Deep.Layers;

/// <summary>
/// A network as data: the input shape (without the batch dimension) and the layers. Saved in model files as JSON, so a
/// network rebuilds without the code that defined it.
/// </summary>
public sealed record NetworkSpec
{
    /// <summary>The shape of one sample, without the batch dimension (<c>[784]</c>, <c>[1, 28, 28]</c>, <c>[50, 3]</c>).</summary>
    public required long[] InputShape { get; init; }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; init; } = [];

    /// <summary>Creates the network with freshly initialised weights (seed them with <c>torch.manual_seed</c>).</summary>
    /// <exception cref="NetworkShapeException">A layer does not fit its input.</exception>
    public Network Build()
    {
        DeepRuntime.EnsureInitialized();
        var modules = new List<(string, nn.Module<Tensor, Tensor>, long[])>();
        long[] shape = InputShape;
        foreach (var layer in Layers)
        {
            var module = layer.Create(shape, out shape);
            modules.Add((layer.Describe(), module, shape));
        }

        return new Network(this, InputShape, modules);
    }

    /// <summary>The spec as JSON (snake_case).</summary>
    public JsonObject ToJson() => (JsonObject)JsonSerializer.SerializeToNode(this, HyperParameters.JsonOptions)!;

    /// <summary>Reads a spec written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The JSON is not a network spec.</exception>
    public static NetworkSpec FromJson(JsonObject json) => json.Deserialize<NetworkSpec>(HyperParameters.JsonOptions) ?? throw new JsonException("Empty network spec.");

    /// <inheritdoc />
    public bool Equals(NetworkSpec? other) => other is not null && InputShape.SequenceEqual(other.InputShape) && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(InputShape.Length, Layers.Count);
}

/// <summary>
/// A sequential network: a TorchSharp module (use it anywhere TorchSharp expects one) that knows its input and output
/// shapes and, when it was built from layer specs, its <see cref="Spec"/>.
/// </summary>
public sealed class Network : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;
    private readonly List<(string Name, long[] Shape)> _summary;

    internal Network(NetworkSpec? spec, long[] inputShape, IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module, long[] Shape)> modules)
        : base("network")
    {
        Spec = spec;
        InputShape = inputShape;
        OutputShape = modules.Count > 0 ? modules[^1].Shape : inputShape;
        layers = nn.Sequential([.. modules.Select((m, i) => (i.ToString(CultureInfo.InvariantCulture), (nn.Module<Tensor, Tensor>)m.Module))]);
        _summary = [.. modules.Select(m => (m.Name, m.Shape))];
        UseChannelsLast = modules.Any(m => m.Module is TorchSharp.Modules.Conv2d);
        RegisterComponents();
    }

    /// <summary>The layer specs, or <c>null</c> when the network contains raw TorchSharp modules (it then trains and predicts but cannot be saved in a model file).</summary>
    public NetworkSpec? Spec { get; }

    /// <summary>The shape of one input sample.</summary>
    public long[] InputShape { get; }

    /// <summary>The shape of one output sample.</summary>
    public long[] OutputShape { get; }

    /// <summary>The number of trainable values.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// Whether image batches ([N, C, H, W]) enter the layers in channels-last (NHWC) memory layout; on by default when
    /// the network has a Conv2d layer. libtorch's CPU convolution (oneDNN) then works on the activations in place instead
    /// of reordering them to and from its blocked layout in every layer, and batch norm and max pooling use their
    /// vectorised channels-last kernels (docs/decisions.md 8.14). Shapes, results and saved files are the same either way.
    /// </summary>
    public bool UseChannelsLast { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return layers.forward(UseChannelsLast && input.dim() == 4 ? ToChannelsLast(input) : input);
    }

    /// <summary>
    /// <paramref name="images"/> [N, C, H, W] with channels-last strides (PyTorch's
    /// <c>x.contiguous(memory_format=torch.channels_last)</c>, which TorchSharp does not expose): the data is copied into
    /// NHWC order (no copy when it already is) and viewed with strides [H·W·C, 1, W·C, C]. The explicit strides matter
    /// for one channel, where libtorch would otherwise keep calling the batch NCHW.
    /// </summary>
    public static Tensor ToChannelsLast(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
        {
            throw new ArgumentException($"Channels-last needs a 4-D [N, C, H, W] tensor, got {images.dim()} dimensions", nameof(images));
        }

        long c = images.shape[1], h = images.shape[2], w = images.shape[3];
        var nhwc = images.permute(0, 2, 3, 1).contiguous();
        return nhwc.as_strided(images.shape, [h * w * c, 1, w * c, c], nhwc.storage_offset());
    }

    /// <summary>One line per layer with its output shape, like Keras's <c>summary()</c>.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"input {LayerSpec.ShapeText(InputShape)}\n");
        foreach (var (name, shape) in _summary)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name,-40} -> {LayerSpec.ShapeText(shape)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"parameters: {ParameterCount}");
        return text.ToString();
    }
}

/// <summary>
/// A concise builder for sequential networks. Layers infer their input size from the previous layer:
/// <code>
/// var net = NetworkBuilder.Input(1, 28, 28)
///     .Conv2d(32).Relu().MaxPool()
///     .Conv2d(64).Relu().MaxPool()
///     .Flatten().Dense(128).Relu().Dropout(0.25).Dense(10)
///     .Build();
/// </code>
/// Raw TorchSharp modules can be added with <see cref="Add(string, nn.Module{Tensor, Tensor}, long[])"/>.
/// </summary>
public sealed class NetworkBuilder
{
    private readonly long[] _input;
    private readonly List<object> _items = [];

    private NetworkBuilder(long[] input) => _input = input;

    /// <summary>Starts a network whose samples have <paramref name="shape"/> (without the batch dimension).</summary>
    public static NetworkBuilder Input(params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape.Any(d => d < 1))
        {
            throw new NetworkShapeException($"The input shape {LayerSpec.ShapeText(shape)} must have at least one dimension, all positive");
        }

        return new NetworkBuilder(shape);
    }

    /// <summary>Adds a layer spec.</summary>
    public NetworkBuilder Add(LayerSpec layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _items.Add(layer);
        return this;
    }

    /// <summary>
    /// Adds a raw TorchSharp module (anything TorchSharp offers or you write) whose output has <paramref name="outputShape"/>
    /// per sample. A network with raw modules trains with <see cref="Training.Trainer"/> but has no <see cref="Network.Spec"/>.
    /// </summary>
    public NetworkBuilder Add(string name, nn.Module<Tensor, Tensor> module, params long[] outputShape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(outputShape);
        _items.Add((name, module, outputShape));
        return this;
    }

    /// <summary>Adds a fully connected layer.</summary>
    public NetworkBuilder Dense(int units, bool bias = true) => Add(new DenseLayer(units, bias));

    /// <summary>Adds an activation.</summary>
    public NetworkBuilder Activation(Activation function) => Add(new ActivationLayer(function));

    /// <summary>Adds a ReLU.</summary>
    public NetworkBuilder Relu() => Activation(Layers.Activation.Relu);

    /// <summary>Adds a tanh.</summary>
    public NetworkBuilder Tanh() => Activation(Layers.Activation.Tanh);

    /// <summary>Adds a GELU.</summary>
    public NetworkBuilder Gelu() => Activation(Layers.Activation.Gelu);

    /// <summary>Adds dropout.</summary>
    public NetworkBuilder Dropout(double rate) => Add(new DropoutLayer(rate));

    /// <summary>Adds batch normalisation.</summary>
    public NetworkBuilder BatchNorm() => Add(new BatchNormLayer());

    /// <summary>Adds layer normalisation.</summary>
    public NetworkBuilder LayerNorm() => Add(new LayerNormLayer());

    /// <summary>Adds a 1-D convolution ("same" padding by default).</summary>
    public NetworkBuilder Conv1d(int filters, int kernelSize = 3, int stride = 1, int padding = -1) => Add(new Conv1dLayer(filters, kernelSize, stride, padding));

    /// <summary>Adds a 2-D convolution ("same" padding by default).</summary>
    public NetworkBuilder Conv2d(int filters, int kernelSize = 3, int stride = 1, int padding = -1) => Add(new Conv2dLayer(filters, kernelSize, stride, padding));

    /// <summary>Adds max pooling (1-D or 2-D by the input's rank).</summary>
    public NetworkBuilder MaxPool(int size = 2, int stride = 0) => Add(new PoolLayer(PoolKind.Max, size, stride));

    /// <summary>Adds average pooling (1-D or 2-D by the input's rank).</summary>
    public NetworkBuilder AvgPool(int size = 2, int stride = 0) => Add(new PoolLayer(PoolKind.Average, size, stride));

    /// <summary>Adds global average pooling over the spatial axes or the time axis.</summary>
    public NetworkBuilder GlobalAveragePool(PoolAxis axis = PoolAxis.Spatial) => Add(new GlobalPoolLayer(PoolKind.Average, axis));

    /// <summary>Adds global max pooling over the spatial axes or the time axis.</summary>
    public NetworkBuilder GlobalMaxPool(PoolAxis axis = PoolAxis.Spatial) => Add(new GlobalPoolLayer(PoolKind.Max, axis));

    /// <summary>Flattens each sample.</summary>
    public NetworkBuilder Flatten() => Add(new FlattenLayer());

    /// <summary>Reshapes each sample.</summary>
    public NetworkBuilder Reshape(params long[] shape) => Add(new ReshapeLayer(shape));

    /// <summary>Adds a token embedding.</summary>
    public NetworkBuilder Embedding(int vocabularySize, int dimension, bool markPadding = false) => Add(new EmbeddingLayer(vocabularySize, dimension, markPadding));

    /// <summary>Adds an LSTM.</summary>
    public NetworkBuilder Lstm(int hiddenSize, int numLayers = 1, bool bidirectional = false, bool returnSequences = false, double dropout = 0, bool packed = false) =>
        Add(new RecurrentLayer(RecurrentCell.Lstm, hiddenSize, numLayers, bidirectional, dropout, returnSequences, packed));

    /// <summary>Adds a GRU.</summary>
    public NetworkBuilder Gru(int hiddenSize, int numLayers = 1, bool bidirectional = false, bool returnSequences = false, double dropout = 0, bool packed = false) =>
        Add(new RecurrentLayer(RecurrentCell.Gru, hiddenSize, numLayers, bidirectional, dropout, returnSequences, packed));

    /// <summary>Adds a plain (Elman, tanh) RNN.</summary>
    public NetworkBuilder Rnn(int hiddenSize, int numLayers = 1, bool bidirectional = false, bool returnSequences = false, double dropout = 0, bool packed = false) =>
        Add(new RecurrentLayer(RecurrentCell.Rnn, hiddenSize, numLayers, bidirectional, dropout, returnSequences, packed));

    /// <summary>Adds multi-head self-attention.</summary>
    public NetworkBuilder Attention(int heads, double dropout = 0) => Add(new MultiHeadAttentionLayer(heads, dropout));

    /// <summary>Adds a transformer encoder block.</summary>
    public NetworkBuilder TransformerEncoder(int heads, int feedForward = 128, double dropout = 0.1) => Add(new TransformerEncoderLayer(heads, feedForward, dropout));

    /// <summary>The network as data; throws when it contains raw modules.</summary>
    public NetworkSpec Spec => _items.All(i => i is LayerSpec)
        ? new NetworkSpec { InputShape = _input, Layers = [.. _items.Cast<LayerSpec>()] }
        : throw new InvalidOperationException("The network contains raw TorchSharp modules, which cannot be described as data; it can be trained but not saved as a model file.");

    /// <summary>Creates the network.</summary>
    /// <exception cref="NetworkShapeException">A layer does not fit its input.</exception>
    public Network Build()
    {
        if (_items.All(i => i is LayerSpec))
        {
            return Spec.Build();
        }

        DeepRuntime.EnsureInitialized();
        var modules = new List<(string, nn.Module<Tensor, Tensor>, long[])>();
        long[] shape = _input;
        foreach (var item in _items)
        {
            if (item is LayerSpec layer)
            {
                var module = layer.Create(shape, out shape);
                modules.Add((layer.Describe(), module, shape));
            }
            else
            {
                var (name, module, output) = ((string, nn.Module<Tensor, Tensor>, long[]))item;
                shape = output;
                modules.Add((name, module, shape));
            }
        }

        return new Network(null, _input, modules);
    }
}
