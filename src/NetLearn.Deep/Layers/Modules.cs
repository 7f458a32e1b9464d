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

/// <summary>
/// Token embedding with padding id 0; takes ids stored as floating-point values (as tables give them). With padding
/// marked, padding positions become NaN vectors: the padding marker of a packed recurrent layer.
/// </summary>
internal sealed class EmbeddingModule : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly bool _markPadding;

    public EmbeddingModule(long vocabulary, long dimension, bool markPadding)
        : base("embedding")
    {
        embedding = nn.Embedding(vocabulary, dimension, padding_idx: 0);
        _markPadding = markPadding;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var ids = input.dtype == ScalarType.Int64 ? input : input.to_type(ScalarType.Int64);
        var vectors = embedding.forward(ids);
        return _markPadding ? vectors.masked_fill(ids.eq(0).unsqueeze(-1), double.NaN) : vectors;
    }
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
        if (_spec.Packed && input.isnan().any().item<bool>())
        {
            return ForwardPacked(input);
        }

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

        return _spec.ReturnSequences ? output : FinalState(hidden);
    }

    // hidden: [layers·directions, batch, hidden]; the last layer's states are the last one or two entries.
    private Tensor FinalState(Tensor hidden)
    {
        long n = hidden.shape[0];
        return _spec.Bidirectional ? cat([hidden[n - 2], hidden[n - 1]], 1) : hidden[n - 1];
    }

    // Variable-length sequences through pack_padded_sequence: the real steps (not all-NaN) move to the front of each
    // sequence in their order, the batch is sorted by length (descending, as packing requires), packed, run, and the
    // results are put back in the batch's order (and, for returned sequences, at the steps' original positions).
    private Tensor ForwardPacked(Tensor input)
    {
        long batch = input.shape[0], time = input.shape[1], features = input.shape[2];
        var padding = input.isnan().all(2);
        var lengths = padding.logical_not().sum(1);
        if (lengths.min().item<long>() == 0)
        {
            throw new DataValidationException("A sequence has no steps: every step is padding (missing values or token id 0). Give each row at least one step");
        }

        var key = (padding.to_type(ScalarType.Int64) * time) + arange(time, device: input.device).unsqueeze(0);
        var order = key.argsort(1);
        var aligned = input.gather(1, order.unsqueeze(2).expand(batch, time, features));
        aligned = where(aligned.isnan(), zeros_like(aligned), aligned);
        var (sortedLengths, sortIndex) = lengths.sort(0, descending: true);
        var unsort = sortIndex.argsort();
        using var packed = nn.utils.rnn.pack_padded_sequence(aligned.index_select(0, sortIndex), sortedLengths.cpu(), batch_first: true, enforce_sorted: true);
        nn.utils.rnn.PackedSequence output;
        Tensor hidden;
        switch (_rnn)
        {
            case LSTM lstm:
                (output, hidden, _) = lstm.call(packed);
                break;
            case GRU gru:
                (output, hidden) = gru.call(packed);
                break;
            default:
                (output, hidden) = ((RNN)_rnn).call(packed);
                break;
        }

        using (output)
        {
            if (!_spec.ReturnSequences)
            {
                return FinalState(hidden.index_select(1, unsort));
            }

            var (padded, _) = nn.utils.rnn.pad_packed_sequence(output, batch_first: true, total_length: time);
            padded = padded.index_select(0, unsort);
            return zeros_like(padded).scatter(1, order.unsqueeze(2).expand(batch, time, padded.shape[2]), padded);
        }
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
