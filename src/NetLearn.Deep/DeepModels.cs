using System.Runtime.CompilerServices;
using NetLearn.Deep.Estimators;
using NetLearn.Estimators;
using NetLearn.ModelFiles;

namespace NetLearn.Deep;

/// <summary>
/// Registers the network model kinds with <see cref="ModelRegistry"/> (so <c>.nlm</c> files of networks load anywhere
/// this assembly is referenced) and the estimators with <see cref="EstimatorCatalog"/> (<c>netlearn train --model mlp|cnn|lstm</c>).
/// Runs automatically when the assembly is first used; hosts that may load a network file before touching any
/// NetLearn.Deep type (the CLI, the server) call <see cref="Register"/> at start-up.
/// </summary>
public static class DeepModels
{
    private static int _registered;

    /// <summary>Registers everything once (idempotent, thread-safe).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        ModelRegistry.Register(MLPClassifier.KindName, r => NeuralNetworkClassifierModel<MLPClassifierOptions>.Load(r, MLPClassifier.KindName));
        ModelRegistry.Register(MLPRegressor.KindName, r => NeuralNetworkRegressorModel<MLPRegressorOptions>.Load(r, MLPRegressor.KindName));
        ModelRegistry.Register(ConvNetClassifier.KindName, r => NeuralNetworkClassifierModel<ConvNetClassifierOptions>.Load(r, ConvNetClassifier.KindName));
        ModelRegistry.Register(RecurrentClassifier.KindName, r => NeuralNetworkClassifierModel<RecurrentClassifierOptions>.Load(r, RecurrentClassifier.KindName));
        ModelRegistry.Register(RecurrentRegressor.KindName, r => NeuralNetworkRegressorModel<RecurrentRegressorOptions>.Load(r, RecurrentRegressor.KindName));

        EstimatorCatalog.Register(new CatalogEntry("mlp", ModelTask.Classification, "Multilayer perceptron classifier (libtorch); tabular data.", false, () => new MLPClassifier()));
        EstimatorCatalog.Register(new CatalogEntry("mlp-regressor", ModelTask.Regression, "Multilayer perceptron regressor (libtorch); tabular data.", false, () => new MLPRegressor()));
        EstimatorCatalog.Register(new CatalogEntry("cnn", ModelTask.Classification, "Convolutional network classifier (libtorch); images as pixel columns or an image folder.", false, () => new ConvNetClassifier()));
        EstimatorCatalog.Register(new CatalogEntry("lstm", ModelTask.Classification, "Recurrent (LSTM/GRU/RNN) sequence classifier (libtorch); one sequence per row.", false, () => new RecurrentClassifier()));
        EstimatorCatalog.Register(new CatalogEntry("lstm-regressor", ModelTask.Regression, "Recurrent (LSTM/GRU/RNN) sequence regressor and forecaster (libtorch).", false, () => new RecurrentRegressor()));
    }

    // A library module initializer is deliberate here: model files of networks must load as soon as this assembly is used.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterOnLoad() => Register();
}
