using NetLearn.Deep.Layers;
using NetLearn.Deep.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NetLearn.Deep.Tests.Layers;

public sealed class LayerTests
{
    public static TheoryData<string, long[], long[]> Networks => new()
    {
        { "dense", [5], [3] },
        { "mlp-norm", [6], [2] },
        { "conv1d", [2, 16], [4] },
        { "conv2d", [1, 8, 8], [3] },
        { "embedding-lstm", [7], [2] },
        { "gru-bidirectional-stacked", [6, 3], [2] },
        { "rnn-sequences", [5, 2], [5, 4] },
        { "attention", [6, 8], [2] },
        { "transformer", [6, 8], [2] },
    };

    internal static NetworkBuilder Make(string name) => name switch
    {
        "dense" => NetworkBuilder.Input(5).Dense(4).Relu().Dense(3),
        "mlp-norm" => NetworkBuilder.Input(6).Dense(8).BatchNorm().Gelu().Dropout(0.1).Dense(8).LayerNorm().Tanh().Dense(2),
        "conv1d" => NetworkBuilder.Input(2, 16).Conv1d(4, 3).Relu().MaxPool(2).Conv1d(4, 3).BatchNorm().Relu().GlobalAveragePool(),
        "conv2d" => NetworkBuilder.Input(1, 8, 8).Conv2d(4, 3).BatchNorm().Relu().MaxPool(2).Conv2d(6, 3).Relu().AvgPool(2).Flatten().Dense(3),
        "embedding-lstm" => NetworkBuilder.Input(7).Embedding(20, 4).Lstm(5).Dense(2),
        "gru-bidirectional-stacked" => NetworkBuilder.Input(6, 3).Gru(4, numLayers: 2, bidirectional: true, dropout: 0.1).Dense(2),
        "rnn-sequences" => NetworkBuilder.Input(5, 2).Rnn(4, returnSequences: true),
        "attention" => NetworkBuilder.Input(6, 8).Attention(2).GlobalAveragePool(PoolAxis.Time).Dense(2),
        "transformer" => NetworkBuilder.Input(6, 8).TransformerEncoder(2, 16, 0.0).GlobalMaxPool(PoolAxis.Time).Dense(2),
        _ => throw new ArgumentException(name),
    };

    private static Tensor Inputs(string name, long[] shape, int n)
    {
        var g = new Generator(7);
        return name == "embedding-lstm" ? randint(1, 20, [n, .. shape], generator: g).to_type(ScalarType.Float32) : randn([n, .. shape], generator: g);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryLayerKindHasTheRightShapeAndGradientsReachEveryParameter(string name, long[] input, long[] output)
    {
        using var scope = NewDisposeScope();
        var net = NetLearn.Deep.Runtime.DeepRuntime.Seeded(1, () => Make(name).Build());
        Assert.Equal(output, net.OutputShape);
        var x = Inputs(name, input, 4);
        var y = net.forward(x);
        Assert.Equal([4, .. output], y.shape);
        y.square().sum().backward();
        foreach (var (pname, p) in net.named_parameters())
        {
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"no gradient reaches {pname}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void ATinyNetworkOverfitsATinySet(string name, long[] input, long[] output)
    {
        if (output.Length != 1)
        {
            return; // the sequence-returning network is covered by the shape test
        }

        using var scope = NewDisposeScope();
        var net = NetLearn.Deep.Runtime.DeepRuntime.Seeded(3, () => Make(name).Build());
        var x = Inputs(name, input, 8);
        var y = arange(8, ScalarType.Int64) % output[0];
        var trainer = new Trainer(net, new TrainerOptions { Epochs = 100, BatchSize = 8, LearningRate = 0.02, Progress = ProgressDisplay.Never, Threads = 1 });
        using var data = new TensorDataset(x.detach().clone(), y.clone());
        var history = trainer.Fit(data);
        var predicted = trainer.Predict(x).argmax(1);
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss / 5, $"{name}: loss {history.Epochs[0].TrainLoss} -> {history.Epochs[^1].TrainLoss}");
        Assert.Equal(y.data<long>().ToArray(), predicted.data<long>().ToArray());
    }

    [Fact]
    public void ShapeMistakesAreClearErrors()
    {
        var e = Assert.Throws<NetworkShapeException>(() => NetworkBuilder.Input(784).Conv2d(8).Build());
        Assert.Contains("[784]", e.Message, StringComparison.Ordinal);
        Assert.Contains("Reshape", e.Message, StringComparison.Ordinal);
        Assert.Throws<NetworkShapeException>(() => NetworkBuilder.Input(4, 4).Reshape(3, 5).Build());
        Assert.Throws<NetworkShapeException>(() => NetworkBuilder.Input(1, 2, 2).MaxPool(3).Build());
        Assert.Throws<NetworkShapeException>(() => NetworkBuilder.Input(5, 6).Attention(4).Build());
    }

    [Fact]
    public void SpecsRoundTripThroughJsonAndRawModulesAreAllowed()
    {
        var spec = Make("conv2d").Spec;
        var again = NetworkSpec.FromJson(spec.ToJson());
        Assert.Equal(spec, again);
        Assert.Contains("\"layer\":\"conv2d\"", spec.ToJsonString(), StringComparison.Ordinal);

        var raw = NetworkBuilder.Input(3).Dense(4).Add("custom", nn.Sequential(nn.ReLU(), nn.Linear(4, 2)), 2).Build();
        Assert.Null(raw.Spec);
        Assert.Equal([2L], raw.OutputShape);
        Assert.Equal(4 * 3 + 4 + (2 * 4) + 2, raw.ParameterCount);
        Assert.Contains("custom", raw.Summary(), StringComparison.Ordinal);
    }
}

internal static class SpecExtensions
{
    public static string ToJsonString(this NetworkSpec spec) => spec.ToJson().ToJsonString();
}
