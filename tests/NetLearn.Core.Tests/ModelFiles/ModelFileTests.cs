using System.IO.Compression;
using System.Text;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.ModelFiles;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.ModelFiles;

public sealed class ModelFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("netlearn-modelfile-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static (ClassifierPipelineModel Model, Table X) FittedPipeline()
    {
        var data = Table.ReadCsv(Path.Combine(AppContext.BaseDirectory, "Fixtures", "preprocessing_input.csv"));
        var y = Column.Create("label", [.. Enumerable.Range(0, data.RowCount).Select(i => i % 3 == 0 ? "yes" : "no")]);
        var pipeline = DefaultPreprocessing.For(data, new LogisticRegression(new LogisticRegressionOptions { C = 0.5 }), scale: true);
        return ((ClassifierPipelineModel)pipeline.Fit(data, y), data);
    }

    [Fact]
    public void PipelineRoundTripsBitExactly()
    {
        var (model, x) = FittedPipeline();
        string path = PathOf("p.nlm");
        ModelFile.Save(path, model, new TrainingInfo { Rows = x.RowCount, Seed = 7, Target = "label" });
        var loaded = Assert.IsType<ClassifierPipelineModel>(ModelFile.Load(path));
        Assert.Equal(model.PredictProba(x).AsSpan().ToArray(), loaded.PredictProba(x).AsSpan().ToArray());
        var original = (LogisticRegressionModel)model.Final;
        var reloaded = (LogisticRegressionModel)loaded.Final;
        Assert.Equal(original.Coefficients.AsSpan().ToArray(), reloaded.Coefficients.AsSpan().ToArray());
        Assert.Equal(original.Intercept, reloaded.Intercept);
        Assert.Equal(model.InputSchema, loaded.InputSchema);
        Assert.Equal(model.FeatureNamesOut, loaded.FeatureNamesOut);
    }

    [Fact]
    public void ManifestDescribesTheModel()
    {
        var (model, x) = FittedPipeline();
        string path = PathOf("m.nlm");
        ModelFile.Save(path, model, new TrainingInfo { Rows = x.RowCount, Seed = 7, Target = "label", Metrics = new Dictionary<string, double> { ["accuracy"] = 0.5 } });
        var manifest = ModelFile.ReadManifest(path);
        Assert.Equal(1, manifest.FormatVersion);
        Assert.Equal("pipeline", manifest.ModelKind);
        Assert.Equal("classification", manifest.Task);
        Assert.Equal(0.5, manifest.Hyperparameters["model.C"]!.GetValue<double>());
        Assert.Equal("most_frequent", manifest.Hyperparameters["preprocess.cat.impute.strategy"]!.GetValue<string>());
        Assert.Equal(["num_a", "num_b", "city"], manifest.InputSchema.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(["no", "yes"], manifest.OutputSchema["classes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(12, manifest.Training["rows"]!.GetValue<int>());
        Assert.All(manifest.Payload, p => Assert.Equal(64, p.Sha256.Length));
        Assert.Contains("\"format_version\": 1", manifest.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFileIsRefused()
    {
        var (model, _) = FittedPipeline();
        string path = PathOf("t.nlm");
        ModelFile.Save(path, model);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("t.nlm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AlteredWeightsAreRefused()
    {
        var (model, _) = FittedPipeline();
        string path = PathOf("a.nlm");
        ModelFile.Save(path, model);
        Rewrite(path, "arrays/00000.bin", bytes => bytes[0] ^= 0x01);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("arrays/00000.bin", e.Message, StringComparison.Ordinal);
        Assert.Contains("altered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AlteredManifestIsRefused()
    {
        var (model, _) = FittedPipeline();
        string path = PathOf("m.nlm");
        ModelFile.Save(path, model);
        Rewrite(path, "manifest.json", bytes =>
        {
            string text = Encoding.UTF8.GetString(bytes).Replace("\"classification\"", "\"regression\"", StringComparison.Ordinal);
            return Encoding.UTF8.GetBytes(text);
        });
        var e = Assert.Throws<ModelFileException>(() => ModelFile.ReadManifest(path));
        Assert.Contains("manifest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NewerFormatVersionIsRefusedWithAdvice()
    {
        var (model, _) = FittedPipeline();
        string path = PathOf("v.nlm");
        ModelFile.Save(path, model);
        byte[] manifest = [];
        Rewrite(path, "manifest.json", bytes =>
        {
            manifest = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"format_version\": 1", "\"format_version\": 99", StringComparison.Ordinal));
            return manifest;
        });
        Rewrite(path, "manifest.sha256", _ => Encoding.ASCII.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(manifest))));
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("format version 99", e.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingAndNonModelFilesAreRefused()
    {
        Assert.Throws<ModelFileException>(() => ModelFile.Load(PathOf("nope.nlm")));
        File.WriteAllText(PathOf("x.nlm"), "not a zip");
        Assert.Throws<ModelFileException>(() => ModelFile.Load(PathOf("x.nlm")));
    }

    [Fact]
    public void EveryCoreModelRoundTrips()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        IModel[] models =
        [
            new LinearRegression().Fit(x, y),
            new StandardScaler(new StandardScalerOptions { WithMean = false }).Fit(x),
            new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.Median }).Fit(x),
            new OneHotEncoder(new OneHotEncoderOptions { Drop = DropCategory.IfBinary }).Fit(x.Select("sex")),
        ];
        foreach (var model in models)
        {
            string path = PathOf($"{model.Kind}.nlm");
            ModelFile.Save(path, model);
            var loaded = ModelFile.Load(path);
            Assert.Equal(model.GetType(), loaded.GetType());
            Assert.Equal(model.Options, loaded.Options);
            Assert.Equal(model.InputSchema, loaded.InputSchema);
            if (model is ITransformerModel t)
            {
                Assert.Equal(t.Transform(x).ToMatrix().AsSpan().ToArray(), ((ITransformerModel)loaded).Transform(x).ToMatrix().AsSpan().ToArray());
            }
            else
            {
                Assert.Equal(((IPredictor)model).Predict(x).ToDoubleArray(), ((IPredictor)loaded).Predict(x).ToDoubleArray());
            }
        }
    }

    [Fact]
    public void FailedSaveLeavesNoFile()
    {
        var (model, _) = FittedPipeline();
        string path = Path.Combine(_dir.FullName, "no-such-folder", "m.nlm");
        Assert.Throws<DataValidationException>(() => ModelFile.Save(path, model));
        Assert.False(File.Exists(path));
        Assert.Empty(_dir.GetFiles("*.tmp", SearchOption.AllDirectories));
    }

    private static void Rewrite(string path, string entryName, Func<byte[], byte[]> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName)!;
        byte[] bytes;
        using (var s = entry.Open())
        using (var m = new MemoryStream())
        {
            s.CopyTo(m);
            bytes = m.ToArray();
        }

        entry.Delete();
        var replaced = zip.CreateEntry(entryName);
        using var w = replaced.Open();
        w.Write(change(bytes));
    }

    private static void Rewrite(string path, string entryName, Action<byte[]> change) => Rewrite(path, entryName, b =>
    {
        change(b);
        return b;
    });
}
