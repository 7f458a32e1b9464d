using NetLearn.Data;
using NetLearn.Preprocessing;
using Xunit;
using static NetLearn.Core.Tests.Preprocessing.PrepFixture;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>Scalers, normalizer, encoders and indicators against scikit-learn 1.2 (prep_reference.json), to 1e-9.</summary>
public class ScalerEncoderReferenceTests
{
    private static Table Num => Input.Select("a", "b", "c", "d");

    private static Table Full => Input.Select("b", "c", "d");

    [Fact]
    public void MinMaxScaler()
    {
        var e = At("scalers/min_max");
        var m = new MinMaxScaler().Fit(Num);
        Close(e.GetProperty("data_min").Vector(), m.DataMin);
        Close(e.GetProperty("data_max").Vector(), m.DataMax);
        Close(e.GetProperty("scale").Vector(), m.Scale);
        Close(e.GetProperty("min").Vector(), m.Min);
        Close(e.GetProperty("transformed").Matrix(), m.Transform(Num));

        var clip = At("scalers/min_max_clip");
        var m2 = new MinMaxScaler(new MinMaxScalerOptions { FeatureRange = [-1, 2], Clip = true }).Fit(Num.Take([.. Enumerable.Range(0, 100)]));
        Close(clip.GetProperty("scale").Vector(), m2.Scale);
        Close(clip.GetProperty("transformed").Matrix(), m2.Transform(Num));
    }

    [Fact]
    public void MaxAbsScaler()
    {
        var e = At("scalers/max_abs");
        var m = new MaxAbsScaler().Fit(Num);
        Close(e.GetProperty("max_abs").Vector(), m.MaxAbs);
        Close(e.GetProperty("transformed").Matrix(), m.Transform(Num));
    }

    [Fact]
    public void RobustScaler()
    {
        var e = At("scalers/robust");
        var m = new RobustScaler().Fit(Num);
        Close(e.GetProperty("center").Vector(), m.Center);
        Close(e.GetProperty("scale").Vector(), m.Scale);
        Close(e.GetProperty("transformed").Matrix(), m.Transform(Num));

        var u = At("scalers/robust_10_90_unit");
        var m2 = new RobustScaler(new RobustScalerOptions { QuantileRange = [10, 90], UnitVariance = true, WithCentering = false }).Fit(Num);
        Close(u.GetProperty("scale").Vector(), m2.Scale);
        Close(u.GetProperty("transformed").Matrix(), m2.Transform(Num));
    }

    [Theory]
    [InlineData("l1", NormKind.L1)]
    [InlineData("l2", NormKind.L2)]
    [InlineData("max", NormKind.Max)]
    public void Normalizer(string key, NormKind norm)
    {
        var m = new Normalizer(new NormalizerOptions { Norm = norm }).Fit(Full);
        Close(At("scalers/normalizer/" + key).Matrix(), m.Transform(Full));
    }

    [Theory]
    [InlineData("min_frequency_10", 10.0, null, HandleUnknown.InfrequentIfExist, DropCategory.None)]
    [InlineData("min_frequency_frac", 0.05, null, HandleUnknown.InfrequentIfExist, DropCategory.None)]
    [InlineData("max_categories_4", null, 4, HandleUnknown.InfrequentIfExist, DropCategory.None)]
    [InlineData("drop_first_infrequent", 10.0, null, HandleUnknown.Error, DropCategory.First)]
    [InlineData("ignore", null, null, HandleUnknown.Ignore, DropCategory.None)]
    public void OneHotEncoderWithInfrequentCategories(string key, double? minFrequency, int? maxCategories, HandleUnknown unknown, DropCategory drop)
    {
        var e = At("encoders/" + key);
        var cat = Input.Select("cat");
        var m = new OneHotEncoder(new OneHotEncoderOptions { MinFrequency = minFrequency, MaxCategories = maxCategories, HandleUnknown = unknown, Drop = drop }).Fit(cat);
        Assert.Equal(e.GetProperty("feature_names").Texts(), m.FeatureNamesOut);
        Assert.Equal(e.GetProperty("infrequent").Texts(), m.InfrequentCategories[0].Select(k => m.Categories[0][k]));
        Close(e.GetProperty("transformed").Matrix(), m.Transform(cat), rel: 0, abs: 0);
        if (e.TryGetProperty("unseen_transformed", out var unseen))
        {
            var probe = new Table(Column.Create("cat", ["red", "purple", "teal", null]));
            Close(unseen.Matrix(), m.Transform(probe), rel: 0, abs: 0);
        }
    }

    [Fact]
    public void OneHotDropIfBinary()
    {
        var e = At("encoders/if_binary");
        var x = new Table(Column.Create("bin", ["x", "y", "y", "x", "y"]), Column.Create("tri", ["p", "q", "r", "p", "q"]));
        var m = new OneHotEncoder(new OneHotEncoderOptions { Drop = DropCategory.IfBinary }).Fit(x);
        Assert.Equal(e.GetProperty("feature_names").Texts(), m.FeatureNamesOut);
        Close(e.GetProperty("transformed").Matrix(), m.Transform(x), rel: 0, abs: 0);
    }

    [Fact]
    public void OrdinalEncoder()
    {
        var e = At("encoders/ordinal");
        var cat = Input.Select("cat");
        var m = new OrdinalEncoder(new OrdinalEncoderOptions { HandleUnknown = OrdinalUnknown.UseEncodedValue, UnknownValue = -1 }).Fit(cat);
        Assert.Equal(e.GetProperty("categories").Texts().Where(c => c != "nan"), m.Categories[0]);
        Close(e.GetProperty("transformed").Matrix(), m.Transform(cat), rel: 0, abs: 0);
        Close(e.GetProperty("unseen_transformed").Matrix(), m.Transform(new Table(Column.Create("cat", ["red", "purple", "teal", null]))), rel: 0, abs: 0);
        var m2 = new OrdinalEncoder(new OrdinalEncoderOptions { EncodedMissingValue = -2 }).Fit(cat);
        Close(e.GetProperty("missing_minus2").Matrix(), m2.Transform(cat), rel: 0, abs: 0);
        Assert.Throws<UnknownCategoryException>(() => m2.Transform(new Table(Column.Create("cat", ["purple"]))));
    }

    [Fact]
    public void SimpleImputerAddIndicatorAndMissingIndicator()
    {
        var e = At("imputers/simple_median_indicator");
        var m = new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.Median, AddIndicator = true }).Fit(Num);
        Assert.Equal(e.GetProperty("feature_names").Texts(), m.FeatureNamesOut);
        Close(e.GetProperty("transformed").Matrix(), m.Transform(Num));

        var all = At("imputers/missing_indicator_all");
        var mi = new MissingIndicator(new MissingIndicatorOptions { Features = IndicatorFeatures.All }).Fit(Num);
        Assert.Equal(all.GetProperty("feature_names").Texts(), mi.FeatureNamesOut);
        Close(all.GetProperty("transformed").Matrix(), mi.Transform(Num), rel: 0, abs: 0);

        var only = new MissingIndicator().Fit(Num);
        Assert.Equal(["missingindicator_a"], only.FeatureNamesOut);
        var withNew = Num.With(new NumericColumn("b", [double.NaN, .. Enumerable.Repeat(1.0, Num.RowCount - 1)]));
        var error = Assert.Throws<DataValidationException>(() => only.Transform(withNew));
        Assert.Equal("b", error.Column);
    }

    [Fact]
    public void BadHyperparametersAndDataAreClearErrors()
    {
        Assert.Equal("feature_range", Assert.Throws<HyperparameterException>(() => new MinMaxScaler(new MinMaxScalerOptions { FeatureRange = [1, 0] })).Parameter);
        Assert.Equal("quantile_range", Assert.Throws<HyperparameterException>(() => new RobustScaler(new RobustScalerOptions { QuantileRange = [80, 20] })).Parameter);
        Assert.Equal("unknown_value", Assert.Throws<HyperparameterException>(() => new OrdinalEncoder(new OrdinalEncoderOptions { HandleUnknown = OrdinalUnknown.UseEncodedValue })).Parameter);
        var text = Assert.Throws<DataValidationException>(() => new MinMaxScaler().Fit(Input.Select("cat")));
        Assert.Equal("cat", text.Column);
        var missing = Assert.Throws<DataValidationException>(() => new Normalizer().Fit(Num));
        Assert.Equal("a", missing.Column);
    }
}
