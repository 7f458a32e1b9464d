using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetLearn.Deep.Layers;

/// <summary>
/// One layer of a network, as data: what it is and its settings, never its weights. A list of layer specs plus the input
/// shape (a <see cref="NetworkSpec"/>) rebuilds the network, which is how a model file loads without the code that
/// built it. Shapes exclude the batch dimension; each layer infers its input size from the previous layer's output.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "layer")]
[JsonDerivedType(typeof(DenseLayer), "dense")]
[JsonDerivedType(typeof(ActivationLayer), "activation")]
[JsonDerivedType(typeof(DropoutLayer), "dropout")]
[JsonDerivedType(typeof(BatchNormLayer), "batch_norm")]
[JsonDerivedType(typeof(LayerNormLayer), "layer_norm")]
[JsonDerivedType(typeof(Conv1dLayer), "conv1d")]
[JsonDerivedType(typeof(Conv2dLayer), "conv2d")]
[JsonDerivedType(typeof(PoolLayer), "pool")]
[JsonDerivedType(typeof(GlobalPoolLayer), "global_pool")]
[JsonDerivedType(typeof(FlattenLayer), "flatten")]
[JsonDerivedType(typeof(ReshapeLayer), "reshape")]
[JsonDerivedType(typeof(EmbeddingLayer), "embedding")]
[JsonDerivedType(typeof(RecurrentLayer), "recurrent")]
[JsonDerivedType(typeof(MultiHeadAttentionLayer), "multi_head_attention")]
[JsonDerivedType(typeof(TransformerEncoderLayer), "transformer_encoder")]
public abstract record LayerSpec
{
    /// <summary>Creates the module for an input of shape <paramref name="input"/> (without the batch dimension).</summary>
    /// <param name="input">The input shape.</param>
    /// <param name="output">The output shape.</param>
    /// <exception cref="NetworkShapeException">The layer cannot take an input of that shape.</exception>
    public abstract nn.Module<Tensor, Tensor> Create(long[] input, out long[] output);

    /// <summary>A short description for summaries (<c>Dense(128)</c>).</summary>
    public abstract string Describe();

    /// <summary>Throws when the input rank is not one of <paramref name="ranks"/>.</summary>
    protected void RequireRank(long[] input, string expected, params int[] ranks)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!ranks.Contains(input.Length))
        {
            throw new NetworkShapeException($"{Describe()} expects {expected}, but its input has shape {ShapeText(input)}. Add a Reshape or Flatten layer before it");
        }
    }

    /// <summary>Formats a shape as <c>[1, 28, 28]</c>.</summary>
    public static string ShapeText(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>A network cannot be built: a layer does not fit the shape of its input.</summary>
public sealed class NetworkShapeException(string message) : NetLearnException(message);

/// <summary>A fully connected layer (<c>Linear</c>) applied to the last dimension.</summary>
/// <param name="Units">Output size.</param>
/// <param name="Bias">Whether to learn a bias.</param>
public sealed record DenseLayer(int Units, bool Bias = true) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "features (rank 1 or more)", 1, 2, 3);
        if (Units < 1)
        {
            throw new NetworkShapeException($"{Describe()} needs at least one unit");
        }

        output = [.. input[..^1], Units];
        return nn.Linear(input[^1], Units, Bias);
    }

    /// <inheritdoc />
    public override string Describe() => $"Dense({Units})";
}

/// <summary>An element-wise activation function.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>x for x &gt; 0, 0.01·x otherwise.</summary>
    LeakyRelu,

    /// <summary>Exponential linear unit.</summary>
    Elu,

    /// <summary>Gaussian error linear unit (Hendrycks and Gimpel, 2016).</summary>
    Gelu,

    /// <summary>x·sigmoid(x) (SiLU, "swish").</summary>
    Silu,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,

    /// <summary>log(1 + eˣ).</summary>
    Softplus,

    /// <summary>No change.</summary>
    Identity,
}

/// <summary>An element-wise activation.</summary>
/// <param name="Function">The function.</param>
public sealed record ActivationLayer(Activation Function) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        output = input;
        return Function switch
        {
            Activation.Relu => nn.ReLU(),
            Activation.LeakyRelu => nn.LeakyReLU(0.01),
            Activation.Elu => nn.ELU(),
            Activation.Gelu => nn.GELU(),
            Activation.Silu => nn.SiLU(),
            Activation.Tanh => nn.Tanh(),
            Activation.Sigmoid => nn.Sigmoid(),
            Activation.Softplus => nn.Softplus(),
            _ => nn.Identity(),
        };
    }

    /// <inheritdoc />
    public override string Describe() => Function.ToString();
}

/// <summary>Dropout (Srivastava et al., 2014): zeroes each value with probability <paramref name="Rate"/> while training.</summary>
/// <param name="Rate">Drop probability in [0, 1).</param>
public sealed record DropoutLayer(double Rate) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        if (!(Rate >= 0 && Rate < 1))
        {
            throw new NetworkShapeException($"Dropout rate must be in [0, 1), got {Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        output = input;
        return nn.Dropout(Rate);
    }

    /// <inheritdoc />
    public override string Describe() => FormattableString.Invariant($"Dropout({Rate})");
}

/// <summary>
/// Batch normalisation (Ioffe and Szegedy, 2015) over the channel dimension: features [F], sequences [C, L] or
/// images [C, H, W].
/// </summary>
public sealed record BatchNormLayer : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "[features], [channels, length] or [channels, height, width]", 1, 2, 3);
        output = input;
        return input.Length == 3 ? nn.BatchNorm2d(input[0]) : nn.BatchNorm1d(input[0]);
    }

    /// <inheritdoc />
    public override string Describe() => "BatchNorm";
}

/// <summary>Layer normalisation (Ba et al., 2016) over the last dimension.</summary>
public sealed record LayerNormLayer : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        ArgumentNullException.ThrowIfNull(input);
        output = input;
        return nn.LayerNorm([input[^1]]);
    }

    /// <inheritdoc />
    public override string Describe() => "LayerNorm";
}

/// <summary>A 1-D convolution over [channels, length].</summary>
/// <param name="Filters">Output channels.</param>
/// <param name="KernelSize">Kernel length.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Zero padding on each side; -1 means "same" (kernel_size / 2).</param>
public sealed record Conv1dLayer(int Filters, int KernelSize = 3, int Stride = 1, int Padding = -1) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "[channels, length]", 2);
        int padding = Padding < 0 ? KernelSize / 2 : Padding;
        long length = ((input[1] + (2 * padding) - KernelSize) / Stride) + 1;
        if (length < 1 || Filters < 1 || KernelSize < 1 || Stride < 1)
        {
            throw new NetworkShapeException($"{Describe()} does not fit an input of shape {ShapeText(input)}");
        }

        output = [Filters, length];
        return nn.Conv1d(input[0], Filters, KernelSize, stride: Stride, padding: padding);
    }

    /// <inheritdoc />
    public override string Describe() => $"Conv1d({Filters}, k={KernelSize})";
}

/// <summary>A 2-D convolution over [channels, height, width].</summary>
/// <param name="Filters">Output channels.</param>
/// <param name="KernelSize">Square kernel size.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">Zero padding on each side; -1 means "same" (kernel_size / 2).</param>
public sealed record Conv2dLayer(int Filters, int KernelSize = 3, int Stride = 1, int Padding = -1) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "[channels, height, width]", 3);
        int padding = Padding < 0 ? KernelSize / 2 : Padding;
        long h = ((input[1] + (2 * padding) - KernelSize) / Stride) + 1;
        long w = ((input[2] + (2 * padding) - KernelSize) / Stride) + 1;
        if (h < 1 || w < 1 || Filters < 1 || KernelSize < 1 || Stride < 1)
        {
            throw new NetworkShapeException($"{Describe()} does not fit an input of shape {ShapeText(input)}");
        }

        output = [Filters, h, w];
        return nn.Conv2d(input[0], Filters, KernelSize, stride: Stride, padding: padding);
    }

    /// <inheritdoc />
    public override string Describe() => $"Conv2d({Filters}, k={KernelSize})";
}

/// <summary>Pooling kind.</summary>
public enum PoolKind
{
    /// <summary>Maximum.</summary>
    Max,

    /// <summary>Mean.</summary>
    Average,
}

/// <summary>Max or average pooling over [channels, length] (1-D) or [channels, height, width] (2-D).</summary>
/// <param name="Kind">Max or average.</param>
/// <param name="Size">Window size.</param>
/// <param name="Stride">Stride; 0 means the window size.</param>
public sealed record PoolLayer(PoolKind Kind = PoolKind.Max, int Size = 2, int Stride = 0) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "[channels, length] or [channels, height, width]", 2, 3);
        int stride = Stride > 0 ? Stride : Size;
        long[] spatial = [.. input[1..].Select(d => d < Size ? 0 : ((d - Size) / stride) + 1)];
        if (Size < 1 || spatial.Any(d => d < 1))
        {
            throw new NetworkShapeException($"{Describe()} does not fit an input of shape {ShapeText(input)}: the window is larger than the input");
        }

        output = [input[0], .. spatial];
        return (input.Length, Kind) switch
        {
            (2, PoolKind.Max) => nn.MaxPool1d(Size, stride),
            (2, _) => nn.AvgPool1d(Size, stride),
            (_, PoolKind.Max) => nn.MaxPool2d(Size, stride),
            _ => nn.AvgPool2d(Size, stride),
        };
    }

    /// <inheritdoc />
    public override string Describe() => $"{Kind}Pool({Size})";
}

/// <summary>Which axis a <see cref="GlobalPoolLayer"/> reduces.</summary>
public enum PoolAxis
{
    /// <summary>Everything after the channel axis: [C, L] or [C, H, W] become [C] (after convolutions).</summary>
    Spatial,

    /// <summary>The time axis of a sequence [L, D], giving [D] (after recurrent or attention layers).</summary>
    Time,
}

/// <summary>Global max or average pooling: reduces the spatial axes of feature maps or the time axis of sequences.</summary>
/// <param name="Kind">Max or average.</param>
/// <param name="Axis">Which axes to reduce.</param>
public sealed record GlobalPoolLayer(PoolKind Kind = PoolKind.Average, PoolAxis Axis = PoolAxis.Spatial) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "[channels, length], [channels, height, width] or [time, features]", 2, 3);
        if (Axis == PoolAxis.Time)
        {
            RequireRank(input, "[time, features]", 2);
            output = [input[1]];
            return new ReduceModule("global_pool", [1], Kind);
        }

        output = [input[0]];
        return new ReduceModule("global_pool", [.. Enumerable.Range(2, input.Length - 1).Select(d => (long)d)], Kind);
    }

    /// <inheritdoc />
    public override string Describe() => $"Global{Kind}Pool({Axis})";
}

/// <summary>Flattens everything after the batch dimension.</summary>
public sealed record FlattenLayer : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        ArgumentNullException.ThrowIfNull(input);
        output = [input.Aggregate(1L, (a, b) => a * b)];
        return nn.Flatten();
    }

    /// <inheritdoc />
    public override string Describe() => "Flatten";
}

/// <summary>Reshapes each sample (for example 784 pixels to [1, 28, 28]).</summary>
/// <param name="Shape">The new shape without the batch dimension; its size must equal the input's.</param>
public sealed record ReshapeLayer(long[] Shape) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        ArgumentNullException.ThrowIfNull(input);
        long size = input.Aggregate(1L, (a, b) => a * b);
        if (Shape.Length == 0 || Shape.Aggregate(1L, (a, b) => a * b) != size)
        {
            throw new NetworkShapeException($"{Describe()} cannot reshape an input of shape {ShapeText(input)} ({size} values)");
        }

        output = Shape;
        return new ReshapeModule(Shape);
    }

    /// <inheritdoc />
    public override string Describe() => $"Reshape({ShapeText(Shape)})";

    /// <inheritdoc />
    public bool Equals(ReshapeLayer? other) => other is not null && Shape.SequenceEqual(other.Shape);

    /// <inheritdoc />
    public override int GetHashCode() => Shape.Length;
}

/// <summary>
/// Maps token ids [L] (integers in [0, vocabulary)) to vectors [L, dimension]. Id 0 is padding and maps to zeros, or,
/// with <paramref name="MarkPadding"/>, to NaN vectors that a following packed <see cref="RecurrentLayer"/> skips.
/// </summary>
/// <param name="VocabularySize">Number of distinct ids (including the padding id 0).</param>
/// <param name="Dimension">Vector size.</param>
/// <param name="MarkPadding">Emit NaN for padding positions, the padding marker of a packed recurrent layer.</param>
public sealed record EmbeddingLayer(int VocabularySize, int Dimension, bool MarkPadding = false) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "token ids [length]", 1);
        output = [input[0], Dimension];
        return new EmbeddingModule(VocabularySize, Dimension, MarkPadding);
    }

    /// <inheritdoc />
    public override string Describe() => $"Embedding({VocabularySize}, {Dimension})";
}

/// <summary>The cell of a recurrent layer.</summary>
public enum RecurrentCell
{
    /// <summary>Long short-term memory (Hochreiter and Schmidhuber, 1997).</summary>
    Lstm,

    /// <summary>Gated recurrent unit (Cho et al., 2014).</summary>
    Gru,

    /// <summary>Elman RNN with tanh.</summary>
    Rnn,
}

/// <summary>
/// A recurrent layer over [time, features] (batch first): stacked, optionally bidirectional. Returns the whole output
/// sequence [time, hidden·directions] or only the final state [hidden·directions] (the last layer's final hidden state
/// of each direction, concatenated).
/// </summary>
/// <param name="Cell">LSTM, GRU or plain RNN.</param>
/// <param name="HiddenSize">Hidden units per direction.</param>
/// <param name="NumLayers">Stacked layers.</param>
/// <param name="Bidirectional">Also run the sequence backwards.</param>
/// <param name="Dropout">Dropout between stacked layers.</param>
/// <param name="ReturnSequences">Return every time step instead of the final state.</param>
/// <param name="Packed">
/// Variable-length sequences: a step whose values are all NaN is padding and is skipped, as PyTorch's
/// <c>pack_padded_sequence</c> does (the real steps keep their order; padding may come before or after them). The
/// final state is then the state after each sequence's own last step, and returned sequences hold zeros at padding steps.
/// </param>
public sealed record RecurrentLayer(RecurrentCell Cell, int HiddenSize, int NumLayers = 1, bool Bidirectional = false, double Dropout = 0, bool ReturnSequences = false, bool Packed = false) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "a sequence [time, features]", 2);
        if (HiddenSize < 1 || NumLayers < 1)
        {
            throw new NetworkShapeException($"{Describe()} needs hidden_size and num_layers of at least 1");
        }

        int directions = Bidirectional ? 2 : 1;
        output = ReturnSequences ? [input[0], HiddenSize * directions] : [HiddenSize * directions];
        return new RecurrentModule(this, input[1]);
    }

    /// <inheritdoc />
    public override string Describe() => $"{Cell.ToString().ToUpperInvariant()}({HiddenSize}, layers={NumLayers}{(Bidirectional ? ", bidirectional" : string.Empty)}{(Packed ? ", packed" : string.Empty)})";
}

/// <summary>Multi-head self-attention (Vaswani et al., 2017) over a sequence [time, dimension]; the dimension must divide by the heads.</summary>
/// <param name="Heads">Attention heads.</param>
/// <param name="Dropout">Dropout on the attention weights.</param>
public sealed record MultiHeadAttentionLayer(int Heads, double Dropout = 0) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "a sequence [time, dimension]", 2);
        if (Heads < 1 || input[1] % Heads != 0)
        {
            throw new NetworkShapeException($"{Describe()}: the dimension {input[1]} must be divisible by the number of heads");
        }

        output = input;
        return new SelfAttentionModule(input[1], Heads, Dropout);
    }

    /// <inheritdoc />
    public override string Describe() => $"MultiHeadAttention(heads={Heads})";
}

/// <summary>
/// A transformer encoder block (Vaswani et al., 2017, post-norm as in PyTorch's default): x = LN(x + Dropout(MHA(x)));
/// x = LN(x + Dropout(FF(x))) with FF = Linear → ReLU → Dropout → Linear.
/// </summary>
/// <param name="Heads">Attention heads.</param>
/// <param name="FeedForward">Hidden size of the feed-forward part.</param>
/// <param name="Dropout">Dropout rate.</param>
public sealed record TransformerEncoderLayer(int Heads, int FeedForward = 128, double Dropout = 0.1) : LayerSpec
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(long[] input, out long[] output)
    {
        RequireRank(input, "a sequence [time, dimension]", 2);
        if (Heads < 1 || input[1] % Heads != 0 || FeedForward < 1)
        {
            throw new NetworkShapeException($"{Describe()}: the dimension {input[1]} must be divisible by the number of heads");
        }

        output = input;
        return new TransformerBlockModule(input[1], Heads, FeedForward, Dropout);
    }

    /// <inheritdoc />
    public override string Describe() => $"TransformerEncoder(heads={Heads}, ff={FeedForward})";
}
