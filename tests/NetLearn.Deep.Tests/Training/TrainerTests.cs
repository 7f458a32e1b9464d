using NetLearn.Deep.Layers;
using NetLearn.Deep.Runtime;
using NetLearn.Deep.Training;
using static TorchSharp.torch;

namespace NetLearn.Deep.Tests.Training;

public sealed class TrainerTests
{
    // Two Gaussian blobs in 4-D; class 1 is shifted by +1.5 in every coordinate.
    private static TensorDataset Blobs(int n, int seed)
    {
        var g = new Generator((ulong)seed);
        var y = arange(n, ScalarType.Int64) % 2;
        var x = randn([n, 4], generator: g) + (y.unsqueeze(1).to_type(ScalarType.Float32) * 1.5);
        return new TensorDataset(x, y);
    }

    private static Network Net(int seed) => DeepRuntime.Seeded(seed, () => NetworkBuilder.Input(4).Dense(8).Relu().Dense(2).Build());

    private static TrainerOptions Options => new() { Epochs = 6, BatchSize = 16, LearningRate = 0.01, Progress = ProgressDisplay.Never, Threads = 1, Seed = 4 };

    private static float[] Weights(Network net) => [.. net.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray())];

    [Fact]
    public void ASeededRunIsReproducible()
    {
        using var data = Blobs(64, 1);
        var a = Net(7);
        var b = Net(7);
        var ha = new Trainer(a, Options).Fit(data);
        var hb = new Trainer(b, Options).Fit(data);
        Assert.Equal(Weights(a), Weights(b));
        Assert.Equal(ha.Epochs.Select(e => e.TrainLoss), hb.Epochs.Select(e => e.TrainLoss));
        var c = Net(7);
        new Trainer(c, Options with { Seed = 5 }).Fit(data);
        Assert.NotEqual(Weights(a), Weights(c)); // another shuffling order
    }

    [Fact]
    public void ResumingFromACheckpointGivesTheSameWeightsAsOneRun()
    {
        using var data = Blobs(64, 2);
        string checkpoint = Path.Combine(Path.GetTempPath(), $"netlearn-ckpt-{Guid.NewGuid():N}.bin");
        try
        {
            var straight = Net(3);
            new Trainer(straight, Options with { Optimizer = OptimizerKind.Adam, Schedule = LearningRateSchedule.Cosine }).Fit(data);

            var first = Net(3);
            var stopAfter3 = new EpochCallback((e, control) =>
            {
                if (e.Epoch == 3)
                {
                    control.Stop(); // as if the process had been interrupted
                }
            });
            var partial = new Trainer(first, Options with { Schedule = LearningRateSchedule.Cosine, CheckpointPath = checkpoint }).Fit(data, callbacks: [stopAfter3]);
            Assert.Equal(3, partial.Epochs.Count);
            Assert.True(File.Exists(checkpoint));

            var resumed = Net(99); // different initial weights: the checkpoint replaces them
            var history = new Trainer(resumed, Options with { Schedule = LearningRateSchedule.Cosine }).Fit(data, resumeFrom: checkpoint);
            Assert.Equal([1, 2, 3, 4, 5, 6], history.Epochs.Select(e => e.Epoch));
            Assert.Equal(Weights(straight), Weights(resumed));
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    [Fact]
    public void EarlyStoppingStopsAndRestoresTheBestWeights()
    {
        using var train = Blobs(64, 3);
        using var validation = Blobs(64, 30);
        var net = Net(1);
        var options = Options with { Epochs = 200, LearningRate = 0.05, EarlyStoppingPatience = 3 };
        var history = new Trainer(net, options).Fit(train, validation);
        Assert.True(history.StoppedEarly);
        Assert.True(history.Epochs.Count < 200);
        Assert.Equal(history.Epochs.Count - 3, history.BestEpoch - history.Epochs[0].Epoch + 1);
        Assert.All(history.Epochs, e => Assert.NotNull(e.ValidationLoss));
    }

    [Fact]
    public void SchedulesChangeTheLearningRateAsDocumented()
    {
        using var data = Blobs(32, 4);
        double Final(TrainerOptions o) => new Trainer(Net(1), o).Fit(data).Epochs[^1].LearningRate;
        Assert.Equal(0.01 * 0.1 * 0.1, Final(Options with { Schedule = LearningRateSchedule.Step, StepSize = 3, Gamma = 0.1 }), 10);
        Assert.Equal(0.001, Final(Options with { Schedule = LearningRateSchedule.Cosine, MinLearningRate = 0.001 }), 8);
        Assert.True(Final(Options with { Schedule = LearningRateSchedule.OneCycle }) < 1e-5);
        Assert.Equal(0.01, Final(Options), 12);
        var sgd = new Trainer(Net(1), Options with { Optimizer = OptimizerKind.Sgd, Nesterov = true }).Fit(data);
        Assert.True(sgd.Epochs[^1].TrainLoss < sgd.Epochs[0].TrainLoss);
        var rms = new Trainer(Net(1), Options with { Optimizer = OptimizerKind.RmsProp, LearningRate = 0.001, Schedule = LearningRateSchedule.ReduceOnPlateau, PlateauPatience = 0 }).Fit(data);
        Assert.All(rms.Epochs, e => Assert.True(e.LearningRate <= 0.001));
    }

    [Fact]
    public void ClassWeightsAndCallbacksAreHonoured()
    {
        using var data = Blobs(64, 5);
        var net = Net(2);
        var seen = new List<int>();
        var callback = new EpochCallback((e, control) =>
        {
            seen.Add(e.Epoch);
            if (e.Epoch == 4)
            {
                control.Stop();
            }
        });

        // Class 0 carries no weight: the network learns to answer class 1 everywhere.
        var trainer = new Trainer(net, Options with { Epochs = 10, LearningRate = 0.05, ClassWeights = [0.0, 1.0], Optimizer = OptimizerKind.AdamW, WeightDecay = 0.01, ClipGradNorm = 1.0 });
        var history = trainer.Fit(data, callbacks: [callback]);
        Assert.Equal([1, 2, 3, 4], seen);
        Assert.True(history.StoppedEarly);
        using var predicted = trainer.Predict(data.Inputs).argmax(1);
        Assert.All(predicted.data<long>().ToArray(), p => Assert.Equal(1, p));
    }

    [Fact]
    public void BadTrainingInputIsAClearError()
    {
        var net = Net(1);
        using var bad = new TensorDataset(randn(8, 4), tensor(new long[] { 0, 1, 2, 0, 1, 0, 1, 5 }));
        var label = Assert.Throws<DataValidationException>(() => new Trainer(net, Options with { ClassWeights = [1.0, 1.0] }).Fit(bad));
        Assert.Contains("outside the class range", label.Message, StringComparison.Ordinal);
        var units = Assert.Throws<DataValidationException>(() => new Trainer(Net(1), Options).Fit(bad));
        Assert.Contains("output units", units.Message, StringComparison.Ordinal);
        using var wide = new TensorDataset(randn(8, 5), tensor(new long[] { 0, 1, 2, 0, 1, 0, 1, 2 }));
        var shape = Assert.Throws<DataValidationException>(() => new Trainer(Net(1), Options).Fit(wide));
        Assert.Contains("[5]", shape.Message, StringComparison.Ordinal);
        Assert.Throws<DataValidationException>(() => new TensorDataset(zeros(0, 4), zeros(0, ScalarType.Int64)));
        Assert.Throws<DataValidationException>(() => Trainer.Predict(net, zeros(0, 4)));
        Assert.Equal("batch_size", Assert.Throws<HyperparameterException>(() => new Trainer(net, Options with { BatchSize = 0 })).Parameter);
        Assert.Equal("nesterov", Assert.Throws<HyperparameterException>(() => new Trainer(net, Options with { Nesterov = true })).Parameter);

        using var regression = new TensorDataset(randn(16, 4) * 1000, randn(16, 2) * 1000);
        var diverged = Assert.Throws<TrainingDivergedException>(() => new Trainer(Net(1), Options with { Loss = LossKind.Mse, Optimizer = OptimizerKind.Sgd, LearningRate = 1e8 }).Fit(regression));
        Assert.Matches("epoch [12] ", diverged.Message);
        Assert.Contains("lr=1E+07", diverged.Message, StringComparison.Ordinal);
    }
}
