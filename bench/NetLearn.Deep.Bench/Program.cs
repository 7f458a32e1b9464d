using System.Diagnostics;
using System.Globalization;
using NetLearn.Deep.Data;
using NetLearn.Deep.Layers;
using NetLearn.Deep.Runtime;
using NetLearn.Deep.Training;
using TorchSharp;
using static TorchSharp.torch;

// Benchmarks of NetLearn.Deep (not run in CI). See docs/benchmarks.md for the commands and results.
//   dotnet run -c Release --project bench/NetLearn.Deep.Bench -- fashion DATA_DIR [epochs] [threads] [train_rows]
//   dotnet run -c Release --project bench/NetLearn.Deep.Bench -- profile DATA_DIR [reps] [threads] [train_rows]
//   dotnet run -c Release --project bench/NetLearn.Deep.Bench -- fashion-accuracy DATA_DIR [epochs] [threads] [flip 0|1]
//   dotnet run -c Release --project bench/NetLearn.Deep.Bench -- weather bench/NetLearn.Deep.Bench/data/seattle-weather.csv [epochs] [threads]
string mode = args.Length > 0 ? args[0] : "fashion";
string dir = args.Length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist";
int epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
int threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
int rows = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : int.MaxValue;

DeepRuntime.EnsureInitialized();
torch.set_num_threads(threads);
torch.set_num_interop_threads(1);
Console.WriteLine(FormattableString.Invariant($"device {DeepRuntime.Device.type}, threads {torch.get_num_threads()}, cores {Environment.ProcessorCount}, channels_last {Environment.GetEnvironmentVariable("NETLEARN_CHANNELS_LAST") != "0"}, heap_tuning {Environment.GetEnvironmentVariable("NETLEARN_HEAP_TUNING") != "0"}"));

(Tensor X, Tensor Y) Load(string images, string labels, int limit)
{
    var (shape, pixels) = IdxFile.Read(Path.Combine(dir, images), limit);
    var (_, labelBytes) = IdxFile.Read(Path.Combine(dir, labels), limit);
    var x = tensor(pixels, [shape[0], 1, shape[1], shape[2]]).to_type(ScalarType.Float32).div(255.0).sub(0.2860).div(0.3530);
    var y = tensor(labelBytes.Select(b => (long)b).ToArray());
    return (x, y);
}

switch (mode)
{
    case "fashion":
    {
        var (x, y) = Load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", rows);
        var (tx, ty) = Load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", int.MaxValue);
        torch.manual_seed(0);
        var net = FashionNet();
        Console.WriteLine(net.Summary());
        double lastCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var trainer = new Trainer(net, new TrainerOptions { Epochs = epochs, BatchSize = 128, LearningRate = 1e-3, Threads = threads, Progress = ProgressDisplay.Never, Schedule = LearningRateSchedule.Cosine })
        {
            EpochFinished = e =>
            {
                double cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                Console.WriteLine(FormattableString.Invariant($"netlearn epoch {e.Epoch} loss {e.TrainLoss:F4} train_acc {e.TrainAccuracy:F4} cpu_seconds {cpu - lastCpu:F2} seconds {e.Seconds:F2}"));
                lastCpu = cpu;
            },
        };
        using var data = new TensorDataset(x, y);
        var history = trainer.Fit(data);
        using var predicted = trainer.Predict(tx).argmax(1);
        double accuracy = predicted.eq(ty).sum().item<long>() / (double)ty.shape[0];
        double meanEpoch = history.Epochs.Average(e => e.Seconds);
        Console.WriteLine(FormattableString.Invariant($"netlearn test_accuracy {accuracy:F4} mean_epoch_seconds {meanEpoch:F2}"));
        break;
    }

    case "profile":
    {
        // Per-operator profile (docs/benchmarks.md, issue 8): args = DATA_DIR REPS THREADS [TRAIN_ROWS].
        var (x, y) = Load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", rows);
        torch.manual_seed(0);
        OperatorProfile.Run(FashionNet(), x, y, epochs);
        break;
    }

    case "fashion-accuracy":
    {
        // The accuracy run: the benchmark network on all 60,000 training images, Adam with a cosine schedule and
        // (optionally) random horizontal flips; logs the test accuracy after every epoch (reporting only: nothing is
        // selected on it, the schedule and epoch count are fixed in advance).
        bool flip = args.Length > 4 && args[4] == "1";
        var (x, y) = Load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", int.MaxValue);
        var (tx, ty) = Load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", int.MaxValue);
        torch.manual_seed(0);
        var net = FashionNet();
        var augment = ImageAugmentation.Create(0, flip, 0, 1, 28, 28);
        Trainer? trainer = null;
        double TestAccuracy()
        {
            using var predicted = trainer!.Predict(tx).argmax(1);
            return predicted.eq(ty).sum().item<long>() / (double)ty.shape[0];
        }

        trainer = new Trainer(net, new TrainerOptions { Epochs = epochs, BatchSize = 128, LearningRate = 1e-3, Threads = threads, Progress = ProgressDisplay.Never, Schedule = LearningRateSchedule.Cosine })
        {
            Augment = augment is null ? null : images => augment(images.reshape(images.shape[0], -1)).reshape(images.shape),
            EpochFinished = e => Console.WriteLine(FormattableString.Invariant(
                $"netlearn epoch {e.Epoch} lr {e.LearningRate:G3} loss {e.TrainLoss:F4} train_acc {e.TrainAccuracy:F4} test_acc {TestAccuracy():F4} seconds {e.Seconds:F1} at {DateTime.UtcNow:HH:mm:ss}")),
        };
        using var data = new TensorDataset(x, y);
        trainer.Fit(data);
        Console.WriteLine(FormattableString.Invariant($"netlearn final test_accuracy {TestAccuracy():F4} epochs {epochs} flip {flip}"));
        break;
    }

    case "weather":
    {
        // Next-day maximum temperature in Seattle from the previous 14 days (max, min, precipitation, wind).
        // Train on windows whose target falls in 2012-2014, test on 2015. dir = the CSV file.
        var weather = NetLearn.Data.Table.ReadCsv(dir);
        string[] features = ["temp_max", "temp_min", "precipitation", "wind"];
        var windows = Sequences.SlidingWindow(weather, features, "temp_max", window: 14, horizon: 1);
        int testRows = 365, trainRows = windows.RowCount - testRows;
        var (wx, wy) = windows.SplitTarget("target");
        var trainX = wx.Take([.. Enumerable.Range(0, trainRows)]);
        var trainY = wy.Take([.. Enumerable.Range(0, trainRows)]);
        var testX = wx.Take([.. Enumerable.Range(trainRows, testRows)]);
        var testY = wy.Take([.. Enumerable.Range(trainRows, testRows)]);
        double Rmse(NetLearn.Data.Column predicted) => NetLearn.Metrics.RegressionMetrics.RootMeanSquaredError(testY, predicted);
        double persistence = Rmse(testX["t13_temp_max"].WithName("target"));
        double linear = Rmse(new NetLearn.Linear.LinearRegression().Fit(trainX, trainY).Predict(testX));
        double cpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var lstm = new NetLearn.Deep.Estimators.RecurrentRegressor(new NetLearn.Deep.Estimators.RecurrentRegressorOptions
        {
            HiddenSize = 32, FeaturesPerStep = 4, Epochs = epochs, BatchSize = 32, LearningRate = 0.003, ValidationFraction = 0, RandomState = 0, Threads = threads,
        }).Fit(trainX, trainY);
        double cpuPerEpoch = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuBefore) / epochs;
        double lstmRmse = Rmse(lstm.Predict(testX));
        Console.WriteLine(FormattableString.Invariant($"netlearn train_windows {trainRows} test_windows {testRows}"));
        Console.WriteLine(FormattableString.Invariant($"netlearn rmse persistence {persistence:F4} linear_regression {linear:F4} lstm {lstmRmse:F4}"));
        Console.WriteLine(FormattableString.Invariant($"netlearn lstm cpu_seconds_per_epoch {cpuPerEpoch:F4} mean_epoch_seconds {lstm.History.Epochs.Average(e => e.Seconds):F4}"));
        break;
    }

    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}

return 0;

// Conv(32)-BN-ReLU-MaxPool-Conv(64)-BN-ReLU-MaxPool-Flatten-Dense(128)-ReLU-Dropout(0.25)-Dense(10); same as fashion_peer.py.
// NETLEARN_CHANNELS_LAST=0 runs it in NCHW layout (the default is channels-last, decisions 8.14) for comparison.
static Network FashionNet()
{
    var net = NetworkBuilder.Input(1, 28, 28)
        .Conv2d(32, 3).BatchNorm().Relu().MaxPool(2)
        .Conv2d(64, 3).BatchNorm().Relu().MaxPool(2)
        .Flatten().Dense(128).Relu().Dropout(0.25).Dense(10)
        .Build();
    net.UseChannelsLast = Environment.GetEnvironmentVariable("NETLEARN_CHANNELS_LAST") != "0";
    return net;
}
