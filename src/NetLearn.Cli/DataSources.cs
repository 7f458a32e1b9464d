using NetLearn.Data;
using NetLearn.Deep.Data;
using NetLearn.Deep.Estimators;
using NetLearn.Estimators;
using NetLearn.Pipelines;

namespace NetLearn.Cli;

/// <summary>
/// Reads the <c>--data</c> of a command: a table file (CSV, Parquet, Arrow), a folder of images with one sub-folder per
/// class, or an MNIST-style IDX images file (its labels file beside it). Images become pixel columns and a
/// <c>label</c> column, so <c>--target</c> is not needed for them.
/// </summary>
public static class DataSources
{
    /// <summary>Loads <paramref name="path"/>; for images, <paramref name="model"/> (when given) fixes the image size.</summary>
    /// <returns>The table and the default target column (<c>label</c> for images, otherwise <c>null</c>).</returns>
    public static (Table Table, string? DefaultTarget) Load(string path, IModel? model = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var (width, height, channels) = ImageSize(model);
            var table = ImageFolder.Load(path, width, height, channels);
            return (table, table.Contains(ImageFolder.LabelColumn) ? ImageFolder.LabelColumn : null);
        }

        if (Path.GetFileName(path).Contains("-idx3-ubyte", StringComparison.Ordinal))
        {
            string labels = IdxFile.LabelsFileFor(path)
                ?? throw new DataValidationException("The IDX images file has no labels file beside it (…-labels-idx1-ubyte…). Put both files in one folder", file: path);
            return (IdxFile.LoadTable(path, labels), "label");
        }

        return (Table.Load(path), null);
    }

    /// <summary>The image size a fitted ConvNet (alone or at the end of a pipeline) expects; zeros when unknown.</summary>
    private static (int Width, int Height, int Channels) ImageSize(IModel? model)
    {
        var final = model is PipelineModel pipeline ? pipeline.Final : model;
        if (final is not NeuralNetworkClassifierModel<ConvNetClassifierOptions> convNet)
        {
            return (0, 0, 0);
        }

        int pixels = convNet.InputSchema.Count, channels = convNet.Options.Channels;
        var (height, width) = NetworkFittingShape(convNet.Options, pixels);
        return (width, height, channels);
    }

    private static (int Height, int Width) NetworkFittingShape(ConvNetClassifierOptions options, int pixels)
    {
        if (options.ImageHeight > 0)
        {
            return (options.ImageHeight, options.ImageWidth);
        }

        int side = (int)Math.Round(Math.Sqrt(pixels / (double)options.Channels));
        return (side, side);
    }
}
