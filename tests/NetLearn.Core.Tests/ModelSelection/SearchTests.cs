using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.ModelSelection;

public class SearchTests
{
    private static Pipeline ScaledLogistic() =>
        new(new Step("scale", new StandardScaler()), new Step("model", new LogisticRegression(new LogisticRegressionOptions { MaxIter = 300 })));

    [Fact]
    public void The_command_line_space_syntax_parses_and_round_trips()
    {
        var space = SearchSpace.Parse("max_depth=int(2,12); learning_rate=loguniform(0.01,0.3); criterion=choice(gini,entropy); gamma=uniform(0,1) if criterion=gini; seed=7");
        Assert.Equal(5, space.Parameters.Count);
        Assert.Equal(new IntRange("max_depth", 2, 12), space.Parameters[0]);
        Assert.Equal(new FloatRange("learning_rate", 0.01, 0.3, Log: true), space.Parameters[1]);
        Assert.Equal(["gini", "entropy"], ((Categorical)space.Parameters[2]).Choices);
        Assert.Equal("criterion", space.Parameters[3].When!.Parent);
        Assert.Equal(space.ToString(), SearchSpace.Parse(space.ToString()).ToString());

        var random = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            var p = space.Sample(random);
            Assert.InRange(int.Parse(p["max_depth"], System.Globalization.CultureInfo.InvariantCulture), 2, 12);
            Assert.InRange(double.Parse(p["learning_rate"], System.Globalization.CultureInfo.InvariantCulture), 0.01, 0.3);
            Assert.Equal(p["criterion"] == "gini", p.ContainsKey("gamma"));
        }

        foreach (string bad in new[] { "C", "C=loguniform(0,1)", "C=uniform(2,1)", "C=beta(1,2)", "C=int(1.5,3)", "b=uniform(0,1) if a=x" })
        {
            Assert.Throws<HyperparameterException>(() => SearchSpace.Parse(bad));
        }
    }

    [Fact]
    public void Grid_expands_conditionals_only_where_active()
    {
        var space = SearchSpace.Parse("kernel=choice(linear,rbf); gamma=choice(0.1,1) if kernel=rbf; C=loguniform(0.1,10)");
        var grid = space.Grid(points: 3);
        Assert.Equal((1 + 2) * 3, grid.Count);
        Assert.Equal(["0.1", "1", "10"], grid.Where(g => g["kernel"] == "linear").Select(g => g["C"]).Select(c => Math.Round(double.Parse(c, System.Globalization.CultureInfo.InvariantCulture), 9).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(grid, g => g["kernel"] == "linear" && g.ContainsKey("gamma"));
    }

    [Fact]
    public void Grid_search_over_a_nested_pipeline_parameter_scores_like_cross_validate_and_refits_the_best()
    {
        var (x, y) = Dataset.LoadXy("breast_cancer");
        var space = SearchSpace.Parse("model.C=choice(0.001,0.1,10); scale.with_mean=choice(true,false)");
        var result = HyperparameterSearch.Run(ScaledLogistic(), space, x, y, new SearchOptions { Strategy = SearchStrategy.Grid, Parallelism = 2, Scoring = Scorers.Parse("accuracy,neg_log_loss", ModelTask.Classification) });

        Assert.Equal(6, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        var direct = CrossValidation.CrossValidate(ScaledLogistic().WithParameter("model.C", "0.1"), x, y);
        var trial = result.Trials.Single(t => t.Parameters["model.C"] == "0.1" && t.Parameters["scale.with_mean"] == "true");
        Assert.Equal(direct.TestScore().Mean, trial.Score, 12);
        Assert.Equal(result.Trials.Max(t => t.Score), result.BestScore);
        Assert.Equal(1, result.Best!.Rank);
        Assert.Equal(result.BestParameters["model.C"], ((LogisticRegressionModel)((PipelineModel)result.BestModel!).Final).Options.C.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(result.Trials.Single(t => t.Parameters["model.C"] == "0.001" && t.Parameters["scale.with_mean"] == "true").Scores["neg_log_loss"].Mean < trial.Scores["neg_log_loss"].Mean);

        string csv = result.ToCsv();
        Assert.StartsWith("number,state,rank,param_model.C,param_scale.with_mean,score,mean_test_accuracy,std_test_accuracy,mean_test_neg_log_loss", csv, StringComparison.Ordinal);
        Assert.Equal(7, csv.Trim().Split('\n').Length);
    }

    [Fact]
    public void A_failing_trial_is_recorded_and_the_search_goes_on()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var space = SearchSpace.Parse("C=choice(-1,1,bogus)");
        var result = HyperparameterSearch.Run(new LogisticRegression(), space, x, y, new SearchOptions { Strategy = SearchStrategy.Grid, Parallelism = 1 });
        Assert.Equal(3, result.Trials.Count);
        var failed = result.Trials.Where(t => t.State == TrialState.Failed).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, t => Assert.Contains("'C'", t.Error, StringComparison.Ordinal));
        Assert.All(failed, t => Assert.Equal(2, t.Rank));
        Assert.Equal("1", result.BestParameters["C"]);
    }

    [Fact]
    public void A_seeded_search_gives_the_same_trials_at_any_parallelism()
    {
        var space = SearchSpace.Parse("x=uniform(-5,10); y=uniform(0,15); k=choice(a,b,c); n=intlog(1,1000)");
        double Objective(IReadOnlyDictionary<string, string> p, CancellationToken _) =>
            -Branin(Num(p["x"]), Num(p["y"])) + (p["k"] == "b" ? 1 : 0) - (Math.Log(Num(p["n"])) * 0.01);
        foreach (var strategy in new[] { SearchStrategy.Random, SearchStrategy.Bayes })
        {
            var one = HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = strategy, Trials = 30, Seed = 11, Parallelism = 1 });
            var four = HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = strategy, Trials = 30, Seed = 11, Parallelism = 4 });
            Assert.Equal(one.Trials.Select(t => t.Parameters.OrderBy(p => p.Key)), four.Trials.Select(t => t.Parameters.OrderBy(p => p.Key)));
            var other = HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = strategy, Trials = 30, Seed = 12, Parallelism = 1 });
            Assert.NotEqual(one.Trials[0].Parameters["x"], other.Trials[0].Parameters["x"]);
        }

        // Same result whatever the thread timing, and early stops at the same trial.
        var a = HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = SearchStrategy.Bayes, Trials = 24, Seed = 3, Parallelism = 3 });
        var b = HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = SearchStrategy.Bayes, Trials = 24, Seed = 3, Parallelism = 2 });
        Assert.Equal(a.Trials.Select(t => t.Score), b.Trials.Select(t => t.Score));
        var c = HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = SearchStrategy.Random, Trials = 40, Seed = 3, Parallelism = 1, Patience = 4 });
        var d = HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = SearchStrategy.Random, Trials = 40, Seed = 3, Parallelism = 7, Patience = 4 });
        Assert.Equal(c.Trials.Select(t => t.Score), d.Trials.Select(t => t.Score));
    }

    [Fact]
    public void Tpe_finds_better_points_than_random_search_on_branin_on_average()
    {
        var space = SearchSpace.Parse("x=uniform(-5,10); y=uniform(0,15)");
        double Objective(IReadOnlyDictionary<string, string> p, CancellationToken _) => -Branin(Num(p["x"]), Num(p["y"]));
        double tpe = 0, random = 0;
        for (int seed = 0; seed < 8; seed++)
        {
            tpe += HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = SearchStrategy.Bayes, Trials = 60, Seed = seed, Parallelism = 1 }).BestScore;
            random += HyperparameterSearch.Optimize(space, Objective, new SearchOptions { Strategy = SearchStrategy.Random, Trials = 60, Seed = seed, Parallelism = 1 }).BestScore;
        }

        // Regret against the global minimum 0.397887: TPE's mean regret is clearly smaller.
        double tpeRegret = (-tpe / 8) - 0.397887, randomRegret = (-random / 8) - 0.397887;
        Assert.True(tpeRegret < randomRegret * 0.7, $"TPE regret {tpeRegret}, random {randomRegret}");
    }

    [Fact]
    public void Early_stop_by_patience_and_target()
    {
        var space = SearchSpace.Parse("x=uniform(0,1)");
        var patient = HyperparameterSearch.Optimize(space, (_, _) => 1.0, new SearchOptions { Trials = 50, Seed = 1, Parallelism = 1, Patience = 5 });
        Assert.Equal(6, patient.Trials.Count);
        Assert.Contains("no improvement", patient.StopReason, StringComparison.Ordinal);
        var target = HyperparameterSearch.Optimize(space, (p, _) => Num(p["x"]), new SearchOptions { Trials = 500, Seed = 1, Parallelism = 1, TargetScore = 0.9 });
        Assert.True(target.Trials.Count < 500);
        Assert.True(target.BestScore >= 0.9);
    }

    [Fact]
    public void Successive_halving_promotes_the_best_third_on_growing_row_budgets()
    {
        var (x, y) = Dataset.LoadXy("breast_cancer");
        var space = SearchSpace.Parse("model.C=loguniform(0.0001,100)");
        var result = HyperparameterSearch.Run(ScaledLogistic(), space, x, y, new SearchOptions { Strategy = SearchStrategy.Halving, Trials = 9, Seed = 5, Parallelism = 2 });
        var rounds = result.Trials.GroupBy(t => t.Round).OrderBy(g => g.Key).ToList();
        Assert.Equal([9, 3, 1], rounds.Select(g => g.Count()));
        int[] budgets = [.. rounds.Select(g => g.First().Resource!.Value)];
        Assert.Equal(x.RowCount, budgets[^1]);
        Assert.True(budgets[0] < budgets[1] && budgets[1] < budgets[2]);
        foreach (var (earlier, later) in rounds.Zip(rounds.Skip(1)))
        {
            var promoted = later.Select(t => t.Parameters["model.C"]).ToHashSet();
            var expected = earlier.OrderByDescending(t => t.Score).Take(promoted.Count).Select(t => t.Parameters["model.C"]);
            Assert.True(promoted.SetEquals(expected));
        }

        Assert.Equal(rounds[^1].Single().Parameters, result.BestParameters);
        Assert.NotNull(result.BestModel);
    }

    [Fact]
    public void Halving_over_iterations_and_hyperband_run_brackets()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var space = SearchSpace.Parse("C=loguniform(0.01,100)");
        var halving = HyperparameterSearch.Run(new LogisticRegression(), space, x, y, new SearchOptions { Strategy = SearchStrategy.Halving, HalvingResource = "max_iter", MaxResources = 90, Trials = 9, Seed = 2, Refit = false });
        Assert.Equal(["10", "30", "90"], halving.Trials.GroupBy(t => t.Round).Select(g => g.First().Parameters["max_iter"]));
        var hyperband = HyperparameterSearch.Run(new LogisticRegression(), space, x, y, new SearchOptions { Strategy = SearchStrategy.Hyperband, HalvingResource = "max_iter", MaxResources = 90, Seed = 2, Refit = false });
        Assert.True(hyperband.Trials.Count > halving.Trials.Count);
        Assert.Equal("90", hyperband.BestParameters["max_iter"]);
        Assert.Throws<HyperparameterException>(() => HyperparameterSearch.Run(new LogisticRegression(), space, x, y, new SearchOptions { Strategy = SearchStrategy.Halving, HalvingResource = "max_iter" }));
    }

    internal static double Branin(double x1, double x2)
    {
        const double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        return (a * Math.Pow(x2 - (b * x1 * x1) + (c * x1) - r, 2)) + (s * (1 - t) * Math.Cos(x1)) + s;
    }

    private static double Num(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
