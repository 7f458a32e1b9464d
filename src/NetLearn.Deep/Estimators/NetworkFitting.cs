using System.Globalization;
using NetLearn.Data;
using NetLearn.Deep.Layers;
using NetLearn.Deep.Training;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.LinearAlgebra;
using NetLearn.Validation;
using static TorchSharp.torch;

namespace NetLearn.Deep.Estimators;

/// <summary>The fit procedure all network estimators share: validate, standardise, build, train.</summary>
internal static class NetworkFitting
{
    public static NeuralNetworkClassifierModel<TOptions> FitClassifier<TOptions>(
        string kind, TOptions options, Table features, Column? target, FitContext? context, string estimator,
        Scaling scaling, int groupSize, ClassWeight? classWeight, Func<int, int, NetworkSpec> spec, Func<Tensor, Tensor>? augment = null)
        where TOptions : DeepOptions
    {
        context ??= FitContext.Default;
        Checks.NotEmpty(features, estimator);
        var y = Checks.Target(features, target, estimator);
        var labels = ClassLabels.FromTarget(y);
        if (labels.Count < 2)
        {
            throw new DataValidationException($"The target has only one class ('{labels.Classes.FormatValue(0)}'); a classifier needs at least two. Check the target column and any filters", column: y.Name);
        }

        int[] codes = labels.Encode(y);
        var x = TableTensors.ToMatrix(options, features);
        TableTensors.Check(options, x, features.Schema);
        var (mean, scale) = TableTensors.Standardization(x, scaling, groupSize);
        var networkSpec = spec(x.Columns, labels.Count);
        double[]? perClass = classWeight?.Compute(labels, codes);
        var inputs = TableTensors.Inputs(x, mean, scale);
        var targets = tensor(codes.Select(c => (long)c).ToArray());
        var (network, history) = Train(kind, options, networkSpec, inputs, targets, Weights(context, x.Rows), LossKind.CrossEntropy, perClass ?? [.. Enumerable.Repeat(1.0, labels.Count)], context, augment);
        return new NeuralNetworkClassifierModel<TOptions>(kind, options, features.Schema, network, mean, scale, history, labels.Classes);
    }

    public static NeuralNetworkRegressorModel<TOptions> FitRegressor<TOptions>(
        string kind, TOptions options, Table features, Column? target, FitContext? context, string estimator,
        Scaling scaling, int groupSize, LossKind loss, Func<int, NetworkSpec> spec)
        where TOptions : DeepOptions
    {
        context ??= FitContext.Default;
        Checks.NotEmpty(features, estimator);
        double[] y = Checks.RegressionTarget(features, target, estimator);
        var x = TableTensors.ToMatrix(options, features);
        TableTensors.Check(options, x, features.Schema);
        var (mean, scale) = TableTensors.Standardization(x, scaling, groupSize);
        double targetMean = y.Average();
        double targetScale = Math.Sqrt(y.Sum(v => (v - targetMean) * (v - targetMean)) / y.Length);
        targetScale = targetScale > 1e-12 ? targetScale : 1.0;
        var networkSpec = spec(x.Columns);
        var inputs = TableTensors.Inputs(x, mean, scale);
        var targets = tensor(y.Select(v => (float)((v - targetMean) / targetScale)).ToArray(), [y.Length, 1]);
        var (network, history) = Train(kind, options, networkSpec, inputs, targets, Weights(context, x.Rows), loss, null, context, augment: null);
        return new NeuralNetworkRegressorModel<TOptions>(kind, options, features.Schema, network, mean, scale, history, targetMean, targetScale, target!.Name);
    }

    private static Tensor? Weights(FitContext context, int rows) =>
        Checks.SampleWeight(context.SampleWeight, rows) is { } w ? tensor(w.Select(v => (float)v).ToArray()) : null;

    private static (Network Network, TrainingHistory History) Train(
        string kind, DeepOptions options, NetworkSpec spec, Tensor inputs, Tensor targets, Tensor? weights, LossKind loss,
        IReadOnlyList<double>? classWeights, FitContext context, Func<Tensor, Tensor>? augment)
    {
        using var all = new TensorDataset(inputs, targets, weights);
        lock (Runtime.DeepRuntime.RandomGate) // the whole of initialisation and training: see DeepRuntime.RandomGate
        {
            manual_seed(options.RandomState);
            var network = spec.Build();
            TensorDataset train = all;
            TensorDataset? validation = null;
            if (options.ValidationFraction > 0 && all.Count >= 20)
            {
                (train, validation) = all.Split(options.ValidationFraction, options.RandomState);
            }

            try
            {
                var trainer = new Trainer(network, options.ToTrainerOptions(loss, classWeights))
                {
                    Augment = augment,
                    EpochFinished = e => context.Progress?.Report(new FitProgress(kind, e.Epoch, options.Epochs, e.TrainLoss)),
                };
                var history = trainer.Fit(train, validation, cancellationToken: context.CancellationToken);
                network.eval();
                return (network, history);
            }
            finally
            {
                if (!ReferenceEquals(train, all))
                {
                    train.Dispose();
                }

                validation?.Dispose();
            }
        }
    }

    /// <summary>The image shape a ConvNet expects from <paramref name="columns"/> feature columns.</summary>
    public static (int Height, int Width) ImageShape(ConvNetClassifierOptions options, int columns)
    {
        int channels = options.Channels;
        if (options.ImageHeight > 0)
        {
            if (columns != channels * options.ImageHeight * options.ImageWidth)
            {
                throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The data has {columns} pixel columns, but {channels}×{options.ImageHeight}×{options.ImageWidth} images (channels × image_height × image_width) need {channels * options.ImageHeight * options.ImageWidth}. Set the image size to match the data"));
            }

            return (options.ImageHeight, options.ImageWidth);
        }

        int side = (int)Math.Round(Math.Sqrt(columns / (double)channels));
        if (side * side * channels != columns)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The data has {columns} pixel columns, which is not {channels} channel(s) of a square image. Set image_height, image_width and channels"));
        }

        return (side, side);
    }

    /// <summary>The sequence length for <paramref name="columns"/> columns of features_per_step values per step.</summary>
    public static int SequenceLength(RecurrentOptions options, int columns)
    {
        int perStep = options.VocabSize > 0 ? 1 : options.FeaturesPerStep;
        if (columns % perStep != 0)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The data has {columns} columns, which is not a whole number of time steps of {perStep} values (features_per_step). Fix features_per_step or the columns"));
        }

        return columns / perStep;
    }

    /// <summary>The recurrent network: optional embedding, the recurrent stack, dropout, the output layer.</summary>
    public static NetworkSpec RecurrentSpec(RecurrentOptions options, int columns, int outputs)
    {
        int length = SequenceLength(options, columns);
        var builder = NetworkBuilder.Input(columns);
        builder = options.VocabSize > 0
            ? builder.Add(new EmbeddingLayer(options.VocabSize, options.EmbeddingDim, MarkPadding: options.PackSequences))
            : builder.Reshape(length, options.FeaturesPerStep);
        builder.Add(new RecurrentLayer(options.Cell, options.HiddenSize, options.NumLayers, options.Bidirectional, options.NumLayers > 1 ? options.Dropout : 0, Packed: options.PackSequences));
        if (options.Dropout > 0)
        {
            builder.Dropout(options.Dropout);
        }

        return builder.Dense(outputs).Spec;
    }

    /// <summary>The multilayer perceptron: hidden layers of Dense → (BatchNorm) → activation → (Dropout), then the output layer.</summary>
    public static NetworkSpec MlpSpec(int columns, IReadOnlyList<int> hidden, Activation activation, bool batchNorm, double dropout, int outputs)
    {
        var builder = NetworkBuilder.Input(columns);
        foreach (int units in hidden)
        {
            builder.Dense(units);
            if (batchNorm)
            {
                builder.BatchNorm();
            }

            builder.Activation(activation);
            if (dropout > 0)
            {
                builder.Dropout(dropout);
            }
        }

        return builder.Dense(outputs).Spec;
    }
}
