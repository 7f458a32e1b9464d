using System.Text.Json.Serialization;
using NetLearn.Deep.Layers;
using NetLearn.Deep.Training;
using NetLearn.Estimators;
using NetLearn.Linear;

namespace NetLearn.Deep.Estimators;

/// <summary>
/// The training hyperparameters every network estimator shares (snake_case on the command line:
/// <c>--set epochs=10 batch_size=128 lr=0.001</c>).
/// </summary>
public abstract record DeepOptions : EstimatorOptions
{
    /// <summary>Passes over the training data (<c>epochs</c>).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Samples per mini-batch (<c>batch_size</c>).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Learning rate (<c>lr</c>); the peak rate for the one-cycle schedule.</summary>
    [JsonPropertyName("lr")]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Optimiser (<c>optimizer</c>): adam, adam_w, sgd, rms_prop.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Momentum of SGD and RMSprop (<c>momentum</c>).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov momentum for SGD (<c>nesterov</c>).</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 penalty; decoupled for adam_w (<c>weight_decay</c>).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Learning-rate schedule (<c>schedule</c>): constant, step, cosine, one_cycle, reduce_on_plateau.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Epochs between decays of the step schedule (<c>step_size</c>).</summary>
    public int StepSize { get; init; } = 10;

    /// <summary>Decay factor of the step and plateau schedules (<c>gamma</c>).</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Floor of the cosine schedule (<c>min_lr</c>).</summary>
    public double MinLr { get; init; }

    /// <summary>Epochs without improvement before the plateau schedule decays (<c>plateau_patience</c>).</summary>
    public int PlateauPatience { get; init; } = 3;

    /// <summary>Clip the gradient norm to this (<c>clip_grad_norm</c>); null disables.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>
    /// Fraction of the training rows held out (stratified for classifiers) to validate on after every epoch
    /// (<c>validation_fraction</c>); 0 disables. Ignored with fewer than 20 rows.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop after this many epochs without improvement of the validation loss (<c>early_stopping_patience</c>); 0 disables.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Seed of weight initialisation, shuffling, dropout, augmentation and the validation split (<c>random_state</c>).</summary>
    public int RandomState { get; init; }

    /// <summary>libtorch threads (<c>threads</c>); 0 chooses 1 for small networks, otherwise min(4, cores).</summary>
    public int Threads { get; init; }

    /// <summary>Checks the shared values.</summary>
    public override void Validate()
    {
        ToTrainerOptions(LossKind.CrossEntropy, null).Validate();
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new HyperparameterException("validation_fraction", "must be in [0, 1); 0 disables validation");
        }
    }

    /// <summary>The trainer settings these hyperparameters describe.</summary>
    public TrainerOptions ToTrainerOptions(LossKind loss, IReadOnlyList<double>? classWeights) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Optimizer = Optimizer,
        Momentum = Momentum,
        Nesterov = Nesterov,
        WeightDecay = WeightDecay,
        Schedule = Schedule,
        StepSize = StepSize,
        Gamma = Gamma,
        MinLearningRate = MinLr,
        PlateauPatience = PlateauPatience,
        ClipGradNorm = ClipGradNorm,
        EarlyStoppingPatience = EarlyStoppingPatience,
        Seed = RandomState,
        Threads = Threads,
        Loss = loss,
        ClassWeights = classWeights,
        Progress = ProgressDisplay.Never,
    };

    /// <summary>Checks a list of layer sizes.</summary>
    protected static void RequirePositive(IReadOnlyList<int> values, string parameter, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(values);
        if ((!allowEmpty && values.Count == 0) || values.Any(v => v < 1))
        {
            throw new HyperparameterException(parameter, allowEmpty ? "must be a list of positive sizes, for example [64, 32]" : "must be a non-empty list of positive sizes, for example [32, 64]");
        }
    }

    /// <summary>Checks a dropout rate.</summary>
    protected static void RequireRate(double rate, string parameter)
    {
        if (!(rate >= 0 && rate < 1))
        {
            throw new HyperparameterException(parameter, "must be in [0, 1)");
        }
    }
}

/// <summary>Hyperparameters of <see cref="MLPClassifier"/> (scikit-learn's names where they exist).</summary>
public sealed record MLPClassifierOptions : DeepOptions
{
    /// <summary>Units of each hidden layer (<c>hidden_layer_sizes</c>).</summary>
    public IReadOnlyList<int> HiddenLayerSizes { get; init; } = [100];

    /// <summary>Hidden activation (<c>activation</c>).</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Dropout after each hidden layer (<c>dropout</c>).</summary>
    public double Dropout { get; init; }

    /// <summary>Batch normalisation after each hidden layer (<c>batch_norm</c>).</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Class weights (<c>class_weight</c>): null, "balanced" or weights by label.</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequirePositive(HiddenLayerSizes, "hidden_layer_sizes", allowEmpty: true);
        RequireRate(Dropout, "dropout");
    }

    /// <inheritdoc />
    public bool Equals(MLPClassifierOptions? other) => other is not null && base.Equals(other) && HiddenLayerSizes.SequenceEqual(other.HiddenLayerSizes)
        && Activation == other.Activation && Dropout.Equals(other.Dropout) && BatchNorm == other.BatchNorm && Equals(ClassWeight, other.ClassWeight);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), HiddenLayerSizes.Count, Activation, Dropout);
}

/// <summary>Hyperparameters of <see cref="MLPRegressor"/>.</summary>
public sealed record MLPRegressorOptions : DeepOptions
{
    /// <summary>Units of each hidden layer (<c>hidden_layer_sizes</c>).</summary>
    public IReadOnlyList<int> HiddenLayerSizes { get; init; } = [100];

    /// <summary>Hidden activation (<c>activation</c>).</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Dropout after each hidden layer (<c>dropout</c>).</summary>
    public double Dropout { get; init; }

    /// <summary>Batch normalisation after each hidden layer (<c>batch_norm</c>).</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Loss (<c>loss</c>): mse, l1 or huber.</summary>
    public LossKind Loss { get; init; } = LossKind.Mse;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequirePositive(HiddenLayerSizes, "hidden_layer_sizes", allowEmpty: true);
        RequireRate(Dropout, "dropout");
        RecurrentRegressorOptions.RequireRegressionLoss(Loss);
    }

    /// <inheritdoc />
    public bool Equals(MLPRegressorOptions? other) => other is not null && base.Equals(other) && HiddenLayerSizes.SequenceEqual(other.HiddenLayerSizes)
        && Activation == other.Activation && Dropout.Equals(other.Dropout) && BatchNorm == other.BatchNorm && Loss == other.Loss;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), HiddenLayerSizes.Count, Activation, Dropout);
}

/// <summary>
/// Hyperparameters of <see cref="ConvNetClassifier"/>: blocks of convolution → (batch norm) → ReLU → 2×2 max pooling,
/// then a dense layer with dropout. Images are rows of pixel columns in channel, row, column order.
/// </summary>
public sealed record ConvNetClassifierOptions : DeepOptions
{
    /// <summary>Image height in pixels (<c>image_height</c>); 0 infers a square image from the number of columns.</summary>
    public int ImageHeight { get; init; }

    /// <summary>Image width in pixels (<c>image_width</c>); 0 infers a square image.</summary>
    public int ImageWidth { get; init; }

    /// <summary>Colour channels (<c>channels</c>): 1 for grey, 3 for RGB.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Filters of each convolution block (<c>filters</c>).</summary>
    public IReadOnlyList<int> Filters { get; init; } = [32, 64];

    /// <summary>Convolutions per block before the pooling (<c>convs_per_block</c>).</summary>
    public int ConvsPerBlock { get; init; } = 1;

    /// <summary>Kernel size (<c>kernel_size</c>).</summary>
    public int KernelSize { get; init; } = 3;

    /// <summary>Units of the dense layer before the output (<c>dense_units</c>).</summary>
    public int DenseUnits { get; init; } = 128;

    /// <summary>Dropout before the output layer (<c>dropout</c>).</summary>
    public double Dropout { get; init; } = 0.25;

    /// <summary>Batch normalisation after each convolution (<c>batch_norm</c>).</summary>
    public bool BatchNorm { get; init; } = true;

    /// <summary>Augmentation: random crops after zero-padding by this many pixels (<c>random_crop</c>); 0 disables.</summary>
    public int RandomCrop { get; init; }

    /// <summary>Augmentation: flip half the images left-right (<c>horizontal_flip</c>).</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Augmentation: rotate by a random angle up to this many degrees (<c>rotation</c>); 0 disables.</summary>
    public double Rotation { get; init; }

    /// <summary>Class weights (<c>class_weight</c>).</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequirePositive(Filters, "filters", allowEmpty: false);
        RequireRate(Dropout, "dropout");
        if (ImageHeight < 0 || ImageWidth < 0 || (ImageHeight == 0) != (ImageWidth == 0))
        {
            throw new HyperparameterException("image_height", "set both image_height and image_width, or neither (0 infers a square image)");
        }

        if (Channels < 1 || KernelSize < 1 || DenseUnits < 1 || ConvsPerBlock < 1 || RandomCrop < 0 || !(Rotation >= 0 && Rotation <= 180))
        {
            throw new HyperparameterException(Channels < 1 ? "channels" : KernelSize < 1 ? "kernel_size" : DenseUnits < 1 ? "dense_units" : ConvsPerBlock < 1 ? "convs_per_block" : RandomCrop < 0 ? "random_crop" : "rotation", "is out of range");
        }
    }

    /// <inheritdoc />
    public bool Equals(ConvNetClassifierOptions? other) => other is not null && base.Equals(other) && Filters.SequenceEqual(other.Filters)
        && ImageHeight == other.ImageHeight && ImageWidth == other.ImageWidth && Channels == other.Channels && ConvsPerBlock == other.ConvsPerBlock
        && KernelSize == other.KernelSize && DenseUnits == other.DenseUnits && Dropout.Equals(other.Dropout) && BatchNorm == other.BatchNorm
        && RandomCrop == other.RandomCrop && HorizontalFlip == other.HorizontalFlip && Rotation.Equals(other.Rotation) && Equals(ClassWeight, other.ClassWeight);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Filters.Count, ImageHeight, ImageWidth, Channels);
}

/// <summary>
/// Shared hyperparameters of the recurrent estimators. A row is a sequence: its columns are the time steps in order
/// (<c>features_per_step</c> consecutive columns per step), or token ids when <c>vocab_size</c> &gt; 0.
/// </summary>
public abstract record RecurrentOptions : DeepOptions
{
    /// <summary>Recurrent cell (<c>cell</c>): lstm, gru or rnn.</summary>
    public RecurrentCell Cell { get; init; } = RecurrentCell.Lstm;

    /// <summary>Hidden units per direction (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Stacked recurrent layers (<c>num_layers</c>).</summary>
    public int NumLayers { get; init; } = 1;

    /// <summary>Also read the sequence backwards (<c>bidirectional</c>).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Values per time step (<c>features_per_step</c>); the columns are step-major.</summary>
    public int FeaturesPerStep { get; init; } = 1;

    /// <summary>When &gt; 0, the columns are token ids in [0, vocab_size) with 0 as padding, embedded first (<c>vocab_size</c>).</summary>
    public int VocabSize { get; init; }

    /// <summary>Embedding size for token input (<c>embedding_dim</c>).</summary>
    public int EmbeddingDim { get; init; } = 32;

    /// <summary>Dropout between stacked layers and before the output (<c>dropout</c>).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Variable-length sequences (<c>pack_sequences</c>): padding steps — token id 0, or steps whose values are all
    /// missing — are skipped as PyTorch's <c>pack_padded_sequence</c> skips them, so padding never changes a prediction.
    /// When false, padding steps are fed to the network like any other step.
    /// </summary>
    public bool PackSequences { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequireRate(Dropout, "dropout");
        if (HiddenSize < 1 || NumLayers < 1 || FeaturesPerStep < 1 || VocabSize < 0 || EmbeddingDim < 1)
        {
            throw new HyperparameterException(HiddenSize < 1 ? "hidden_size" : NumLayers < 1 ? "num_layers" : FeaturesPerStep < 1 ? "features_per_step" : VocabSize < 0 ? "vocab_size" : "embedding_dim", "must be positive");
        }
    }
}

/// <summary>Hyperparameters of <see cref="RecurrentClassifier"/>.</summary>
public sealed record RecurrentClassifierOptions : RecurrentOptions
{
    /// <summary>Class weights (<c>class_weight</c>).</summary>
    public ClassWeight? ClassWeight { get; init; }
}

/// <summary>Hyperparameters of <see cref="RecurrentRegressor"/>.</summary>
public sealed record RecurrentRegressorOptions : RecurrentOptions
{
    /// <summary>Loss (<c>loss</c>): mse, l1 or huber.</summary>
    public LossKind Loss { get; init; } = LossKind.Mse;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequireRegressionLoss(Loss);
    }

    internal static void RequireRegressionLoss(LossKind loss)
    {
        if (loss == LossKind.CrossEntropy)
        {
            throw new HyperparameterException("loss", "a regressor needs mse, l1 or huber");
        }
    }
}
