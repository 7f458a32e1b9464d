using NetLearn.Calibration;
using NetLearn.Datasets;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.ModelSelection;

/// <summary>The README's "Evaluating and tuning models" C# example, as written there (trials file in a temp folder).</summary>
public class ReadmeTuningTests
{
    [Fact]
    public void The_readme_tuning_example_runs()
    {
        string trials = Path.Combine(Path.GetTempPath(), $"netlearn-readme-trials-{Guid.NewGuid():N}.csv");
        try
        {
            var (X, y) = Dataset.LoadXy("breast_cancer");
            var pipeline = new Pipeline(new Step("scale", new StandardScaler()), new Step("model", new LogisticRegression()));

            var cv = CrossValidation.CrossValidate(pipeline, X, y, new CrossValidationOptions
            {
                Cv = new StratifiedKFold(5, Shuffle: true, Seed: 1),
                Scoring = [Scorers.Get("accuracy"), Scorers.Get("roc_auc")],
                ReturnTrainScore = true,
            });
            Assert.InRange(cv.TestScore("accuracy").Mean, 0.95, 1.0);

            var space = SearchSpace.Parse("model.C=loguniform(0.001,100); scale.with_std=choice(true,false)");
            var search = HyperparameterSearch.Run(pipeline, space, X, y, new SearchOptions
            {
                Strategy = SearchStrategy.Bayes, Trials = 30, Seed = 42, Scoring = [Scorers.Get("neg_log_loss")],
            });
            Assert.True(search.BestScore > -0.1);
            search.WriteCsv(trials);
            Assert.Equal(31, File.ReadAllLines(trials).Length);

            var model = (ClassifierPipelineModel)search.BestModel!;
            Assert.Contains("weighted avg", ClassificationReport.Create(y, model.Predict(X), digits: 3).ToString(), StringComparison.Ordinal);
            var roc = ClassificationMetrics.RocCurve(y, model.PredictProba(X).Column(1), positiveLabel: "malignant");
            Assert.Equal(1.0, roc.TruePositiveRate[^1]);
            var calibrated = new CalibratedClassifier(pipeline, new CalibratedClassifierOptions { Method = CalibrationMethod.Isotonic }).Fit(X, y);
            Assert.Equal(5, calibrated.Members.Count);
            var learning = LearningCurves.LearningCurve(pipeline, X, y);
            Assert.Equal(5, learning.Points.Count);
        }
        finally
        {
            File.Delete(trials);
        }
    }
}
