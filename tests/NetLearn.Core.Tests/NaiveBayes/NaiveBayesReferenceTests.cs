using NetLearn.Core.Tests.Linear;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Estimators;
using NetLearn.NaiveBayes;
using Xunit;

namespace NetLearn.Core.Tests.NaiveBayes;

/// <summary>The four naive Bayes models against scikit-learn 1.2 (fixture linear/nb.json).</summary>
public class NaiveBayesReferenceTests
{
    public static TheoryData<string> Cases => [
        "gaussian_iris_default", "gaussian_iris_weighted", "gaussian_iris_smooth", "gaussian_wine_default", "gaussian_wine_weighted",
        "multinomial_default", "multinomial_alpha0.5_uniform", "bernoulli_default", "bernoulli_binarize4", "complement_default", "complement_norm"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesScikitLearn(string name)
    {
        var c = PenalizedRegressionReferenceTests.Case("nb.json", name);
        var (x, y) = Dataset.LoadXy(c.GetProperty("dataset").GetString()!);
        var context = PenalizedRegressionReferenceTests.Weights(c, x.RowCount);
        var p = c.GetProperty("params");
        double Get(string key, double fallback) => p.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        bool Flag(string key, bool fallback) => p.TryGetProperty(key, out var v) ? v.GetBoolean() : fallback;
        IClassifier model = c.GetProperty("kind").GetString() switch
        {
            "gaussian" => new GaussianNB(new GaussianNBOptions { VarSmoothing = Get("var_smoothing", 1e-9) }).Fit(x, y, context),
            "multinomial" => new MultinomialNB(new MultinomialNBOptions { Alpha = Get("alpha", 1), FitPrior = Flag("fit_prior", true) }).Fit(x, y, context),
            "bernoulli" => new BernoulliNB(new BernoulliNBOptions { Alpha = Get("alpha", 1), Binarize = Get("binarize", 0) }).Fit(x, y, context),
            "complement" => new ComplementNB(new ComplementNBOptions { Alpha = Get("alpha", 1), Norm = Flag("norm", false) }).Fit(x, y, context),
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal(c.GetProperty("classes").Strings(), Enumerable.Range(0, model.Classes.Length).Select(model.Classes.FormatValue));
        if (model is GaussianNBModel g)
        {
            Fixture.Close(c.GetProperty("theta").Rows(), g.Theta, rel: 1e-9, abs: 1e-12, what: "theta");
            Fixture.Close(c.GetProperty("var").Rows(), g.Variance, rel: 1e-9, abs: 1e-12, what: "var");
            Fixture.Close(c.GetProperty("class_prior").Doubles(), [.. g.ClassPrior], rel: 1e-12, what: "prior");
        }
        else
        {
            var (flp, prior) = model switch
            {
                MultinomialNBModel m => (m.FeatureLogProb, m.ClassLogPrior),
                BernoulliNBModel m => (m.FeatureLogProb, m.ClassLogPrior),
                ComplementNBModel m => (m.FeatureLogProb, m.ClassLogPrior),
                _ => throw new InvalidOperationException(),
            };
            Fixture.Close(c.GetProperty("feature_log_prob").Rows(), flp, rel: 1e-9, abs: 1e-12, what: "feature_log_prob");
            Fixture.Close(c.GetProperty("class_log_prior").Doubles(), [.. prior], rel: 1e-12, abs: 1e-12, what: "class_log_prior");
        }

        var expected = c.GetProperty("proba").Rows();
        var rows = x.Take([.. Enumerable.Range(0, expected.Length)]);
        Fixture.Close(expected, model.PredictProba(rows), rel: 1e-6, abs: 1e-10, what: "proba");
        Assert.Equal(c.GetProperty("predictions").Strings(), Enumerable.Range(0, y.Length).Select(model.Predict(x).FormatValue));
    }

    [Fact]
    public void NegativeCountsAreRejectedWithTheColumn()
    {
        var x = new Table([new NumericColumn("count", [1, 2, -3, 4])]);
        var y = Column.Create("y", ["a", "b", "a", "b"]);
        var e = Assert.Throws<DataValidationException>(() => new MultinomialNB().Fit(x, y));
        Assert.Equal("count", e.Column);
        Assert.Equal(2, e.Row);
        Assert.Equal("alpha", Assert.Throws<HyperparameterException>(() => new ComplementNB(new ComplementNBOptions { Alpha = -1 })).Parameter);
        Assert.Equal("priors", Assert.Throws<HyperparameterException>(() => new GaussianNB(new GaussianNBOptions { Priors = [0.5, 0.6] })).Parameter);
    }
}
