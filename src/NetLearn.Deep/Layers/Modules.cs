using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetLearn.Deep.Layers;

/// <summary>Reshapes each sample, keeping the batch dimension.</summary>
internal sealed class ReshapeModule : nn.Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    public ReshapeModule(long[] shape)
        : base("reshape") => _shape = shape;

    public override Tensor forward(Tensor input) => input.reshape([input.shape[0], .. _shape]);
}

/// <summary>Mean or max over some dimensions.</summary>
internal sealed class ReduceModule : nn.Module<Tensor, Tensor>
{
    private readonly long[] _dims;
    private readonly PoolKind _kind;

    public ReduceModule(string name, long[] dims, PoolKind kind)
        : base(name)
    {
        _dims = dims;
        _kind = kind;
    }

    public override Tensor forward(Tensor input)
    {
        if (_kind == PoolKind.Average)
        {
            return input.mean(_dims);
        }

        var result = input;
        for (int i = _dims.Length - 1; i >= 0; i--)
        {
            result = result.amax([_dims[i]]);
        }

        return result;
    }
}

/// <summary>Token embedding with padding id 0; takes ids stored as floating-point values (as tables give them).</summary>
internal sealed class EmbeddingModule : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;

    public EmbeddingModule(long vocabulary, long dimension)
        : base("embedding")
    {
        embedding = nn.Embedding(vocabulary, dimension, padding_idx: 0);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => embedding.forward(input.dtype == ScalarType.Int64 ? input : input.to_type(ScalarType.Int64));
}

/// <summary>A batch-first RNN/LSTM/GRU returning the output sequence or the final state of each direction.</summary>
internal sealed class RecurrentModule : nn.Module<Tensor, Tensor>
{
    private readonly RecurrentLayer _spec;
    private readonly nn.Module _rnn;

    public RecurrentModule(RecurrentLayer spec, long inputSize)
        : base("recurrent")
    {
        _spec = spec;
        _rnn = spec.Cell switch
        {
            RecurrentCell.Lstm => nn.LSTM(inputSize, spec.HiddenSize, spec.NumLayers, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional),
            RecurrentCell.Gru => nn.GRU(inputSize, spec.HiddenSize, spec.NumLayers, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional),
            _ => nn.RNN(inputSize, spec.HiddenSize, spec.NumLayers, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional),
        };
        register_module("rnn", _rnn);
    }

    public override Tensor forward(Tensor input)
    {
        Tensor output, hidden;
        switch (_rnn)
        {
            case LSTM lstm:
                (output, hidden, _) = lstm.forward(input);
                break;
            case GRU gru:
                (output, hidden) = gru.forward(input);
                break;
            default:
                (output, hidden) = ((RNN)_rnn).forward(input, null);
                break;
        }

        if (_spec.ReturnSequences)
        {
            return output;
        }

        // hidden: [layers·directions, batch, hidden]; the last layer's states are the last one or two entries.
        long n = hidden.shape[0];
        return _spec.Bidirectional ? cat([hidden[n - 2], hidden[n - 1]], 1) : hidden[n - 1];
    }
}

/// <summary>Multi-head self-attention on batch-first sequences.</summary>
internal sealed class SelfAttentionModule : nn.Module<Tensor, Tensor>
{
    private readonly MultiheadAttention attention;

    public SelfAttentionModule(long dimension, int heads, double dropout)
        : base("self_attention")
    {
        attention = nn.MultiheadAttention(dimension, heads, dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input.transpose(0, 1); // libtorch's attention is sequence-first
        var (result, _) = attention.forward(x, x, x, null, false, null);
        return result.transpose(0, 1);
    }
}

/// <summary>A post-norm transformer encoder block on batch-first sequences.</summary>
internal sealed class TransformerBlockModule : nn.Module<Tensor, Tensor>
{
    private readonly MultiheadAttention attention;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly TorchSharp.Modules.Linear linear1;
    private readonly TorchSharp.Modules.Linear linear2;
    private readonly Dropout dropout;

    public TransformerBlockModule(long dimension, int heads, int feedForward, double dropoutRate)
        : base("transformer_encoder")
    {
        attention = nn.MultiheadAttention(dimension, heads, dropoutRate);
        norm1 = nn.LayerNorm([dimension]);
        norm2 = nn.LayerNorm([dimension]);
        linear1 = nn.Linear(dimension, feedForward);
        linear2 = nn.Linear(feedForward, dimension);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input.transpose(0, 1);
        var (attended, _) = attention.forward(x, x, x, null, false, null);
        x = norm1.forward(x + dropout.forward(attended));
        var ff = linear2.forward(dropout.forward(nn.functional.relu(linear1.forward(x))));
        x = norm2.forward(x + dropout.forward(ff));
        return x.transpose(0, 1);
    }
}
