using NetLearn.Datasets;
using NetLearn.Linear;
using NetLearn.Metrics;
using NetLearn.ModelSelection;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Metrics;

/// <summary>roc_auc and average_precision rank by the decision function where there is one, as scikit-learn's threshold scorers do.</summary>
public class ThresholdScorerTests
{
    [Fact]
    public void Ranking_scorers_use_the_decision_function_so_models_without_probabilities_can_be_scored()
    {
        var (x, y) = Dataset.LoadXy("breast_cancer");
        var split = TrainTestSplit.Split(x, y, 0.3, seed: 1, stratify: true);
        var svc = (ClassifierPipelineModel)new Pipeline(new Step("scale", new StandardScaler()), new Step("model", new LinearSvc())).FitModel(split.XTrain, split.YTrain);
        Assert.False(svc.SupportsProbabilities);
        var decision = DecisionScores.Compute(svc, split.XTest).Column(0);
        bool[] positive = [.. Enumerable.Range(0, split.YTest.Length).Select(i => split.YTest.FormatValue(i) == svc.Classes.FormatValue(1))];
        Assert.Equal(ClassificationMetrics.BinaryRocAuc(positive, decision), Scorers.Get("roc_auc").Score(svc, split.XTest, split.YTest), 12);
        Assert.Equal(ClassificationMetrics.AveragePrecision(positive, decision), Scorers.Get("average_precision").Score(svc, split.XTest, split.YTest), 12);
        Assert.InRange(Scorers.Get("roc_auc").Score(svc, split.XTest, split.YTest), 0.95, 1.0);

        // A model with a decision function and probabilities: the scores rank the rows alike, so ROC AUC agrees.
        var logistic = new LogisticRegression(new LogisticRegressionOptions { MaxIter = 2000 }).Fit(split.XTrain, split.YTrain);
        double fromProba = ClassificationMetrics.RocAuc(split.YTest, logistic.PredictProba(split.XTest), logistic.Classes);
        Assert.Equal(fromProba, Scorers.Get("roc_auc").Score(logistic, split.XTest, split.YTest), 9);
    }
}
