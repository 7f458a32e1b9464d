using NetLearn.Data;
using NetLearn.Preprocessing;
using Xunit;
using static NetLearn.Core.Tests.Preprocessing.PrepFixture;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>Power, quantile, binning, polynomial, function and date-time transformers against scikit-learn 1.2 / pandas.</summary>
public class TransformReferenceTests
{
    private static Table Num => Input.Select("a", "b", "c", "d");

    private static Table Full => Input.Select("b", "c", "d");

    private static Table Signed => Input.Select("a", "c", "d");

    // λ maximises a flat likelihood and Brent stops within 1.48e-8·|λ|: evaluations that differ in the last bits (NumPy
    // sums pairwise) move the stopping point inside that tolerance, so λ and the outputs agree to 1e-7 (decision 6.3).
    [Fact]
    public void YeoJohnsonMatchesScikitLearn()
    {
        var e = At("transforms/yeo_johnson");
        var m = new PowerTransformer().Fit(Signed);
        Close(e.GetProperty("lambdas").Vector(), m.Lambdas, rel: 1e-7, what: "lambdas");
        Close(e.GetProperty("transformed").Matrix(), m.Transform(Signed), rel: 1e-7, abs: 1e-7);

        var raw = At("transforms/yeo_johnson_raw");
        var m2 = new PowerTransformer(new PowerTransformerOptions { Standardize = false }).Fit(Signed);
        Close(raw.GetProperty("transformed").Matrix(), m2.Transform(Signed), rel: 1e-7, abs: 1e-7);
    }

    [Fact]
    public void BoxCoxMatchesScikitLearn()
    {
        var e = At("transforms/box_cox");
        var positive = new Table(Input["b"], new NumericColumn("d", [.. Input["d"].ToDoubleArray().Select(v => v + 1)]));
        var m = new PowerTransformer(new PowerTransformerOptions { Method = PowerMethod.BoxCox }).Fit(positive);
        Close(e.GetProperty("lambdas").Vector(), m.Lambdas, rel: 1e-7, what: "lambdas");
        Close(e.GetProperty("transformed").Matrix(), m.Transform(positive), rel: 1e-7, abs: 1e-7);
        var error = Assert.Throws<DataValidationException>(() => new PowerTransformer(new PowerTransformerOptions { Method = PowerMethod.BoxCox }).Fit(Input.Select("c")));
        Assert.Equal("c", error.Column);
    }

    [Fact]
    public void QuantileTransformerUniformAndNormal()
    {
        var probe = PrepFixture.TableOf(At("transforms/probe").Matrix(), "a", "b", "c", "d");
        var u = At("transforms/quantile_uniform_50");
        var m = new QuantileTransformer(new QuantileTransformerOptions { NQuantiles = 50 }).Fit(Num);
        Close(u.GetProperty("references").Vector(), m.References);
        var quantiles = u.GetProperty("quantiles").Matrix();
        for (int c = 0; c < 4; c++)
        {
            Close(quantiles[c], m.Quantiles[c], what: $"quantiles {c}");
        }

        Close(u.GetProperty("transformed").Matrix(), m.Transform(Num));
        Close(u.GetProperty("probe").Matrix(), m.Transform(probe));

        var n = At("transforms/quantile_normal");
        var mn = new QuantileTransformer(new QuantileTransformerOptions { OutputDistribution = OutputDistribution.Normal }).Fit(Num);
        Assert.Equal(n.GetProperty("n_quantiles").GetInt32(), mn.References.Count);
        Close(n.GetProperty("transformed").Matrix(), mn.Transform(Num), rel: 1e-9, abs: 1e-9);
        Close(n.GetProperty("probe").Matrix(), mn.Transform(probe), rel: 1e-9, abs: 1e-9);
    }

    [Theory]
    [InlineData("uniform", BinStrategy.Uniform)]
    [InlineData("quantile", BinStrategy.Quantile)]
    [InlineData("kmeans", BinStrategy.Kmeans)]
    public void KBinsDiscretizer(string key, BinStrategy strategy)
    {
        var e = At("transforms/kbins/" + key);
        var m = new KBinsDiscretizer(new KBinsDiscretizerOptions { NBins = 4, Strategy = strategy, Encode = BinEncoding.Ordinal }).Fit(Full);
        var edges = e.GetProperty("bin_edges").Matrix();
        for (int c = 0; c < edges.Length; c++)
        {
            Close(edges[c], m.BinEdges[c], what: $"edges {c}");
        }

        Close(e.GetProperty("ordinal").Matrix(), m.Transform(Full), rel: 0, abs: 0);
        var onehot = new KBinsDiscretizer(new KBinsDiscretizerOptions { NBins = 4, Strategy = strategy }).Fit(Full);
        Assert.Equal(e.GetProperty("onehot_names").Texts(), onehot.FeatureNamesOut);
        Close(e.GetProperty("onehot").Matrix(), onehot.Transform(Full), rel: 0, abs: 0);
    }

    [Fact]
    public void KBinsRemovesNarrowQuantileBins()
    {
        var e = At("transforms/kbins/quantile_collapsed_d");
        var d = Input.Select("d");
        var m = new KBinsDiscretizer(new KBinsDiscretizerOptions { NBins = 8, Encode = BinEncoding.Ordinal }).Fit(d);
        Close(e.GetProperty("bin_edges").Matrix()[0], m.BinEdges[0]);
        Close(e.GetProperty("ordinal").Matrix(), m.Transform(d), rel: 0, abs: 0);
    }

    [Theory]
    [InlineData("degree2", 2, false, true)]
    [InlineData("degree3_interaction_nobias", 3, true, false)]
    [InlineData("degree3", 3, false, true)]
    public void PolynomialFeatures(string key, int degree, bool interactionOnly, bool bias)
    {
        var e = At("transforms/polynomial/" + key);
        var m = new PolynomialFeatures(new PolynomialFeaturesOptions { Degree = degree, InteractionOnly = interactionOnly, IncludeBias = bias }).Fit(Full);
        Assert.Equal(e.GetProperty("feature_names").Texts(), m.FeatureNamesOut);
        Assert.Equal(e.GetProperty("powers").EnumerateArray().Select(r => r.Ints()), m.Powers);
        Close(e.GetProperty("transformed").Matrix(), m.Transform(Full.Take([.. Enumerable.Range(0, 10)])));
    }

    [Fact]
    public void FunctionTransformerLog1pAndInverse()
    {
        var b = Input.Select("b");
        var m = new FunctionTransformer(ElementFunction.Log1p, ElementFunction.Expm1).Fit(b);
        var t = m.Transform(b);
        Close(At("transforms/log1p_b").Matrix(), t, rel: 1e-12);
        Close(b["b"].ToDoubleArray(), m.InverseTransform(t)["b"].ToDoubleArray(), rel: 1e-12);
    }

    [Fact]
    public void DateTimeFeaturesMatchPandas()
    {
        var when = Input.Select("when");
        Assert.Equal(ColumnKind.DateTime, when[0].Kind);
        DateTimePart[] parts = [DateTimePart.Year, DateTimePart.Quarter, DateTimePart.Month, DateTimePart.Day, DateTimePart.Dayofweek, DateTimePart.Dayofyear, DateTimePart.Hour, DateTimePart.Minute, DateTimePart.Second];
        var m = new DateTimeFeatures(new DateTimeFeaturesOptions { Features = parts }).Fit(when);
        var t = m.Transform(when);
        foreach (var part in parts)
        {
            string name = part.ToString().ToLowerInvariant();
            Close(At("transforms/datetime/" + name).Vector(), t["when_" + name].ToDoubleArray(), rel: 0, abs: 0, what: name);
        }

        var cyclic = new DateTimeFeatures(new DateTimeFeaturesOptions { Features = [DateTimePart.MonthCyclic, DateTimePart.IsWeekend] }).Fit(when);
        Assert.Equal(["when_month_sin", "when_month_cos", "when_is_weekend"], cyclic.FeatureNamesOut);
        var error = Assert.Throws<DataValidationException>(() => new DateTimeFeatures().Fit(Input.Select("a")));
        Assert.Equal("a", error.Column);
    }
}
