using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary>`netlearn train --model NAME` for the linear family, SVMs, neighbours and naive Bayes, as a user runs it.</summary>
public sealed class SupervisedModelsTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public SupervisedModelsTests(CliFixture files)
    {
        _files = files;
    }

    public static TheoryData<string, double> Classifiers => new()
    {
        { "gaussian-nb", 0.85 }, { "multinomial-nb", 0.6 }, { "bernoulli-nb", 0.2 }, { "complement-nb", 0.5 },
        { "knn-classifier", 0.85 }, { "svc", 0.85 }, { "linear-svc", 0.85 }, { "sgd-classifier", 0.7 },
    };

    public static TheoryData<string, double> Regressors => new()
    {
        { "ridge", 0.3 }, { "lasso", 0.3 }, { "elastic-net", 0.2 }, { "knn-regressor", 0.2 }, { "svr", 0.0 }, { "linear-svr", 0.0 }, { "sgd-regressor", 0.2 },
    };

    [Theory]
    [MemberData(nameof(Classifiers))]
    public async Task Classifier_trains_on_iris_and_saves_a_loadable_model(string model, double minimumAccuracy)
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", model, "--out", dir.File("m.nlm"), "--json");
        Assert.Equal(model, json["model"]!.GetValue<string>());
        double accuracy = json["metrics"]!["accuracy"]!.GetValue<double>();
        Assert.True(accuracy >= minimumAccuracy, $"{model}: accuracy {accuracy}");
        await Expect.OkAsync("predict", "--model", dir.File("m.nlm"), "--data", _files.IrisCsv, "--out", dir.File("p.csv"));
        Assert.Equal(151, File.ReadAllLines(dir.File("p.csv")).Length);
    }

    [Theory]
    [MemberData(nameof(Regressors))]
    public async Task Regressor_trains_on_diabetes(string model, double minimumR2)
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("train", "--data", _files.DiabetesCsv, "--target", "target", "--model", model, "--out", dir.File("m.nlm"), "--json");
        double r2 = json["metrics"]!["r2"]!.GetValue<double>();
        Assert.True(r2 >= minimumR2, $"{model}: r2 {r2}");
    }

    [Fact]
    public async Task Svc_probabilities_are_opt_in()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "svc", "--out", dir.File("plain.nlm"), "--json");
        Assert.Null(json["metrics"]!["log_loss"]);
        var refused = await CliRunner.RunAsync("predict", "--model", dir.File("plain.nlm"), "--data", _files.IrisCsv, "--out", dir.File("p.csv"), "--proba");
        Expect.BadInput(refused, "probability=true");
        Expect.NoFile(dir.File("p.csv"));

        json = await Expect.JsonAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "svc", "--set", "probability=true", "--set", "gamma=0.5", "--out", dir.File("proba.nlm"), "--json");
        Assert.NotNull(json["metrics"]!["log_loss"]);
        await Expect.OkAsync("predict", "--model", dir.File("proba.nlm"), "--data", _files.IrisCsv, "--out", dir.File("p.csv"), "--proba");
    }

    [Fact]
    public async Task Bad_hyperparameters_name_the_parameter()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "knn-classifier", "--set", "n_neighbors=0", "--out", dir.File("m.nlm"));
        Expect.BadInput(result, "n_neighbors");
        Expect.NoFile(dir.File("m.nlm"));
        result = await CliRunner.RunAsync("train", "--data", _files.DiabetesCsv, "--target", "target", "--model", "elastic-net", "--set", "l1_ratio=2", "--out", dir.File("m.nlm"));
        Expect.BadInput(result, "l1_ratio");
    }

    [Fact]
    public async Task Logistic_regression_takes_l1_and_elasticnet_penalties()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--set", "penalty=l1", "--set", "C=0.5", "--out", dir.File("l1.nlm"), "--json");
        Assert.True(json["metrics"]!["accuracy"]!.GetValue<double>() >= 0.85);
        await Expect.OkAsync("predict", "--model", dir.File("l1.nlm"), "--data", _files.IrisCsv, "--out", dir.File("p.csv"), "--proba");
        Assert.Equal(151, File.ReadAllLines(dir.File("p.csv")).Length);

        // The order of --set options does not matter: penalty=elasticnet is only valid once l1_ratio is set.
        json = await Expect.JsonAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--set", "penalty=elasticnet", "--set", "solver=saga", "--set", "l1_ratio=0.5", "--out", dir.File("en.nlm"), "--json");
        Assert.True(json["metrics"]!["accuracy"]!.GetValue<double>() >= 0.85);

        var refused = await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--set", "penalty=l1", "--set", "solver=lbfgs", "--out", dir.File("bad.nlm"));
        Expect.BadInput(refused, "supports only 'l2' or 'none' penalties");
        Expect.NoFile(dir.File("bad.nlm"));
        refused = await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--set", "penalty=elasticnet", "--out", dir.File("bad.nlm"));
        Expect.BadInput(refused, "l1_ratio");
    }
}
