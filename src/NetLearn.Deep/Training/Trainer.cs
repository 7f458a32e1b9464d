using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NetLearn.Data.IO;
using NetLearn.Deep.Layers;
using NetLearn.Deep.Runtime;
using Spectre.Console;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetLearn.Deep.Training;

/// <summary>
/// Trains a TorchSharp module with mini-batch gradient descent: the chosen optimiser and learning-rate schedule, seeded
/// shuffling, validation after every epoch, early stopping, gradient clipping, class and sample weights, checkpoints
/// with resume, callbacks and a progress bar on interactive terminals.
/// </summary>
public sealed class Trainer
{
    private const int CheckpointVersion = 1;
    private readonly nn.Module<Tensor, Tensor> _model;

    /// <summary>Creates a trainer for <paramref name="model"/> (which it moves to <see cref="DeepRuntime.Device"/>).</summary>
    /// <exception cref="HyperparameterException">An option is invalid.</exception>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new TrainerOptions();
        Options.Validate();
        DeepRuntime.EnsureInitialized();
        _model = model;
        _model.to(DeepRuntime.Device);
    }

    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Applied to each training batch's inputs (on the device) before the forward pass: augmentation.</summary>
    public Func<Tensor, Tensor>? Augment { get; init; }

    /// <summary>Receives each finished epoch (the estimators turn this into <c>FitProgress</c>).</summary>
    public Action<EpochResult>? EpochFinished { get; init; }

    /// <summary>
    /// Trains on <paramref name="train"/>, validating on <paramref name="validation"/> after every epoch.
    /// </summary>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Validation data, or <c>null</c>.</param>
    /// <param name="callbacks">Called after every epoch.</param>
    /// <param name="resumeFrom">A checkpoint written by an earlier run with <see cref="TrainerOptions.CheckpointPath"/>: training continues after its epoch.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the message names the epoch.</exception>
    public TrainingHistory Fit(TensorDataset train, TensorDataset? validation = null, IEnumerable<ITrainingCallback>? callbacks = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        lock (DeepRuntime.RandomGate)
        {
            return FitSeeded(train, validation, callbacks, resumeFrom, cancellationToken);
        }
    }

    private TrainingHistory FitSeeded(TensorDataset train, TensorDataset? validation, IEnumerable<ITrainingCallback>? callbacks, string? resumeFrom, CancellationToken cancellationToken)
    {
        var callbackList = callbacks?.ToList() ?? [];
        long parameters = _model.parameters().Sum(p => p.numel());
        DeepRuntime.SetThreads(Options.Threads > 0 ? Options.Threads : parameters < 100_000 ? 1 : DeepRuntime.DefaultThreads);
        CheckTargets(train, "training");
        if (validation is not null)
        {
            CheckTargets(validation, "validation");
        }

        int stepsPerEpoch = (int)((train.Count + Options.BatchSize - 1) / Options.BatchSize);
        var optimizer = CreateOptimizer();
        var scheduler = CreateScheduler(optimizer, stepsPerEpoch);
        using var classWeights = Options.ClassWeights is { } cw ? tensor(cw.Select(w => (float)w).ToArray(), device: DeepRuntime.Device) : null;
        var history = new List<EpochResult>();
        var state = new LoopState();
        if (resumeFrom is not null)
        {
            LoadCheckpoint(resumeFrom, optimizer, history, state, () => ReplaySchedule(scheduler, history, stepsPerEpoch));
        }

        torch.manual_seed(Options.Seed + (1000L * history.Count));
        bool bar = Options.Progress == ProgressDisplay.Auto && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        bool stoppedEarly = false;
        void Run(ProgressTask? task)
        {
            for (int epoch = history.Count + 1; epoch <= Options.Epochs; epoch++)
            {
                var result = RunEpoch(epoch, train, validation, optimizer, scheduler, classWeights, stepsPerEpoch, task, cancellationToken);
                history.Add(result);
                var control = new TrainingControl();
                EpochFinished?.Invoke(result);
                foreach (var callback in callbackList)
                {
                    callback.OnEpochEnd(result, control);
                }

                bool improved = result.MonitoredLoss < state.BestLoss - Options.MinDelta;
                if (improved)
                {
                    state.BestLoss = result.MonitoredLoss;
                    state.BadEpochs = 0;
                    if (Options.EarlyStoppingPatience > 0 && Options.RestoreBestWeights)
                    {
                        state.KeepBest(_model);
                    }
                }
                else
                {
                    state.BadEpochs++;
                }

                if (Options.CheckpointPath is { } path)
                {
                    SaveCheckpoint(path, optimizer, history, state);
                }

                if (task is not null)
                {
                    task.Description = Markup.Escape(Describe(result));
                }

                if (control.StopRequested || (Options.EarlyStoppingPatience > 0 && state.BadEpochs >= Options.EarlyStoppingPatience))
                {
                    stoppedEarly = epoch < Options.Epochs;
                    break;
                }
            }
        }

        if (bar)
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    var task = context.AddTask("training", maxValue: (double)Options.Epochs * stepsPerEpoch);
                    task.Value = (double)history.Count * stepsPerEpoch;
                    Run(task);
                    task.Value = task.MaxValue;
                });
        }
        else
        {
            Run(null);
        }

        if (Options.EarlyStoppingPatience > 0 && Options.RestoreBestWeights)
        {
            state.RestoreBest(_model);
        }

        state.Dispose();
        (scheduler as IDisposable)?.Dispose();
        optimizer.Dispose();
        return new TrainingHistory(history, TrainingHistory.Best(history), stoppedEarly);
    }

    /// <summary>The model's outputs for <paramref name="inputs"/> in evaluation mode, in batches, as a CPU tensor.</summary>
    public Tensor Predict(Tensor inputs, int batchSize = 256) => Predict(_model, inputs, batchSize);

    /// <summary>A module's outputs for <paramref name="inputs"/> in evaluation mode, in batches, as a CPU tensor.</summary>
    public static Tensor Predict(nn.Module<Tensor, Tensor> model, Tensor inputs, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.shape[0] == 0)
        {
            throw new DataValidationException("There are no rows to predict: give at least one sample");
        }

        model.eval();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < inputs.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(inputs.shape[0], start + batchSize);
            var batch = inputs[TensorIndex.Slice(start, end)].to(DeepRuntime.Device);
            parts.Add(model.forward(batch).cpu().MoveToOuterDisposeScope());
        }

        var result = cat(parts, 0);
        foreach (var part in parts)
        {
            part.Dispose();
        }

        return result;
    }

    private EpochResult RunEpoch(int epoch, TensorDataset train, TensorDataset? validation, optim.Optimizer optimizer, optim.lr_scheduler.LRScheduler? scheduler, Tensor? classWeights, int stepsPerEpoch, ProgressTask? task, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _model.train();
        double lossSum = 0, weightSum = 0;
        long correct = 0, seen = 0;
        int batchIndex = 0;
        foreach (long[] rows in train.Batches(Options.BatchSize, Options.Shuffle, Options.Seed, epoch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            batchIndex++;
            using var scope = NewDisposeScope();
            using var index = tensor(rows);
            var x = train.Inputs.index_select(0, index).to(DeepRuntime.Device);
            var y = train.Targets.index_select(0, index).to(DeepRuntime.Device);
            var w = train.Weights?.index_select(0, index).to(DeepRuntime.Device);
            if (Augment is not null)
            {
                x = Augment(x);
            }

            optimizer.zero_grad();
            var output = _model.forward(x);
            var loss = ComputeLoss(output, y, w, classWeights);
            double value = loss.item<float>();
            if (!double.IsFinite(value))
            {
                throw new TrainingDivergedException(
                    $"The training loss became {(double.IsNaN(value) ? "NaN" : "infinite")} in epoch {epoch} (batch {batchIndex} of {stepsPerEpoch}). "
                    + $"Lower the learning rate (for example lr={Options.LearningRateText(0.1)} instead of {Options.LearningRateText(1)}), "
                    + "set clip_grad_norm, or scale the inputs and check them for extreme values");
            }

            loss.backward();
            if (Options.ClipGradNorm is { } clip)
            {
                nn.utils.clip_grad_norm_(_model.parameters(), clip);
            }

            optimizer.step();
            if (Options.Schedule == LearningRateSchedule.OneCycle)
            {
                scheduler!.step();
            }

            lossSum += value * rows.Length;
            weightSum += rows.Length;
            if (Options.Loss == LossKind.CrossEntropy)
            {
                correct += output.argmax(1).eq(y).sum().item<long>();
                seen += rows.Length;
            }

            if (task is not null)
            {
                task.Increment(1);
            }
        }

        double trainLoss = lossSum / weightSum;
        double? trainAccuracy = seen > 0 ? (double)correct / seen : null;
        double? validationLoss = null, validationAccuracy = null;
        if (validation is not null)
        {
            (validationLoss, validationAccuracy) = Evaluate(validation, classWeights);
        }

        double monitored = validationLoss ?? trainLoss;
        switch (Options.Schedule)
        {
            case LearningRateSchedule.Step or LearningRateSchedule.Cosine:
                scheduler!.step();
                break;
            case LearningRateSchedule.ReduceOnPlateau:
                scheduler!.step(monitored);
                break;
        }

        return new EpochResult(epoch, trainLoss, validationLoss, trainAccuracy, validationAccuracy, optimizer.ParamGroups.First().LearningRate, clock.Elapsed.TotalSeconds);
    }

    private (double Loss, double? Accuracy) Evaluate(TensorDataset data, Tensor? classWeights)
    {
        _model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        foreach (long[] rows in data.Batches(Math.Max(Options.BatchSize, 256), shuffle: false, 0, 0))
        {
            using var scope = NewDisposeScope();
            using var index = tensor(rows);
            var x = data.Inputs.index_select(0, index).to(DeepRuntime.Device);
            var y = data.Targets.index_select(0, index).to(DeepRuntime.Device);
            var w = data.Weights?.index_select(0, index).to(DeepRuntime.Device);
            var output = _model.forward(x);
            lossSum += ComputeLoss(output, y, w, classWeights).item<float>() * rows.Length;
            if (Options.Loss == LossKind.CrossEntropy)
            {
                correct += output.argmax(1).eq(y).sum().item<long>();
            }
        }

        _model.train();
        return (lossSum / data.Count, Options.Loss == LossKind.CrossEntropy ? (double)correct / data.Count : null);
    }

    private Tensor ComputeLoss(Tensor output, Tensor y, Tensor? sampleWeights, Tensor? classWeights)
    {
        Tensor perSample = Options.Loss switch
        {
            LossKind.CrossEntropy => nn.functional.cross_entropy(output, y, reduction: nn.Reduction.None),
            LossKind.Mse => nn.functional.mse_loss(output, y, nn.Reduction.None).reshape(output.shape[0], -1).mean([1]),
            LossKind.L1 => nn.functional.l1_loss(output, y, nn.Reduction.None).reshape(output.shape[0], -1).mean([1]),
            _ => nn.functional.huber_loss(output, y, 1.0, nn.Reduction.None).reshape(output.shape[0], -1).mean([1]),
        };
        Tensor? weights = sampleWeights;
        if (classWeights is not null && Options.Loss == LossKind.CrossEntropy)
        {
            var perClass = classWeights.index_select(0, y);
            weights = weights is null ? perClass : weights * perClass;
        }

        // Weighted mean, as PyTorch's weighted cross-entropy: Σ wᵢ·lossᵢ / Σ wᵢ.
        return weights is null ? perSample.mean() : (perSample * weights).sum() / weights.sum().clamp_min(1e-12);
    }

    // A Network knows its input and output shapes: wrong sample shapes and labels beyond the output units are caught
    // here with a clear message instead of surfacing as a libtorch error from inside the first batch.
    private void CheckTargets(TensorDataset data, string what)
    {
        var network = _model as Network;
        if (network is not null && !data.Inputs.shape.Skip(1).SequenceEqual(network.InputShape))
        {
            throw new DataValidationException(
                $"The {what} samples have shape {LayerSpec.ShapeText(data.Inputs.shape.Skip(1))} but the network takes {LayerSpec.ShapeText(network.InputShape)}. Reshape the inputs or build the network for this shape");
        }

        if (Options.Loss == LossKind.CrossEntropy)
        {
            if (data.Targets.dtype != ScalarType.Int64 || data.Targets.shape.Length != 1)
            {
                throw new DataValidationException($"Cross-entropy needs the {what} targets as class indices (an int64 tensor [N])");
            }

            long classes = Options.ClassWeights?.Count ?? long.MaxValue;
            string limit = Options.ClassWeights is null ? string.Empty : $", {classes} class weights";
            if (network is not null && network.OutputShape.Length == 1 && network.OutputShape[0] < classes)
            {
                classes = network.OutputShape[0];
                limit = $", {classes} output units";
            }

            long min = data.Targets.min().item<long>(), max = data.Targets.max().item<long>();
            if (min < 0 || max >= classes)
            {
                throw new DataValidationException($"A {what} label is outside the class range (labels {min}..{max}{limit}). Labels must be class indices 0..classes-1");
            }
        }
        else if (!data.Targets.is_floating_point())
        {
            throw new DataValidationException($"The {Options.Loss} loss needs floating-point {what} targets");
        }
    }

    private optim.Optimizer CreateOptimizer()
    {
        var parameters = _model.parameters();
        return Options.Optimizer switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, Options.LearningRate, Options.Momentum, 0, Options.WeightDecay, Options.Nesterov),
            OptimizerKind.AdamW => optim.AdamW(parameters, Options.LearningRate, weight_decay: Options.WeightDecay),
            OptimizerKind.RmsProp => optim.RMSProp(parameters, Options.LearningRate, weight_decay: Options.WeightDecay, momentum: Options.Momentum),
            _ => optim.Adam(parameters, Options.LearningRate, weight_decay: Options.WeightDecay),
        };
    }

    private optim.lr_scheduler.LRScheduler? CreateScheduler(optim.Optimizer optimizer, int stepsPerEpoch) => Options.Schedule switch
    {
        LearningRateSchedule.Step => optim.lr_scheduler.StepLR(optimizer, Options.StepSize, Options.Gamma),
        LearningRateSchedule.Cosine => optim.lr_scheduler.CosineAnnealingLR(optimizer, Options.Epochs, Options.MinLearningRate),
        LearningRateSchedule.OneCycle => optim.lr_scheduler.OneCycleLR(optimizer, Options.LearningRate, total_steps: Options.Epochs * stepsPerEpoch),
        LearningRateSchedule.ReduceOnPlateau => optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor: Options.Gamma, patience: Options.PlateauPatience),
        _ => null,
    };

    // A resumed run rebuilds the schedule's position by replaying the steps of the finished epochs.
    private void ReplaySchedule(optim.lr_scheduler.LRScheduler? scheduler, List<EpochResult> history, int stepsPerEpoch)
    {
        if (scheduler is null)
        {
            return;
        }

        foreach (var epoch in history)
        {
            switch (Options.Schedule)
            {
                case LearningRateSchedule.OneCycle:
                    for (int i = 0; i < stepsPerEpoch; i++)
                    {
                        scheduler.step();
                    }

                    break;
                case LearningRateSchedule.ReduceOnPlateau:
                    scheduler.step(epoch.MonitoredLoss);
                    break;
                default:
                    scheduler.step();
                    break;
            }
        }
    }

    private void SaveCheckpoint(string path, optim.Optimizer optimizer, List<EpochResult> history, LoopState state)
    {
        var header = new JsonObject
        {
            ["version"] = CheckpointVersion,
            ["history"] = new TrainingHistory(history, 0, false).ToJson(),
            ["best_loss"] = double.IsFinite(state.BestLoss) ? state.BestLoss : null,
            ["bad_epochs"] = state.BadEpochs,
        };
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write("NETLEARN-CHECKPOINT");
            writer.Write(header.ToJsonString());
            _model.save(writer);
            ((OptimizerHelper)optimizer).save_state_dict(writer);
        });
    }

    // The schedule is replayed before the optimizer state is loaded: the state carries the learning rate reached.
    private void LoadCheckpoint(string path, optim.Optimizer optimizer, List<EpochResult> history, LoopState state, Action replaySchedule)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() != "NETLEARN-CHECKPOINT")
            {
                throw new DataValidationException("The file is not a NetLearn training checkpoint", file: path);
            }

            var header = (JsonObject)JsonNode.Parse(reader.ReadString())!;
            history.AddRange(TrainingHistory.FromJson((JsonArray)header["history"]!, false).Epochs);
            state.BestLoss = header["best_loss"]?.GetValue<double>() ?? double.PositiveInfinity;
            state.BadEpochs = header["bad_epochs"]!.GetValue<int>();
            _model.load(reader);
            replaySchedule();
            ((OptimizerHelper)optimizer).load_state_dict(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException or NullReferenceException or InvalidCastException or System.Text.Json.JsonException)
        {
            throw new DataValidationException($"The checkpoint cannot be resumed: {e.Message}. It must come from the same network and optimizer settings", file: path);
        }
    }

    private static string Describe(EpochResult r)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"epoch {r.Epoch} loss {r.TrainLoss:G4}"));
        if (r.TrainAccuracy is { } ta)
        {
            text.Append(CultureInfo.InvariantCulture, $" acc {ta:F3}");
        }

        if (r.ValidationLoss is { } vl)
        {
            text.Append(CultureInfo.InvariantCulture, $" val_loss {vl:G4}");
        }

        if (r.ValidationAccuracy is { } va)
        {
            text.Append(CultureInfo.InvariantCulture, $" val_acc {va:F3}");
        }

        return text.ToString();
    }

    /// <summary>Early-stopping bookkeeping and the best weights so far.</summary>
    private sealed class LoopState : IDisposable
    {
        private Dictionary<string, Tensor>? _best;

        public double BestLoss { get; set; } = double.PositiveInfinity;

        public int BadEpochs { get; set; }

        public void KeepBest(nn.Module model)
        {
            Dispose();
            using var noGrad = no_grad();
            _best = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        }

        public void RestoreBest(nn.Module model)
        {
            if (_best is null)
            {
                return;
            }

            using var noGrad = no_grad();
            foreach (var (name, value) in model.state_dict())
            {
                value.copy_(_best[name]);
            }
        }

        public void Dispose()
        {
            if (_best is not null)
            {
                foreach (var t in _best.Values)
                {
                    t.Dispose();
                }

                _best = null;
            }
        }
    }
}
