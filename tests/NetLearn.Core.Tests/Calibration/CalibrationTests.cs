using System.Text.Json;
using NetLearn.Calibration;
using NetLearn.Datasets;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelFiles;
using NetLearn.ModelSelection;
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
        // A weakly regularised logistic regression on few rows is overconfident; calibration should lower its held-out log loss.
        var (x, y) = Dataset.LoadXy("breast_cancer");
        var split = TrainTestSplit.Split(x, y, testSize: 0.5, seed: 3, stratify: true);
        var raw = new LogisticRegression(new LogisticRegressionOptions { C = 1000, MaxIter = 300 });
        var calibrated = new CalibratedClassifier(raw, new CalibratedClassifierOptions { Method = method, Ensemble = ensemble }).Fit(split.XTrain, split.YTrain);
        // Isotonic maps can reach 0 and 1 exactly, which log loss punishes without bound: judge them by the Brier score.
        Func<NetLearn.Data.Column, NetLearn.LinearAlgebra.Matrix, NetLearn.Data.Column, double> loss = method == CalibrationMethod.Sigmoid ? ClassificationMetrics.LogLoss : ClassificationMetrics.BrierScore;
        double rawLoss = loss(split.YTest, raw.Fit(split.XTrain, split.YTrain).PredictProba(split.XTest), calibrated.Classes);
        var proba = calibrated.PredictProba(split.XTest);
        double calibratedLoss = loss(split.YTest, proba, calibrated.Classes);
        Assert.True(calibratedLoss < rawLoss, $"calibrated {calibratedLoss} vs raw {rawLoss}");
        Assert.Equal(ensemble ? 5 : 1, calibrated.Members.Count);
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
}
