using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary>Tree models from the command line, as a user runs them.</summary>
public sealed class TreeModelTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public TreeModelTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task A_random_forest_trains_on_iris_with_set_hyperparameters_and_predicts_probabilities()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync(
            "train", "--data", _files.IrisCsv, "--target", "target", "--model", "random-forest-classifier",
            "--set", "n_estimators=25", "--set", "max_features=2", "--set", "random_state=0", "--out", dir.File("rf.nlm"), "--json");
        Assert.True(json["metrics"]!["accuracy"]!.GetValue<double>() > 0.85);

        await Expect.OkAsync("predict", "--model", dir.File("rf.nlm"), "--data", _files.IrisCsv, "--out", dir.File("p.csv"), "--proba");
        string[] lines = File.ReadAllLines(dir.File("p.csv"));
        Assert.Equal(151, lines.Length);
    }

    [Fact]
    public async Task Gradient_boosting_and_a_decision_tree_train_on_diabetes()
    {
        using var dir = new TempDir();
        var boosted = await Expect.JsonAsync(
            "train", "--data", _files.DiabetesCsv, "--target", "target", "--model", "hist-gradient-boosting-regressor",
            "--set", "max_iter=50", "--set", "learning_rate=0.05", "--out", dir.File("hgb.nlm"), "--json");
        Assert.InRange(boosted["metrics"]!["r2"]!.GetValue<double>(), 0.2, 0.8);

        var tree = await Expect.JsonAsync(
            "train", "--data", _files.DiabetesCsv, "--target", "target", "--model", "decision-tree-regressor",
            "--set", "max_depth=3", "--set", "criterion=absolute_error", "--out", dir.File("dt.nlm"), "--json");
        Assert.InRange(tree["metrics"]!["r2"]!.GetValue<double>(), 0.0, 0.8);
    }

    [Fact]
    public async Task A_bad_tree_hyperparameter_is_a_usage_error()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "decision-tree-classifier", "--set", "max_depth=0", "--out", dir.File("x.nlm"));
        Expect.BadInput(result, "max_depth");
        Expect.NoFile(dir.File("x.nlm"));
    }
}
