using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;
using static NetLearn.Core.Tests.Preprocessing.PrepFixture;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>
/// TargetEncoder against scikit-learn 1.3's documented algorithm (computed in make_preprocessing_fixtures.py, since
/// scikit-learn 1.2 has no TargetEncoder), and the property that matters: cross-fitting does not leak a row's target.
/// </summary>
public class TargetEncoderTests
{
    private static Table Cat => Input.Select("cat");

    [Theory]
    [InlineData("continuous_auto", "y_reg", null)]
    [InlineData("continuous_10.0", "y_reg", 10.0)]
    [InlineData("binary_auto", "y_cls", null)]
    [InlineData("binary_10.0", "y_cls", 10.0)]
    public void MatchesTheScikitLearn13Algorithm(string key, string target, double? smooth)
    {
        var e = At("target_encoder/" + key);
        var encoder = new TargetEncoder(new TargetEncoderOptions { Smooth = smooth, Shuffle = false });
        var (model, crossFitted) = encoder.FitTransform(Cat, Input[target]);
        Assert.Equal(e.GetProperty("categories").Texts(), model.Categories[0]);
        Close(e.GetProperty("encodings").Vector(), model.Encodings[0], rel: 1e-12);
        Close(e.GetProperty("target_mean").GetDouble(), model.TargetMean, 1e-12, 1e-15, "target_mean");
        Close(e.GetProperty("fit_transform").Vector(), crossFitted["cat"].ToDoubleArray(), rel: 1e-12);
        Close(e.GetProperty("transform").Vector(), model.Transform(Cat)["cat"].ToDoubleArray(), rel: 1e-12);
        Assert.Equal(target == "y_cls" ? TargetType.Binary : TargetType.Continuous, model.TargetType);
    }

    [Fact]
    public void CrossFittedEncodingOfARowDoesNotDependOnItsOwnTarget()
    {
        int n = Input.RowCount;
        double[] y = Input["y_reg"].ToDoubleArray();
        var encoder = new TargetEncoder(new TargetEncoderOptions { RandomState = 3 });
        double[] baseline = encoder.FitTransform(Cat, new NumericColumn("y", y)).Output["cat"].ToDoubleArray();
        foreach (int row in new[] { 0, 17, 101, n - 1 })
        {
            double[] changed = (double[])y.Clone();
            changed[row] += 1000;
            double[] again = encoder.FitTransform(Cat, new NumericColumn("y", changed)).Output["cat"].ToDoubleArray();
            Assert.Equal(baseline[row], again[row]);

            // ...whereas the plain (non-cross-fitted) encoding of that row moves with its own target.
            Assert.NotEqual(encoder.Fit(Cat, new NumericColumn("y", y)).Transform(Cat)["cat"].ToDoubleArray()[row], encoder.Fit(Cat, new NumericColumn("y", changed)).Transform(Cat)["cat"].ToDoubleArray()[row]);
        }
    }

    [Fact]
    public void AnIdentifierColumnCannotMemoriseTheTargetInsideAPipeline()
    {
        // Every row has its own category: a leaky encoder would copy y into the feature.
        int n = Input.RowCount;
        var ids = new Table(CategoricalColumn.FromValues("id", [.. Enumerable.Range(0, n).Select(i => "row" + i)]));
        var y = Input["y_reg"];
        var pipeline = new Pipeline(new Step("encode", new TargetEncoder()), new Step("scale", new StandardScaler()));
        var (_, output) = pipeline.FitTransform(ids, y);
        double[] encoded = output["id"].ToDoubleArray();
        double[] target = y.ToDoubleArray();
        Assert.True(Math.Abs(Correlation(encoded, target)) < 0.3, $"cross-fitted encodings correlate with the target: {Correlation(encoded, target)}");
        var leaky = new TargetEncoder(new TargetEncoderOptions { Smooth = 0 }).Fit(ids, y).Transform(ids)["id"].ToDoubleArray();
        Assert.Equal(1.0, Correlation(leaky, target), 9);
    }

    [Fact]
    public void UnknownCategoriesGetTheTargetMeanAndMulticlassIsAClearError()
    {
        var model = new TargetEncoder().Fit(Cat, Input["y_reg"]);
        var probe = model.Transform(new Table(Column.Create("cat", ["purple"])));
        Assert.Equal(model.TargetMean, probe["cat"].ToDoubleArray()[0]);
        var three = CategoricalColumn.FromValues("y", [.. Enumerable.Range(0, Input.RowCount).Select(i => (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) + "x")]);
        var e = Assert.Throws<DataValidationException>(() => new TargetEncoder().Fit(Cat, three));
        Assert.Contains("3 classes", e.Message, StringComparison.Ordinal);
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum();
        return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
    }
}
