using System.Text.Json;
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

public class CrossValidationTests
{
    private static readonly JsonElement Reference = Fixture.Load("model_selection_sklearn.json").GetProperty("diabetes_cv");

    [Fact]
    public void Linear_regression_fold_scores_and_predictions_match_scikit_learn()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var result = CrossValidation.CrossValidate(new LinearRegression(), x, y, new CrossValidationOptions
        {
            Cv = new KFold(5),
            Scoring = [Scorers.Get("r2"), Scorers.Get("neg_mean_squared_error"), Scorers.Get("neg_mean_absolute_error")],
            ReturnTrainScore = true,
            ReturnPredictions = true,
        });

        foreach (string name in new[] { "r2", "neg_mean_squared_error", "neg_mean_absolute_error" })
        {
            Fixture.Close(Reference.GetProperty("test_" + name).Doubles(), result.TestScore(name).Folds, rel: 1e-8, what: "test " + name);
            Fixture.Close(Reference.GetProperty("train_" + name).Doubles(), result.TrainScore(name).Folds, rel: 1e-8, what: "train " + name);
        }

        Fixture.Close(Reference.GetProperty("oof").Doubles(), result.Predictions!.ToDoubleArray(), rel: 1e-8, what: "oof");
        Assert.Equal(5, result.FitSeconds.Length);
        Assert.All(result.Folds, f => Assert.Null(f.Model));
    }

    [Fact]
    public void Every_fold_fits_its_own_preprocessing_on_its_own_training_rows()
    {
        var (x, y) = Dataset.LoadXy("breast_cancer");
        var pipeline = new Pipeline(new Step("scale", new StandardScaler()), new Step("model", new LogisticRegression(new LogisticRegressionOptions { MaxIter = 200 })));
        var result = CrossValidation.CrossValidate(pipeline, x, y, new CrossValidationOptions { ReturnModels = true, MaxParallelism = 2 });

        Assert.Equal(5, result.Folds.Count);
        Assert.IsType<StratifiedKFold>(CrossValidation.DefaultSplitter(EstimatorTasks.TaskOf(pipeline, y)));
        double[] fullMean = [.. x.Columns.Select(c => c.ToDoubleArray().Average())];
        foreach (var fold in result.Folds)
        {
            Assert.Empty(fold.TrainRows.Intersect(fold.TestRows));
            var scaler = (StandardScalerModel)((PipelineModel)fold.Model!).Steps[0].Model;
            var train = x.Take(fold.TrainRows);
            for (int c = 0; c < x.ColumnCount; c++)
            {
                double trainMean = train[c].ToDoubleArray().Average();
                Assert.Equal(trainMean, scaler.Mean[c], 9);
            }

            // The test rows moved the mean of at least one column: a scaler fitted on all rows would be detected.
            Assert.Contains(Enumerable.Range(0, x.ColumnCount), c => Math.Abs(scaler.Mean[c] - fullMean[c]) > 1e-9);
            Assert.InRange(fold.TestScores["accuracy"], 0.9, 1.0);
        }
    }

    [Fact]
    public void A_leaky_transformer_would_see_test_rows_but_cross_validation_never_shows_them()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var rowId = new NumericColumn("row_id", [.. Enumerable.Range(0, x.RowCount).Select(i => (double)i)]);
        var recorder = new RowRecorder();
        var pipeline = new Pipeline(new Step("spy", recorder), new Step("model", new LogisticRegression()));
        var result = CrossValidation.CrossValidate(pipeline, x.With(rowId), y, new CrossValidationOptions { Cv = new StratifiedKFold(3), MaxParallelism = 1 });
        Assert.Equal(3, recorder.Seen.Count);
        for (int f = 0; f < 3; f++)
        {
            Assert.Equal(result.Folds[f].TrainRows.Select(i => (double)i), recorder.Seen.ElementAt(f).Order());
        }
    }

    [Fact]
    public void Classifier_out_of_fold_probabilities_cover_every_row()
    {
        var (x, y) = Dataset.LoadXy("iris");
        var result = CrossValidation.CrossValidate(new LogisticRegression(), x, y, new CrossValidationOptions { ReturnPredictions = true, Scoring = Scorers.Parse("accuracy,f1_macro,roc_auc_ovr,neg_log_loss", ModelTask.Classification) });
        Assert.Equal(150, result.Predictions!.Length);
        Assert.Equal(3, result.Classes!.Length);
        for (int i = 0; i < 150; i++)
        {
            Assert.Equal(1.0, result.Probabilities!.Row(i).ToArray().Sum(), 9);
        }

        double oofAccuracy = ClassificationMetrics.Accuracy(y, result.Predictions);
        Assert.InRange(oofAccuracy, 0.9, 1.0);
        Assert.True(result.TestScore("neg_log_loss").Mean < 0);
        Assert.Throws<DataValidationException>(() => CrossValidation.CrossValidate(new LogisticRegression(), x, y, new CrossValidationOptions { Cv = new ShuffleSplit(3, 0.2, Seed: 1), ReturnPredictions = true }));
    }

    /// <summary>A transformer that records the row_id values it is fitted on and passes the other columns through.</summary>
    private sealed class RowRecorder : IEstimator
    {
        public System.Collections.Concurrent.ConcurrentQueue<double[]> Seen { get; } = new();

        public string Kind => "row_recorder";

        public EstimatorOptions Options { get; } = new CompositeOptions();

        public IModel FitModel(Table features, Column? target = null, FitContext? context = null)
        {
            Seen.Enqueue(features["row_id"].ToDoubleArray());
            return new StandardScaler(new StandardScalerOptions { WithMean = false, WithStd = false }).Fit(features.Drop("row_id"));
        }

        public IEstimator WithParameter(string name, string value) => this;
    }
}

public class LearningCurveTests
{
    private static readonly JsonElement Curves = Fixture.Load("model_selection_sklearn.json").GetProperty("curves");

    [Fact]
    public void Learning_curve_matches_scikit_learn()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var curve = LearningCurves.LearningCurve(new LinearRegression(), x, y, [0.3, 0.6, 1.0], new KFold(5), Scorers.Get("r2"));
        Assert.Equal(Curves.GetProperty("learning_sizes").Doubles().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), curve.Points);
        var train = Curves.GetProperty("learning_train").Rows();
        var test = Curves.GetProperty("learning_test").Rows();
        for (int i = 0; i < train.Length; i++)
        {
            Fixture.Close(train[i], curve.TrainScores[i], rel: 1e-8, what: $"train {i}");
            Fixture.Close(test[i], curve.TestScores[i], rel: 1e-8, what: $"test {i}");
        }
    }

    [Fact]
    public void Validation_curve_matches_scikit_learn()
    {
        var (x, y) = Dataset.LoadXy("diabetes");
        var curve = LearningCurves.ValidationCurve(new LinearRegression(), x, y, "fit_intercept", ["true", "false"], new KFold(4), Scorers.Get("neg_mean_absolute_error"));
        var train = Curves.GetProperty("validation_train").Rows();
        var test = Curves.GetProperty("validation_test").Rows();
        for (int i = 0; i < train.Length; i++)
        {
            Fixture.Close(train[i], curve.TrainScores[i], rel: 1e-8, what: $"train {i}");
            Fixture.Close(test[i], curve.TestScores[i], rel: 1e-8, what: $"test {i}");
        }

        Assert.True(curve.Test[0].Mean > curve.Test[1].Mean);
    }
}
