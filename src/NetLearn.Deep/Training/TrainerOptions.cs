using System.Globalization;

namespace NetLearn.Deep.Training;

/// <summary>Optimisation algorithm.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba, 2015).</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter, 2019).</summary>
    AdamW,

    /// <summary>Stochastic gradient descent with (optionally Nesterov) momentum (Sutskever et al., 2013).</summary>
    Sgd,

    /// <summary>RMSprop (Tieleman and Hinton, 2012).</summary>
    RmsProp,
}

/// <summary>Learning-rate schedule.</summary>
public enum LearningRateSchedule
{
    /// <summary>A constant learning rate.</summary>
    Constant,

    /// <summary>Multiply by <c>gamma</c> every <c>step_size</c> epochs.</summary>
    Step,

    /// <summary>Cosine annealing to <c>min_lr</c> over the epochs (Loshchilov and Hutter, 2017).</summary>
    Cosine,

    /// <summary>One-cycle: warm up to the learning rate, then anneal far below it, per batch (Smith and Topin, 2019).</summary>
    OneCycle,

    /// <summary>Multiply by <c>gamma</c> when the monitored loss has not improved for <c>plateau_patience</c> epochs.</summary>
    ReduceOnPlateau,
}

/// <summary>Loss function.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy over class logits (classification).</summary>
    CrossEntropy,

    /// <summary>Mean squared error (regression).</summary>
    Mse,

    /// <summary>Mean absolute error (regression).</summary>
    L1,

    /// <summary>Huber loss with δ = 1 (regression, robust to outliers).</summary>
    Huber,
}

/// <summary>When the trainer draws a progress bar.</summary>
public enum ProgressDisplay
{
    /// <summary>Only when standard output is an interactive terminal.</summary>
    Auto,

    /// <summary>Never.</summary>
    Never,
}

/// <summary>Settings of a <see cref="Trainer"/>. The defaults suit small networks.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per mini-batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The (initial, or peak for one-cycle) learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Momentum of SGD and RMSprop.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Use Nesterov momentum (SGD).</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 penalty (decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Epochs between decays of the step schedule.</summary>
    public int StepSize { get; init; } = 10;

    /// <summary>Decay factor of the step and plateau schedules.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>The floor of the cosine schedule.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>Epochs without improvement before the plateau schedule decays.</summary>
    public int PlateauPatience { get; init; } = 3;

    /// <summary>The loss.</summary>
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;

    /// <summary>Per-class loss weights (cross-entropy), indexed by class; <c>null</c> for equal weights.</summary>
    public IReadOnlyList<double>? ClassWeights { get; init; }

    /// <summary>Clip the global gradient norm to this value; <c>null</c> disables clipping.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Stop after this many epochs without improvement of the monitored loss (validation loss if there is validation data); 0 disables.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>The smallest decrease of the monitored loss that counts as improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>With early stopping, end with the weights of the best epoch.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Shuffle the training data every epoch (seeded).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of shuffling, dropout and augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>libtorch intra-op threads; 0 chooses: 1 for networks under 100,000 parameters, else min(4, cores).</summary>
    public int Threads { get; init; }

    /// <summary>A file to write a checkpoint to after every epoch (atomically); <c>null</c> for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Whether to draw a progress bar.</summary>
    public ProgressDisplay Progress { get; init; } = ProgressDisplay.Auto;

    /// <summary>Checks every value.</summary>
    /// <exception cref="HyperparameterException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(Epochs >= 1, "epochs", "must be at least 1");
        Require(BatchSize >= 1, "batch_size", "must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "lr", "must be a positive number (for example 0.001)");
        Require(Momentum is >= 0 and < 1, "momentum", "must be in [0, 1)");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weight_decay", "must be a non-negative number");
        Require(StepSize >= 1, "step_size", "must be at least 1");
        Require(Gamma is > 0 and < 1, "gamma", "must be in (0, 1)");
        Require(MinLearningRate >= 0 && MinLearningRate < LearningRate, "min_lr", "must be non-negative and below lr");
        Require(PlateauPatience >= 0, "plateau_patience", "must be non-negative");
        Require(ClipGradNorm is null || ClipGradNorm > 0, "clip_grad_norm", "must be positive (or unset)");
        Require(EarlyStoppingPatience >= 0, "early_stopping_patience", "must be non-negative (0 disables early stopping)");
        Require(MinDelta >= 0, "min_delta", "must be non-negative");
        Require(Threads >= 0, "threads", "must be non-negative (0 chooses automatically)");
        Require(!Nesterov || (Optimizer == OptimizerKind.Sgd && Momentum > 0), "nesterov", "needs optimizer=sgd and a positive momentum");
        if (ClassWeights is { } weights)
        {
            Require(weights.All(w => w >= 0 && double.IsFinite(w)) && weights.Any(w => w > 0), "class_weight", "must be non-negative numbers, not all zero");
        }
    }

    private static void Require(bool ok, string parameter, string message)
    {
        if (!ok)
        {
            throw new HyperparameterException(parameter, message);
        }
    }

    /// <summary>A short text for messages.</summary>
    internal string LearningRateText(double factor) => (LearningRate * factor).ToString("G3", CultureInfo.InvariantCulture);
}
