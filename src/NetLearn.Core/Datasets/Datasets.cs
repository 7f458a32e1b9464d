using NetLearn.Data;
using NetLearn.Data.IO;
using NetLearn.Estimators;

namespace NetLearn.Datasets;

/// <summary>An embedded dataset's description.</summary>
/// <param name="Name">Name used to load it.</param>
/// <param name="Task">Classification or regression.</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Features">Number of feature columns.</param>
/// <param name="Description">One line about it.</param>
public sealed record DatasetInfo(string Name, ModelTask Task, int Rows, int Features, string Description);

/// <summary>
/// The datasets scikit-learn bundles, embedded in NetLearn (BSD-3-Clause; see <c>Datasets/Data/README.md</c>). Every
/// one has its target in a column named <c>target</c>: class names for iris, wine and breast_cancer, digits 0–9 for
/// digits, a number for diabetes (raw, unscaled features, unlike scikit-learn's default).
/// </summary>
public static class Dataset
{
    private static readonly DatasetInfo[] Known =
    [
        new("iris", ModelTask.Classification, 150, 4, "Fisher's iris flowers: 3 species from sepal and petal sizes."),
        new("wine", ModelTask.Classification, 178, 13, "Italian wines: 3 cultivars from chemical analysis."),
        new("breast_cancer", ModelTask.Classification, 569, 30, "Wisconsin diagnostic breast cancer: malignant or benign from cell nuclei features."),
        new("digits", ModelTask.Classification, 1797, 64, "Handwritten digits 0-9 as 8x8 grey images (pixel_row_col, 0-16)."),
        new("diabetes", ModelTask.Regression, 442, 10, "Diabetes progression one year after baseline, from age, sex, BMI, blood pressure and six blood serum measurements."),
    ];

    /// <summary>The embedded datasets.</summary>
    public static IReadOnlyList<DatasetInfo> All => Known;

    /// <summary>The name of the target column in every embedded dataset.</summary>
    public const string TargetColumn = "target";

    /// <summary>Loads an embedded dataset by name (for example <c>iris</c>).</summary>
    /// <exception cref="DataValidationException">Unknown name; the message lists the known ones.</exception>
    public static Table Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var info = Known.FirstOrDefault(d => d.Name == name.Replace('-', '_'))
            ?? throw new DataValidationException($"There is no embedded dataset '{name}'. Available: {string.Join(", ", Known.Select(d => d.Name))}");
        using var stream = typeof(Dataset).Assembly.GetManifestResourceStream($"NetLearn.Datasets.{info.Name}.csv.gz")
            ?? throw new InvalidOperationException($"The embedded resource for dataset '{info.Name}' is missing from NetLearn.Core.");
        using var gzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return CsvFormat.Read(reader, new CsvOptions { Delimiter = ',' }, $"{info.Name} (embedded)");
    }

    /// <summary>Loads an embedded dataset split into features and target.</summary>
    public static (Table Features, Column Target) LoadXy(string name) => Load(name).SplitTarget(TargetColumn);
}
