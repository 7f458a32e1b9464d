using NetLearn.Data;
using NetLearn.Deep.Data;
using NetLearn.Deep.Layers;
using NetLearn.Estimators;

namespace NetLearn.Deep.Estimators;

/// <summary>
/// A multilayer perceptron classifier for tabular data (scikit-learn's <c>MLPClassifier</c>, trained with libtorch):
/// standardised inputs, hidden Dense layers, softmax output, cross-entropy loss, Adam by default.
/// </summary>
public sealed class MLPClassifier(MLPClassifierOptions? options = null)
    : Estimator<MLPClassifierOptions, NeuralNetworkClassifierModel<MLPClassifierOptions>>(options ?? new MLPClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "mlp_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override NeuralNetworkClassifierModel<MLPClassifierOptions> Fit(Table features, Column? target = null, FitContext? context = null) =>
        NetworkFitting.FitClassifier(KindName, Options, features, target, context, "MLPClassifier", Scaling.PerColumn, 1, Options.ClassWeight,
            (p, k) => NetworkFitting.MlpSpec(p, Options.HiddenLayerSizes, Options.Activation, Options.BatchNorm, Options.Dropout, k));
}

/// <summary>A multilayer perceptron regressor for tabular data (scikit-learn's <c>MLPRegressor</c>); inputs and target are standardised.</summary>
public sealed class MLPRegressor(MLPRegressorOptions? options = null)
    : Estimator<MLPRegressorOptions, NeuralNetworkRegressorModel<MLPRegressorOptions>>(options ?? new MLPRegressorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "mlp_regressor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override NeuralNetworkRegressorModel<MLPRegressorOptions> Fit(Table features, Column? target = null, FitContext? context = null) =>
        NetworkFitting.FitRegressor(KindName, Options, features, target, context, "MLPRegressor", Scaling.PerColumn, 1, Options.Loss,
            p => NetworkFitting.MlpSpec(p, Options.HiddenLayerSizes, Options.Activation, Options.BatchNorm, Options.Dropout, 1));
}

/// <summary>
/// A convolutional network classifier for images (LeCun et al., 1998; the common VGG-style block layout): each row is an
/// image as pixel columns in channel, row, column order (as <see cref="ImageFolder"/> and <see cref="IdxFile"/> produce).
/// Pixels are standardised with the training mean and deviation; optional augmentation by random crops, flips and rotations.
/// </summary>
public sealed class ConvNetClassifier(ConvNetClassifierOptions? options = null)
    : Estimator<ConvNetClassifierOptions, NeuralNetworkClassifierModel<ConvNetClassifierOptions>>(options ?? new ConvNetClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "conv_net_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override NeuralNetworkClassifierModel<ConvNetClassifierOptions> Fit(Table features, Column? target = null, FitContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var (height, width) = features.ColumnCount > 0 ? NetworkFitting.ImageShape(Options, features.ColumnCount) : (0, 0);
        var augment = ImageAugmentation.Create(Options.RandomCrop, Options.HorizontalFlip, Options.Rotation, Options.Channels, height, width);
        return NetworkFitting.FitClassifier(KindName, Options, features, target, context, "ConvNetClassifier", Scaling.Global, 1, Options.ClassWeight, (p, k) => Spec(Options, height, width, k), augment);
    }

    /// <summary>The network for images of the given size and <paramref name="classes"/> classes.</summary>
    public static NetworkSpec Spec(ConvNetClassifierOptions options, int height, int width, int classes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = NetworkBuilder.Input((long)options.Channels * height * width).Reshape(options.Channels, height, width);
        foreach (int filters in options.Filters)
        {
            for (int i = 0; i < options.ConvsPerBlock; i++)
            {
                builder.Conv2d(filters, options.KernelSize);
                if (options.BatchNorm)
                {
                    builder.BatchNorm();
                }

                builder.Relu();
            }

            builder.MaxPool(2);
        }

        builder.Flatten().Dense(options.DenseUnits).Relu();
        if (options.Dropout > 0)
        {
            builder.Dropout(options.Dropout);
        }

        return builder.Dense(classes).Spec;
    }
}

/// <summary>
/// A recurrent network classifier for sequences (LSTM by default; GRU or plain RNN; stacked, bidirectional): each row is
/// a sequence of numeric steps, or of token ids (<c>vocab_size</c> &gt; 0) embedded first; the final state feeds the output layer.
/// </summary>
public sealed class RecurrentClassifier(RecurrentClassifierOptions? options = null)
    : Estimator<RecurrentClassifierOptions, NeuralNetworkClassifierModel<RecurrentClassifierOptions>>(options ?? new RecurrentClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "recurrent_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override NeuralNetworkClassifierModel<RecurrentClassifierOptions> Fit(Table features, Column? target = null, FitContext? context = null) =>
        NetworkFitting.FitClassifier(KindName, Options, features, target, context, "RecurrentClassifier", Options.VocabSize > 0 ? Scaling.None : Scaling.PerStepFeature, Options.FeaturesPerStep, Options.ClassWeight,
            (p, k) => NetworkFitting.RecurrentSpec(Options, p, k));
}

/// <summary>
/// A recurrent network regressor for sequences and time-series forecasting (rows from <see cref="Sequences.SlidingWindow(IReadOnlyList{double}, int, int, string)"/>):
/// inputs standardised per step feature, the target standardised.
/// </summary>
public sealed class RecurrentRegressor(RecurrentRegressorOptions? options = null)
    : Estimator<RecurrentRegressorOptions, NeuralNetworkRegressorModel<RecurrentRegressorOptions>>(options ?? new RecurrentRegressorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "recurrent_regressor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override NeuralNetworkRegressorModel<RecurrentRegressorOptions> Fit(Table features, Column? target = null, FitContext? context = null) =>
        NetworkFitting.FitRegressor(KindName, Options, features, target, context, "RecurrentRegressor", Options.VocabSize > 0 ? Scaling.None : Scaling.PerStepFeature, Options.FeaturesPerStep, Options.Loss,
            p => NetworkFitting.RecurrentSpec(Options, p, 1));
}
