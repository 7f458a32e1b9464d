using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

public sealed class PredictEvaluateTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public PredictEvaluateTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task Predict_writes_a_prediction_column_with_one_row_per_input_row()
    {
        using var dir = new TempDir();
        var result = await Expect.OkAsync("predict", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--out", dir.File("p.csv"));

        var predictions = CsvText.Read(dir.File("p.csv"));
        Assert.Equal(["prediction"], predictions.Header);
        Assert.Equal(150, predictions.Rows.Count);
        Assert.All(predictions.Column("prediction"), p => Assert.Contains(p, CliFixture.IrisClasses));
        Assert.Contains("150 predictions", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_proba_adds_one_probability_column_per_class_summing_to_1()
    {
        using var dir = new TempDir();
        await Expect.OkAsync("predict", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--out", dir.File("p.csv"), "--proba");

        var predictions = CsvText.Read(dir.File("p.csv"));
        string[] probaColumns = [.. CliFixture.IrisClasses.Select(c => $"proba_{c}")];
        Assert.Equal(["prediction", .. probaColumns], predictions.Header);
        var p = probaColumns.Select(predictions.NumericColumn).ToArray();
        string[] labels = predictions.Column("prediction");
        for (int r = 0; r < labels.Length; r++)
        {
            double[] row = [.. p.Select(column => column[r])];
            Assert.All(row, v => Assert.InRange(v, 0.0, 1.0));
            Assert.Equal(1.0, row.Sum(), 1e-9);
            Assert.Equal(CliFixture.IrisClasses[Array.IndexOf(row, row.Max())], labels[r]);
        }
    }

    [Fact]
    public async Task Evaluate_json_accuracy_matches_the_accuracy_of_the_predictions_file()
    {
        using var dir = new TempDir();
        await Expect.OkAsync("predict", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--out", dir.File("p.csv"));
        string[] predicted = CsvText.Read(dir.File("p.csv")).Column("prediction");
        string[] truth = CsvText.Read(_files.IrisCsv).Column("target");
        double expected = predicted.Zip(truth).Count(pair => pair.First == pair.Second) / (double)truth.Length;

        var json = await Expect.JsonAsync("evaluate", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--target", "target", "--json");

        Assert.Equal(expected, json["metrics"]!["accuracy"]!.GetValue<double>(), 12);
        Assert.Equal(150, json["test_rows"]!.GetValue<int>());
        Assert.Equal("classification", json["task"]!.GetValue<string>());
        Assert.True(expected > 0.9);
    }

    [Fact]
    public async Task Evaluate_text_report_lists_the_metrics()
    {
        var result = await Expect.OkAsync("evaluate", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--target", "target");

        Assert.Contains("accuracy", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("150 rows", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regression_predictions_are_numbers_and_evaluate_reports_r2()
    {
        using var dir = new TempDir();
        await Expect.OkAsync("predict", "--model", _files.DiabetesModel, "--data", _files.DiabetesCsv, "--out", dir.File("p.csv"));

        var predictions = CsvText.Read(dir.File("p.csv"));
        Assert.Equal(442, predictions.Rows.Count);
        Assert.All(predictions.NumericColumn("prediction"), v => Assert.InRange(v, -100, 500));

        var json = await Expect.JsonAsync("evaluate", "--model", _files.DiabetesModel, "--data", _files.DiabetesCsv, "--target", "target", "--json");
        Assert.InRange(json["metrics"]!["r2"]!.GetValue<double>(), 0.3, 0.7);
    }

    [Fact]
    public async Task Predict_ignores_extra_columns_and_accepts_columns_in_any_order()
    {
        using var dir = new TempDir();
        string path = dir.Write("new.csv", "id,petal_width,petal_length,sepal_width,sepal_length\n1,0.2,1.4,3.5,5.1\n2,2.3,5.2,3.0,6.7\n");
        await Expect.OkAsync("predict", "--model", _files.IrisModel, "--data", path, "--out", dir.File("p.csv"));

        Assert.Equal(["setosa", "virginica"], CsvText.Read(dir.File("p.csv")).Column("prediction"));
    }

    [Fact]
    public async Task Predict_imputes_blank_cells()
    {
        using var dir = new TempDir();
        string path = dir.Write("new.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,,1.4,0.2\n,,,\n");
        await Expect.OkAsync("predict", "--model", _files.IrisModel, "--data", path, "--out", dir.File("p.csv"));

        var predictions = CsvText.Read(dir.File("p.csv"));
        Assert.Equal(2, predictions.Rows.Count);
        Assert.Equal("setosa", predictions.Column("prediction")[0]);
    }
}
