using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary><c>evaluate</c> metric names, <c>cv</c> and <c>tune</c> as a user runs them.</summary>
public sealed class CvTuneTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public CvTuneTests(CliFixture files)
    {
        _files = files;
    }

    [Fact]
    public async Task Evaluate_json_reports_scikit_learn_scorer_names_without_neg()
    {
        var classification = (JsonObject)(await Expect.JsonAsync("evaluate", "--model", _files.IrisModel, "--data", _files.IrisCsv, "--target", "target", "--json"))["metrics"]!;
        foreach (string name in new[] { "accuracy", "balanced_accuracy", "precision_macro", "recall_macro", "f1_macro", "f1_weighted", "mcc", "log_loss", "roc_auc_ovr" })
        {
            Assert.True(classification.ContainsKey(name), $"missing {name} in {classification.ToJsonString()}");
        }

        Assert.False(classification.ContainsKey("roc_auc"));
        Assert.True(classification["log_loss"]!.GetValue<double>() > 0);

        var regression = (JsonObject)(await Expect.JsonAsync("evaluate", "--model", _files.DiabetesModel, "--data", _files.DiabetesCsv, "--target", "target", "--json"))["metrics"]!;
        foreach (string name in new[] { "r2", "mse", "rmse", "mae", "median_absolute_error", "mape", "explained_variance" })
        {
            Assert.True(regression.ContainsKey(name), $"missing {name} in {regression.ToJsonString()}");
        }

        Assert.Equal(Math.Sqrt(regression["mse"]!.GetValue<double>()), regression["rmse"]!.GetValue<double>(), 9);
        Assert.True(regression["mse"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task Cv_json_has_mean_std_and_one_value_per_fold_for_each_scorer()
    {
        var json = await Expect.JsonAsync("cv", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--scoring", "accuracy,f1_macro,neg_log_loss", "--json");
        Assert.Equal("logistic-regression", json["model"]!.GetValue<string>());
        Assert.Equal(5, json["folds"]!.GetValue<int>());
        var scores = (JsonObject)json["scores"]!;
        Assert.Equal(["accuracy", "f1_macro", "neg_log_loss"], scores.Select(s => s.Key));
        foreach (var (_, score) in scores)
        {
            double[] folds = [.. score!["folds"]!.AsArray().Select(v => v!.GetValue<double>())];
            Assert.Equal(5, folds.Length);
            Assert.Equal(folds.Average(), score["mean"]!.GetValue<double>(), 12);
            double std = Math.Sqrt(folds.Sum(v => Math.Pow(v - folds.Average(), 2)) / folds.Length);
            Assert.Equal(std, score["std"]!.GetValue<double>(), 12);
        }

        Assert.InRange(scores["accuracy"]!["mean"]!.GetValue<double>(), 0.9, 1.0);
        Assert.True(scores["neg_log_loss"]!["mean"]!.GetValue<double>() < 0);

        var again = await Expect.JsonAsync("cv", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--scoring", "accuracy,f1_macro,neg_log_loss", "--json");
        Assert.Equal(json.ToJsonString(), again.ToJsonString().Replace(again["fit_seconds"]!.ToJsonString(), json["fit_seconds"]!.ToJsonString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cv_repeats_folds_and_regression_defaults_to_r2()
    {
        var json = await Expect.JsonAsync("cv", "--data", _files.DiabetesCsv, "--target", "target", "--model", "linear-regression", "--folds", "3", "--repeats", "2", "--seed", "7", "--json");
        Assert.Equal(6, json["folds"]!.GetValue<int>());
        Assert.InRange(json["scores"]!["r2"]!["mean"]!.GetValue<double>(), 0.3, 0.6);

        var human = await Expect.OkAsync("cv", "--data", _files.DiabetesCsv, "--target", "target", "--model", "linear-regression", "--scoring", "neg_mean_squared_error,r2");
        Assert.Contains("neg_mean_squared_error", human.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", human.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cv_bad_scorer_or_task_mismatch_is_exit_code_2_naming_it()
    {
        Expect.BadInput(await CliRunner.RunAsync("cv", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--scoring", "mean_squared_error"), "mean_squared_error", "neg_mean_squared_error");
        Expect.BadInput(await CliRunner.RunAsync("cv", "--data", _files.DiabetesCsv, "--target", "target", "--model", "linear-regression", "--scoring", "accuracy"), "accuracy");
        Expect.BadInput(await CliRunner.RunAsync("cv", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--folds", "1"), "--folds");
    }

    [Fact]
    public async Task Tune_grid_saves_the_best_model_and_the_trials_table()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("tune", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--search", "grid",
            "--space", "C=choice(0.001,0.1,10); fit_intercept=choice(true,false)", "--folds", "3", "--scoring", "accuracy,neg_log_loss",
            "--out", dir.File("best.nlm"), "--trials-out", dir.File("trials.csv"), "--json");

        var trials = json["trials"]!.AsArray();
        Assert.Equal(6, trials.Count);
        Assert.Equal("grid", json["search"]!.GetValue<string>());
        double best = json["best_score"]!.GetValue<double>();
        Assert.Equal(trials.Max(t => t!["score"]!.GetValue<double>()), best);
        var bestParams = (JsonObject)json["best_params"]!;
        Assert.Equal(10.0, bestParams["C"]!.GetValue<double>());
        Assert.True(bestParams.ContainsKey("fit_intercept"));
        Assert.All(trials, t => Assert.True(t!["scores"]!.AsObject().ContainsKey("neg_log_loss")));

        var csv = CsvText.Read(dir.File("trials.csv"));
        Assert.Equal(6, csv.Rows.Count);
        Assert.Contains("param_model.C", csv.Header);
        Assert.Contains("mean_test_accuracy", csv.Header);

        // The saved model is a normal model file: evaluate scores it.
        var evaluation = await Expect.JsonAsync("evaluate", "--model", dir.File("best.nlm"), "--data", _files.IrisCsv, "--target", "target", "--json");
        Assert.InRange(evaluation["metrics"]!["accuracy"]!.GetValue<double>(), 0.9, 1.0);
    }

    [Fact]
    public async Task Tune_bayes_and_random_are_reproducible_with_a_seed_and_record_failed_trials()
    {
        using var dir = new TempDir();
        string[] args = ["tune", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--search", "bayes", "--space", "C=loguniform(0.001,100); max_iter=choice(0,100)", "--trials", "12", "--folds", "3", "--seed", "5", "--out", dir.File("a.nlm"), "--json"];
        var first = await Expect.JsonAsync(args);
        var second = await Expect.JsonAsync([.. args[..^3], "--parallel", "1", "--out", dir.File("b.nlm"), "--json"]);
        Assert.Equal(12, first["trials"]!.AsArray().Count);
        Assert.Equal(first["trials"]!.AsArray().Select(t => t!["params"]!.ToJsonString()), second["trials"]!.AsArray().Select(t => t!["params"]!.ToJsonString()));
        Assert.Equal(first["best_score"]!.GetValue<double>(), second["best_score"]!.GetValue<double>());

        // max_iter=0 is invalid: those trials fail with the reason and the search goes on.
        var failed = first["trials"]!.AsArray().Where(t => t!["state"]!.GetValue<string>() == "failed").ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, t => Assert.Contains("max_iter", t!["error"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(failed.Count, first["failed_trials"]!.GetValue<int>());
        Assert.Equal(100, first["best_params"]!["max_iter"]!.GetValue<int>());
    }

    [Fact]
    public async Task Tune_halving_regression_and_bad_spaces()
    {
        using var dir = new TempDir();
        var json = await Expect.JsonAsync("tune", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--search", "halving", "--space", "C=loguniform(0.001,100)", "--trials", "9", "--folds", "2", "--out", dir.File("h.nlm"), "--json");
        int[] rounds = [.. json["trials"]!.AsArray().Select(t => t!["round"]!.GetValue<int>())];
        Assert.Equal([9, 3, 1], rounds.GroupBy(r => r).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(150, json["trials"]!.AsArray().Last()!["resource"]!.GetValue<int>());

        var regression = await Expect.JsonAsync("tune", "--data", _files.DiabetesCsv, "--target", "target", "--model", "linear-regression", "--search", "grid", "--space", "fit_intercept=choice(true,false)", "--scoring", "neg_mean_squared_error", "--out", dir.File("r.nlm"), "--json");
        Assert.True(regression["best_score"]!.GetValue<double>() < 0);
        Assert.True(regression["best_params"]!["fit_intercept"]!.GetValue<bool>());
        Assert.True(File.Exists(dir.File("r.nlm")));

        Expect.BadInput(await CliRunner.RunAsync("tune", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--space", "C=loguniform(0,1)", "--out", dir.File("x.nlm")), "loguniform");
        Expect.BadInput(await CliRunner.RunAsync("tune", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--space", "C=uniform(0.1,1)", "--search", "annealing", "--out", dir.File("x.nlm")), "annealing");
        Expect.BadInput(await CliRunner.RunAsync("tune", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--space", "C=choice(-1,-2)", "--search", "grid", "--out", dir.File("x.nlm")), "trials failed", "C");
        Assert.False(File.Exists(dir.File("x.nlm")));
    }

    [Fact]
    public async Task Cv_plot_draws_one_box_of_fold_scores_per_scorer()
    {
        using var dir = new TempDir();
        string svg = dir.File("cv.svg");
        await Expect.JsonAsync("cv", "--data", _files.IrisCsv, "--target", "target", "--model", "logistic-regression", "--scoring", "accuracy,f1_macro", "--plot", svg, "--json");
        var texts = System.Xml.Linq.XDocument.Load(svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains(texts, t => t.Contains("accuracy", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("f1_macro", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("over 5 folds", StringComparison.Ordinal));
    }
}
