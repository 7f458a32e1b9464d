using System.Text.Json;
using NetLearn.Calibration;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.ModelSelection;
using NetLearn.NaiveBayes;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using NetLearn.Svm;
using Xunit;

namespace NetLearn.Core.Tests.Calibration;

/// <summary>Calibration against scikit-learn 1.2 (fixture: model_selection_sklearn.json, "calibration").</summary>
public class CalibrationTests
{
    private static readonly JsonElement Data = Fixture.Load("model_selection_sklearn.json").GetProperty("calibration");

    [Fact]
    public void Sigmoid_parameters_match_scikit_learn_and_are_the_exact_optimum()
    {
        double[] score = Data.GetProperty("score").Doubles();
        bool[] positive = [.. Data.GetProperty("y").Doubles().Select(v => v == 1)];
        var fit = SigmoidCalibrator.Fit(score, positive);

        // scikit-learn stops BFGS at a gradient norm of 1e-5; NetLearn runs Newton to the optimum, so compare to 1e-4.
        Fixture.Close(Data.GetProperty("sigmoid_a").GetDouble(), fit.A, rel: 1e-4, what: "A");
        Fixture.Close(Data.GetProperty("sigmoid_b").GetDouble(), fit.B, rel: 1e-4, abs: 1e-5, what: "B");

        double prior1 = positive.Count(p => p), prior0 = positive.Length - prior1;
        double ga = 0, gb = 0;
        for (int i = 0; i < score.Length; i++)
        {
            double t = positive[i] ? (prior1 + 1) / (prior1 + 2) : 1 / (prior0 + 2);
            double p = fit.Calibrate(score[i]);
            ga += (t - p) * score[i];
            gb += t - p;
        }

        Assert.True(Math.Abs(ga) < 1e-9 && Math.Abs(gb) < 1e-9, $"gradient ({ga}, {gb})");
    }

    [Fact]
    public void Isotonic_fits_match_scikit_learn_with_clipping_ties_and_weights()
    {
        double[] prob = Data.GetProperty("prob").Doubles();
        double[] y = Data.GetProperty("y").Doubles();
        var iso = IsotonicCalibrator.Fit(prob, y, yMin: 0, yMax: 1);
        Fixture.Close(Data.GetProperty("isotonic_pred").Doubles(), [.. Data.GetProperty("isotonic_grid").Doubles().Select(iso.Calibrate)], rel: 1e-9, what: "grid");
        Fixture.Close(Data.GetProperty("isotonic_train_pred").Doubles(), [.. prob.Select(iso.Calibrate)], rel: 1e-9, what: "train");

        var ties = IsotonicCalibrator.Fit(Data.GetProperty("ties_x").Doubles(), Data.GetProperty("ties_y").Doubles(), Data.GetProperty("ties_w").Doubles());
        Fixture.Close(Data.GetProperty("ties_pred").Doubles(), [.. Data.GetProperty("ties_grid").Doubles().Select(ties.Calibrate)], rel: 1e-9, what: "ties");
    }

    [Fact]
    public void Calibration_curves_match_scikit_learn()
    {
        double[] prob = Data.GetProperty("prob").Doubles();
        bool[] positive = [.. Data.GetProperty("y").Doubles().Select(v => v == 1)];
        var uniform = CalibrationCurve.Compute(positive, prob, bins: 10);
        Fixture.Close(Data.GetProperty("curve_uniform").GetProperty("prob_true").Doubles(), uniform.FractionOfPositives, rel: 1e-9);
        Fixture.Close(Data.GetProperty("curve_uniform").GetProperty("prob_pred").Doubles(), uniform.MeanPredictedProbability, rel: 1e-9);
        var quantile = CalibrationCurve.Compute(positive, prob, bins: 7, quantile: true);
        Fixture.Close(Data.GetProperty("curve_quantile").GetProperty("prob_true").Doubles(), quantile.FractionOfPositives, rel: 1e-9);
        Fixture.Close(Data.GetProperty("curve_quantile").GetProperty("prob_pred").Doubles(), quantile.MeanPredictedProbability, rel: 1e-9);
        Assert.Equal(prob.Length, uniform.Counts.Sum());
    }

    [Theory]
    [InlineData(CalibrationMethod.Sigmoid, true)]
    [InlineData(CalibrationMethod.Isotonic, true)]
    [InlineData(CalibrationMethod.Sigmoid, false)]
    public void Calibrated_classifier_improves_an_overconfident_model_and_saves_bit_exactly(CalibrationMethod method, bool ensemble)
    {
        // Gaussian naive Bayes is overconfident (its independence assumption fails on breast_cancer's correlated
        // features); calibrating its probabilities lowers its held-out loss (scikit-learn on this split: log loss
        // 0.595 raw, 0.202 sigmoid; Brier 0.052 raw, 0.040 isotonic).
        var (x, y) = Dataset.LoadXy("breast_cancer");
        var split = TrainTestSplit.Split(x, y, testSize: 0.5, seed: 3, stratify: true);
        var raw = new GaussianNB();
        var calibrated = new CalibratedClassifier(raw, new CalibratedClassifierOptions { Method = method, Ensemble = ensemble }).Fit(split.XTrain, split.YTrain);
        // Isotonic maps can reach 0 and 1 exactly, which log loss punishes without bound: judge them by the Brier score.
        Func<NetLearn.Data.Column, NetLearn.LinearAlgebra.Matrix, NetLearn.Data.Column, double> loss = method == CalibrationMethod.Sigmoid ? ClassificationMetrics.LogLoss : ClassificationMetrics.BrierScore;
        double rawLoss = loss(split.YTest, raw.Fit(split.XTrain, split.YTrain).PredictProba(split.XTest), calibrated.Classes);
        var proba = calibrated.PredictProba(split.XTest);
        double calibratedLoss = loss(split.YTest, proba, calibrated.Classes);
        Assert.True(calibratedLoss < rawLoss, $"calibrated {calibratedLoss} vs raw {rawLoss}");
        Assert.Equal(ensemble ? 5 : 1, calibrated.Members.Count);
        Assert.All(calibrated.Members, m => Assert.False(m.DecisionFunction));
        for (int i = 0; i < proba.Rows; i++)
        {
            Assert.Equal(1.0, proba[i, 0] + proba[i, 1], 12);
        }

        string path = Path.Combine(Path.GetTempPath(), $"netlearn-calibrated-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, calibrated);
            var loaded = ModelFile.Load<CalibratedClassifierModel>(path);
            Assert.Equal(proba.AsSpan().ToArray(), loaded.PredictProba(split.XTest).AsSpan().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Multiclass_calibration_renormalises_and_works_in_cross_validation_and_search()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var estimator = new CalibratedClassifier(new LogisticRegression(), new CalibratedClassifierOptions { Method = CalibrationMethod.Isotonic, Cv = 3 });
        var model = estimator.Fit(x, y);
        Assert.All(model.Members, m => Assert.True(m.DecisionFunction));
        var proba = model.PredictProba(x);
        for (int i = 0; i < proba.Rows; i++)
        {
            Assert.Equal(1.0, proba.Row(i).ToArray().Sum(), 12);
        }

        Assert.InRange(ClassificationMetrics.Accuracy(y, model.Predict(x)), 0.9, 1.0);
        var cv = CrossValidation.CrossValidate(estimator, x, y, new CrossValidationOptions { Scoring = [Scorers.Get("neg_log_loss")] });
        Assert.Equal(5, cv.Folds.Count);
        var search = HyperparameterSearch.Run(estimator, SearchSpace.Parse("method=choice(sigmoid,isotonic); estimator.C=choice(0.1,10)"), x, y, new SearchOptions { Strategy = SearchStrategy.Grid, Refit = false, Parallelism = 2, Cv = new StratifiedKFold(3) });
        Assert.Equal(4, search.Trials.Count(t => t.State == TrialState.Complete));
    }
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Decision_function_models_are_calibrated_on_their_decision_values_as_in_scikit_learn(int index)
    {
        // Scaled LinearSVC (binary, 3 classes, ensemble or not): scikit-learn calibrates decision_function.
        var c = Data.GetProperty("decision_function_cases")[index];
        var (x, y) = Dataset.LoadXy(c.GetProperty("dataset").GetString()!);
        Assert.Equal("linear_svc", c.GetProperty("model").GetString());
        var model = new LinearSvc(new LinearSvcOptions { C = 0.1, Tol = 1e-10, MaxIter = 1_000_000 });
        var pipeline = new Pipeline(new Step("scale", new StandardScaler()), new Step("model", model));
        var calibrated = new CalibratedClassifier(pipeline, new CalibratedClassifierOptions { Cv = 3, Ensemble = c.GetProperty("ensemble").GetBoolean() }).Fit(x, y);

        Assert.All(calibrated.Members, m => Assert.True(m.DecisionFunction));
        if (c.TryGetProperty("optimum_params", out var optimum))
        {
            // scikit-learn's BFGS stops short on these scores (see the fixture script): the out-of-fold decision values
            // must match, and the Platt parameters must be the true optimum, whose objective is below scikit-learn's.
            var oof = new double[x.RowCount];
            foreach (var fold in new StratifiedKFold(3).Split(x.RowCount, y))
            {
                var fitted = (ClassifierPipelineModel)pipeline.FitModel(x.Take(fold.Train), y.Take(fold.Train));
                var d = ((IDecisionFunction)fitted.Final).DecisionFunction(fitted.Transform(x.Take(fold.Test)));
                for (int j = 0; j < fold.Test.Length; j++)
                {
                    oof[fold.Test[j]] = d[j, 0];
                }
            }

            Fixture.Close(c.GetProperty("oof_decision").Doubles(), oof, rel: 1e-6, abs: 1e-6, what: "out-of-fold decision");
            var platt = Assert.IsType<SigmoidCalibrator>(Assert.Single(Assert.Single(calibrated.Members).Calibrators));
            Fixture.Close(optimum[0].GetDouble(), platt.A, rel: 1e-5, what: "A");
            Fixture.Close(optimum[1].GetDouble(), platt.B, rel: 1e-5, abs: 1e-6, what: "B");
            Assert.True(c.GetProperty("optimum_objective").GetDouble() < c.GetProperty("sklearn_objective").GetDouble());
            return;
        }

        var expected = c.GetProperty("sigmoid_params");
        Assert.Equal(expected.GetArrayLength(), calibrated.Members.Count);
        for (int m = 0; m < calibrated.Members.Count; m++)
        {
            var calibrators = calibrated.Members[m].Calibrators.Cast<SigmoidCalibrator>().ToArray();
            var ab = expected[m].Rows();
            Assert.Equal(ab.Length, calibrators.Length);
            for (int k = 0; k < ab.Length; k++)
            {
                // scikit-learn's BFGS stops at a gradient norm of 1e-5 (see the sigmoid test above).
                Fixture.Close(ab[k][0], calibrators[k].A, rel: 1e-4, abs: 1e-4, what: $"member {m} class {k} A");
                Fixture.Close(ab[k][1], calibrators[k].B, rel: 1e-4, abs: 1e-4, what: $"member {m} class {k} B");
            }
        }

        Fixture.Close(c.GetProperty("proba").Rows(), calibrated.PredictProba(x), rel: 1e-4, abs: 1e-5, what: "proba");
    }

    [Fact]
    public void A_linear_svc_without_probabilities_is_calibrated_and_a_one_vs_one_svc_falls_back_to_probabilities()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var svc = new CalibratedClassifier(new LinearSvc(), new CalibratedClassifierOptions { Cv = 3 }).Fit(x, y);
        Assert.InRange(ClassificationMetrics.Accuracy(y, svc.Predict(x)), 0.85, 1.0);
        string path = Path.Combine(Path.GetTempPath(), $"netlearn-calibrated-svc-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, svc);
            var loaded = ModelFile.Load<CalibratedClassifierModel>(path);
            Assert.All(loaded.Members, m => Assert.True(m.DecisionFunction));
            Assert.Equal(svc.PredictProba(x).AsSpan().ToArray(), loaded.PredictProba(x).AsSpan().ToArray());
        }
        finally
        {
            File.Delete(path);
        }

        var ovo = new Svc(new SvcOptions { Probability = true, DecisionFunctionShape = DecisionFunctionShape.Ovo, RandomState = 0 });
        var calibrated = new CalibratedClassifier(ovo, new CalibratedClassifierOptions { Cv = 3 }).Fit(x, y);
        Assert.All(calibrated.Members, m => Assert.False(m.DecisionFunction));
    }

    [Fact]
    public void Too_few_rows_of_a_class_for_the_folds_is_a_clear_error()
    {
        var (x, y) = Dataset.LoadXy("iris");
        int[] rows = [.. Enumerable.Range(0, 100), 100, 101];
        var error = Assert.Throws<DataValidationException>(() => new CalibratedClassifier(new LogisticRegression(), new CalibratedClassifierOptions { Cv = 3 }).Fit(x.Take(rows), y.Take(rows)));
        Assert.Contains("cv=3", error.Message, StringComparison.Ordinal);
        Assert.Contains("has 2", error.Message, StringComparison.Ordinal);
    }
}
