using NetLearn.Data;
using NetLearn.Deep.Data;
using NetLearn.Deep.Estimators;
using NetLearn.Deep.Layers;
using NetLearn.Deep.Runtime;
using NetLearn.ModelFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace NetLearn.Deep.Tests.Layers;

/// <summary>Variable-length sequences: packed recurrent layers skip padding exactly as pack_padded_sequence does.</summary>
public sealed class PackedSequenceTests
{
    private static readonly int[] Lengths = [5, 2, 7, 1, 4];

    public static TheoryData<string> Layers => new() { "lstm", "gru-bidirectional-stacked", "rnn-sequences", "lstm-bidirectional-sequences" };

    private static RecurrentLayer Spec(string name) => name switch
    {
        "lstm" => new RecurrentLayer(RecurrentCell.Lstm, 6, Packed: true),
        "gru-bidirectional-stacked" => new RecurrentLayer(RecurrentCell.Gru, 4, NumLayers: 2, Bidirectional: true, Packed: true),
        "rnn-sequences" => new RecurrentLayer(RecurrentCell.Rnn, 5, ReturnSequences: true, Packed: true),
        _ => new RecurrentLayer(RecurrentCell.Lstm, 3, NumLayers: 2, Bidirectional: true, ReturnSequences: true, Packed: true),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void APaddedBatchGivesEachSequenceItsUnpaddedOutput(string name)
    {
        using var scope = NewDisposeScope();
        const int time = 7, features = 3;
        var spec = Spec(name);
        var module = DeepRuntime.Seeded(5, () => spec.Create([time, features], out _));
        var sequences = Lengths.Select((length, i) => randn([length, features], generator: new Generator((ulong)(10 + i)))).ToArray();

        // Row i: padding before (even rows), after (odd rows) or on both sides (the last row) of its real steps.
        var batch = full([Lengths.Length, time, features], double.NaN, ScalarType.Float32);
        var starts = new long[Lengths.Length];
        for (int i = 0; i < Lengths.Length; i++)
        {
            long gap = time - Lengths[i];
            starts[i] = i == Lengths.Length - 1 ? gap / 2 : i % 2 == 0 ? gap : 0;
            batch[i, TensorIndex.Slice(starts[i], starts[i] + Lengths[i])] = sequences[i];
        }

        module.eval();
        using var noGrad = no_grad();
        var packed = module.forward(batch);
        for (int i = 0; i < Lengths.Length; i++)
        {
            var alone = module.forward(sequences[i].unsqueeze(0))[0];
            if (spec.ReturnSequences)
            {
                var atSteps = packed[i, TensorIndex.Slice(starts[i], starts[i] + Lengths[i])];
                Assert.True(atSteps.allclose(alone, rtol: 1e-5, atol: 1e-6), $"{name}: sequence {i} differs from its unpadded run");
                Assert.Equal(0.0, packed[i].abs().sum().item<float>() - atSteps.abs().sum().item<float>(), 4); // zeros at padding
            }
            else
            {
                Assert.True(packed[i].allclose(alone, rtol: 1e-5, atol: 1e-6), $"{name}: sequence {i} differs from its unpadded run");
            }
        }
    }

    [Fact]
    public void GradientsFlowThroughPackedTokenSequences()
    {
        using var scope = NewDisposeScope();
        var net = DeepRuntime.Seeded(2, () => NetworkBuilder.Input(6).Embedding(10, 4, markPadding: true).Lstm(5, bidirectional: true, packed: true).Dense(2).Build());
        var ids = tensor(new float[] { 0, 0, 3, 4, 5, 6, 1, 2, 0, 0, 0, 0, 9, 8, 7, 6, 5, 4 }, [3, 6]);
        var output = net.forward(ids);
        Assert.False(output.isnan().any().item<bool>());
        output.square().sum().backward();
        foreach (var (pname, p) in net.named_parameters())
        {
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"no gradient reaches {pname}");
            Assert.False(p.grad!.isnan().any().item<bool>(), $"NaN gradient in {pname}");
        }
    }

    [Fact]
    public void AllPaddingIsAClearError()
    {
        using var scope = NewDisposeScope();
        var module = DeepRuntime.Seeded(1, () => new RecurrentLayer(RecurrentCell.Gru, 3, Packed: true).Create([4, 2], out _));
        var batch = randn([2, 4, 2]);
        batch[1] = full([4, 2], double.NaN, ScalarType.Float32);
        Assert.Contains("no steps", Assert.Throws<DataValidationException>(() => module.forward(batch)).Message, StringComparison.Ordinal);
    }

    private static Table Tokens(params int[][] rows) => new(Enumerable.Range(0, 10).Select(t => (Column)new NumericColumn($"t{t}", [.. rows.Select(r => (double)r[t])])));

    [Fact]
    public void PaddingDoesNotChangeARecurrentClassifiersPrediction()
    {
        // Class 1 sequences contain token 7; lengths 2..8, pre-padded to 10.
        var random = new Random(6);
        var sequences = new List<IReadOnlyList<int>>();
        var labels = new List<double>();
        for (int i = 0; i < 120; i++)
        {
            var s = Enumerable.Range(0, random.Next(2, 9)).Select(_ => random.Next(1, 7)).ToList();
            if (i % 2 == 1)
            {
                s[random.Next(s.Count)] = 7;
            }

            sequences.Add(s);
            labels.Add(i % 2);
        }

        var y = new NumericColumn("has7", [.. labels]);
        var options = new RecurrentClassifierOptions { VocabSize = 8, EmbeddingDim = 6, HiddenSize = 8, Epochs = 4, LearningRate = 0.02, ValidationFraction = 0 };
        var packed = new RecurrentClassifier(options).Fit(Sequences.Pad(sequences, 10), y);

        // One sequence, padded before, after and on both sides, and alongside longer sequences.
        var probe = Tokens([0, 0, 0, 0, 0, 3, 7, 1, 2, 5], [3, 7, 1, 2, 5, 0, 0, 0, 0, 0], [0, 0, 3, 7, 1, 2, 5, 0, 0, 0], [4, 4, 6, 5, 3, 2, 1, 6, 5, 4]);
        var p = packed.PredictProba(probe);
        for (int row = 1; row < 3; row++)
        {
            for (int c = 0; c < p.Columns; c++)
            {
                Assert.Equal(p[0, c], p[row, c], 6);
            }
        }

        var alone = packed.PredictProba(Tokens([3, 7, 1, 2, 5, 0, 0, 0, 0, 0]));
        Assert.Equal(p[0, 1], alone[0, 1], 6);

        // Saved and loaded, the packed layers come back (their flags are part of the architecture).
        string path = Path.Combine(Path.GetTempPath(), $"netlearn-packed-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, packed);
            var loaded = ModelFile.Load<NeuralNetworkClassifierModel<RecurrentClassifierOptions>>(path);
            Assert.True(loaded.PredictProba(probe).AsSpan().SequenceEqual(p.AsSpan()));
        }
        finally
        {
            File.Delete(path);
        }

        // Without packing, the padding steps run through the LSTM and the position of the padding matters.
        var unpacked = new RecurrentClassifier(options with { PackSequences = false }).Fit(Sequences.Pad(sequences, 10), y);
        var q = unpacked.PredictProba(probe);
        Assert.NotEqual(q[0, 1], q[1, 1], 4);
    }

    [Fact]
    public void MissingStepsArePaddingOfNumericSequences()
    {
        // Two features per step; shorter series end early (missing steps at the end).
        var random = new Random(3);
        int n = 80, steps = 6;
        var columns = Enumerable.Range(0, steps * 2).Select(_ => new double[n]).ToArray();
        var target = new double[n];
        for (int i = 0; i < n; i++)
        {
            int length = 2 + (i % 5);
            double level = random.NextDouble() * 4;
            for (int t = 0; t < steps; t++)
            {
                columns[2 * t][i] = t < length ? level + t : double.NaN;
                columns[(2 * t) + 1][i] = t < length ? random.NextDouble() : double.NaN;
            }

            target[i] = level + length;
        }

        Table Make(double[][] data) => new(data.Select((v, c) => (Column)new NumericColumn($"t{c / 2}_{(c % 2 == 0 ? "level" : "noise")}", v)));
        var x = Make(columns);
        var model = new RecurrentRegressor(new RecurrentRegressorOptions { FeaturesPerStep = 2, HiddenSize = 8, Epochs = 3, ValidationFraction = 0 }).Fit(x, new NumericColumn("next", target));
        var predictions = model.Predict(x).ToDoubleArray();
        Assert.All(predictions, v => Assert.True(double.IsFinite(v)));

        // The first row (2 of 6 steps) with its missing steps moved to the front predicts the same.
        int length0 = 2;
        var moved = Enumerable.Range(0, steps * 2).Select(c =>
        {
            int t = c / 2, source = t - (steps - length0);
            return new[] { source >= 0 ? columns[(2 * source) + (c % 2)][0] : double.NaN };
        }).ToArray();
        Assert.Equal(predictions[0], model.Predict(Make(moved)).ToDoubleArray()[0], 5);

        // A step with only some values missing is an error naming its row and column.
        var partial = columns.Select(c => new[] { c[0] }).ToArray();
        partial[1][0] = double.NaN;
        var error = Assert.Throws<DataValidationException>(() => model.Predict(Make(partial)));
        Assert.Equal("t0_noise", error.Column);
        Assert.Equal(0, error.Row);
    }
}
