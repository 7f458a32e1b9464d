using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.ModelFiles;
using NetLearn.Pipelines;

namespace NetLearn.Serving.Tests.Infrastructure;

/// <summary>Models trained once per test run on the embedded datasets, saved as .nlm files.</summary>
public static class TestModels
{
    private static readonly Lazy<(IClassifier Model, string Path)> IrisModel = new(() =>
    {
        var (x, y) = Dataset.LoadXy("iris");
        var model = (IClassifier)DefaultPreprocessing.For(x, new LogisticRegression(), scale: true).FitModel(x, y);
        string path = Path.Combine(Directory.CreateTempSubdirectory("netlearn-serving-models-").FullName, "iris.nlm");
        ModelFile.Save(path, model);
        return (model, path);
    });

    private static readonly Lazy<(IPredictor Model, string Path)> DiabetesModel = new(() =>
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var model = (IPredictor)new LinearRegression().FitModel(x, y);
        string path = Path.Combine(Directory.CreateTempSubdirectory("netlearn-serving-models-").FullName, "diabetes.nlm");
        ModelFile.Save(path, model);
        return (model, path);
    });

    /// <summary>Logistic regression (with default preprocessing) on iris: 4 numeric columns, 3 string classes.</summary>
    public static IClassifier Iris => IrisModel.Value.Model;

    /// <summary>The iris model's file.</summary>
    public static string IrisPath => IrisModel.Value.Path;

    /// <summary>Linear regression on diabetes: 10 numeric columns.</summary>
    public static IPredictor Diabetes => DiabetesModel.Value.Model;

    /// <summary>The diabetes model's file.</summary>
    public static string DiabetesPath => DiabetesModel.Value.Path;

    /// <summary>Iris feature names in schema order.</summary>
    public static string[] IrisColumns => [.. Iris.InputSchema.Names];

    /// <summary>Rows of the iris data set (features only).</summary>
    public static Table IrisRows(int count) => Dataset.LoadXy("iris").Features.Head(count);

    /// <summary>Rows 0, 50, 100: one of each class.</summary>
    public static double[][] ThreeIrisRows => [[5.1, 3.5, 1.4, 0.2], [7.0, 3.2, 4.7, 1.4], [6.3, 3.3, 6.0, 2.5]];

    /// <summary>A table of the given iris rows.</summary>
    public static Table IrisTable(double[][] rows) =>
        new(IrisColumns.Select((name, c) => (Column)new NumericColumn(name, [.. rows.Select(r => r[c])])));
}
