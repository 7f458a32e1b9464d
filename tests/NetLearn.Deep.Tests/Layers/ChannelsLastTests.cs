using NetLearn.Deep.Layers;
using NetLearn.Deep.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NetLearn.Deep.Tests.Layers;

public sealed class ChannelsLastTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ToChannelsLastKeepsValuesAndShapeWithNhwcStrides(int channels)
    {
        using var scope = NewDisposeScope();
        var images = randn([2, channels, 5, 4], generator: new Generator(3));
        var converted = Network.ToChannelsLast(images);
        Assert.Equal(images.shape, converted.shape);
        Assert.Equal(new long[] { 5 * 4 * channels, 1, 4 * channels, channels }, converted.stride());
        Assert.True(converted.eq(images).all().item<bool>());

        // Already channels-last: no copy (a change to one shows in the other).
        var again = Network.ToChannelsLast(converted);
        Assert.Equal(converted.stride(), again.stride());
        converted.add_(1);
        Assert.True(again.eq(converted).all().item<bool>());
    }

    [Fact]
    public void ToChannelsLastRefusesOtherRanks()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => Network.ToChannelsLast(zeros(2, 3)));
        Assert.Contains("4-D", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvolutionalNetworksUseChannelsLastOthersDoNot()
    {
        Assert.True(LayerTests.Make("conv2d").Build().UseChannelsLast);
        Assert.False(LayerTests.Make("conv1d").Build().UseChannelsLast);
        Assert.False(LayerTests.Make("dense").Build().UseChannelsLast);
    }

    [Fact]
    public void ChannelsLastGivesTheSameOutputsAndGradientsAsNchw()
    {
        using var scope = NewDisposeScope();
        var net = DeepRuntime.Seeded(5, () => NetworkBuilder.Input(3, 10, 10)
            .Conv2d(8, 3).BatchNorm().Relu().MaxPool(2).Conv2d(6, 3).Relu().Flatten().Dense(4).Build());
        var x = randn([6, 3, 10, 10], generator: new Generator(11));

        (float[] Output, float[] Gradient) Run(bool channelsLast)
        {
            net.UseChannelsLast = channelsLast;
            net.zero_grad();
            var y = net.forward(x);
            y.square().sum().backward();
            var first = net.parameters().First();
            return (y.data<float>().ToArray(), first.grad!.contiguous().data<float>().ToArray());
        }

        var (nchwOut, nchwGrad) = Run(false);
        var (nhwcOut, nhwcGrad) = Run(true);
        Assert.Equal(nchwOut.Length, nhwcOut.Length);
        for (int i = 0; i < nchwOut.Length; i++)
        {
            Assert.True(Math.Abs(nchwOut[i] - nhwcOut[i]) <= 1e-4 * (1 + Math.Abs(nchwOut[i])), $"output {i}: {nchwOut[i]} vs {nhwcOut[i]}");
        }

        for (int i = 0; i < nchwGrad.Length; i++)
        {
            Assert.True(Math.Abs(nchwGrad[i] - nhwcGrad[i]) <= 1e-3 * (1 + Math.Abs(nchwGrad[i])), $"gradient {i}: {nchwGrad[i]} vs {nhwcGrad[i]}");
        }
    }
}
