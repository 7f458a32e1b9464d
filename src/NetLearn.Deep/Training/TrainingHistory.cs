using System.Text.Json.Nodes;

namespace NetLearn.Deep.Training;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">The epoch (1-based).</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (weighted by samples).</param>
/// <param name="ValidationLoss">Loss on the validation data, if any.</param>
/// <param name="TrainAccuracy">Training accuracy (classification).</param>
/// <param name="ValidationAccuracy">Validation accuracy (classification with validation data).</param>
/// <param name="LearningRate">The learning rate at the end of the epoch.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch.</param>
public sealed record EpochResult(int Epoch, double TrainLoss, double? ValidationLoss, double? TrainAccuracy, double? ValidationAccuracy, double LearningRate, double Seconds)
{
    /// <summary>The loss early stopping and the plateau schedule watch: validation loss if there is one.</summary>
    public double MonitoredLoss => ValidationLoss ?? TrainLoss;

    /// <summary>The epoch as a JSON object (snake_case, absent values left out).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["epoch"] = Epoch, ["train_loss"] = TrainLoss };
        if (ValidationLoss is { } vl)
        {
            json["val_loss"] = vl;
        }

        if (TrainAccuracy is { } ta)
        {
            json["train_accuracy"] = ta;
        }

        if (ValidationAccuracy is { } va)
        {
            json["val_accuracy"] = va;
        }

        json["lr"] = LearningRate;
        json["seconds"] = Seconds;
        return json;
    }

    /// <summary>Reads an epoch written by <see cref="ToJson"/>.</summary>
    public static EpochResult FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new EpochResult(
            json["epoch"]!.GetValue<int>(),
            json["train_loss"]!.GetValue<double>(),
            json["val_loss"]?.GetValue<double>(),
            json["train_accuracy"]?.GetValue<double>(),
            json["val_accuracy"]?.GetValue<double>(),
            json["lr"]!.GetValue<double>(),
            json["seconds"]!.GetValue<double>());
    }
}

/// <summary>The epochs of a training run.</summary>
/// <param name="Epochs">One result per epoch run.</param>
/// <param name="BestEpoch">The epoch with the lowest monitored loss.</param>
/// <param name="StoppedEarly">Whether early stopping or a callback ended training before the last epoch.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochResult> Epochs, int BestEpoch, bool StoppedEarly)
{
    /// <summary>The history as a JSON array of epochs.</summary>
    public JsonArray ToJson() => new([.. Epochs.Select(e => (JsonNode?)e.ToJson())]);

    /// <summary>Reads a history from its JSON array; <see cref="BestEpoch"/> is recomputed.</summary>
    public static TrainingHistory FromJson(JsonArray json, bool stoppedEarly)
    {
        ArgumentNullException.ThrowIfNull(json);
        var epochs = json.Select(n => EpochResult.FromJson((JsonObject)n!)).ToList();
        return new TrainingHistory(epochs, Best(epochs), stoppedEarly);
    }

    internal static int Best(IReadOnlyList<EpochResult> epochs) =>
        epochs.Count == 0 ? 0 : epochs.MinBy(e => e.MonitoredLoss)!.Epoch;
}

/// <summary>Lets a callback stop training.</summary>
public sealed class TrainingControl
{
    /// <summary>Whether a stop was requested.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Ends training after the current epoch.</summary>
    public void Stop() => StopRequested = true;
}

/// <summary>Called by the <see cref="Trainer"/> after every epoch (logging, custom metrics, custom stopping rules).</summary>
public interface ITrainingCallback
{
    /// <summary>Receives the finished epoch; call <see cref="TrainingControl.Stop"/> to end training.</summary>
    void OnEpochEnd(EpochResult epoch, TrainingControl control);
}

/// <summary>A callback from a delegate.</summary>
/// <param name="action">Called after every epoch.</param>
public sealed class EpochCallback(Action<EpochResult, TrainingControl> action) : ITrainingCallback
{
    /// <inheritdoc />
    public void OnEpochEnd(EpochResult epoch, TrainingControl control) => action(epoch, control);
}

/// <summary>The training loss stopped being a finite number: the learning rate is too high or the data has extreme values.</summary>
public sealed class TrainingDivergedException(string message) : NetLearnException(message);
