using System.Globalization;
using System.Text.Json;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>StandardScaler, SimpleImputer and OneHotEncoder against scikit-learn 1.2 (fixtures: standard_scaler.json, preprocessing.json).</summary>
public class PreprocessingReferenceTests
{
    private static readonly JsonElement Pre = Fixture.Load("preprocessing.json");

    private static Table Input => Table.ReadCsv(Path.Combine(AppContext.BaseDirectory, "Fixtures", "preprocessing_input.csv"));

    [Fact]
    public void StandardScalerMatchesOnWine()
    {
        var f = Fixture.Load("standard_scaler.json");
        var (x, _) = Dataset.LoadXy("wine");
        var scaler = new StandardScaler().Fit(x);
        Fixture.Close(f.GetProperty("mean").Doubles(), scaler.Mean, rel: 1e-9, what: "mean");
        Fixture.Close(f.GetProperty("var").Doubles(), scaler.Variance, rel: 1e-9, what: "var");
        Fixture.Close(f.GetProperty("scale").Doubles(), scaler.Scale, rel: 1e-9, what: "scale");
        Fixture.Close(f.GetProperty("transformed_first5").Rows(), scaler.Transform(x.Head(5)).ToMatrix(), rel: 1e-9, abs: 1e-12, what: "transformed");
    }

    [Theory]
    [InlineData("mean", ImputeStrategy.Mean)]
    [InlineData("median", ImputeStrategy.Median)]
    [InlineData("most_frequent", ImputeStrategy.MostFrequent)]
    [InlineData("constant", ImputeStrategy.Constant)]
    public void SimpleImputerMatchesOnNumericColumns(string key, ImputeStrategy strategy)
    {
        var expected = Pre.GetProperty("numeric_imputer").GetProperty(key);
        var x = Input.Select("num_a", "num_b");
        var imputer = new SimpleImputer(new SimpleImputerOptions { Strategy = strategy, FillValue = strategy == ImputeStrategy.Constant ? "0" : null }).Fit(x);
        Fixture.Close(expected.GetProperty("statistics").Doubles(), [.. imputer.Statistics.Select(s => double.Parse(s, CultureInfo.InvariantCulture))], rel: 1e-12, what: "statistics");
        Fixture.Close(expected.GetProperty("transformed").Rows(), imputer.Transform(x).ToMatrix(), rel: 1e-12, what: "transformed");
    }

    [Fact]
    public void MostFrequentOnCategoriesBreaksTiesTowardsTheSmallest()
    {
        var expected = Pre.GetProperty("city_imputer_most_frequent");
        var city = Input.Select("city");
        var model = new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.MostFrequent }).Fit(city);
        Assert.Equal(expected.GetProperty("statistics").Strings(), model.Statistics);
        var filled = model.Transform(city)["city"];
        Assert.Equal(expected.GetProperty("transformed").Strings(), Enumerable.Range(0, filled.Length).Select(filled.FormatValue));
        Assert.Equal(ColumnKind.Categorical, filled.Kind);
    }

    [Fact]
    public void OneHotEncoderMatches()
    {
        var expected = Pre.GetProperty("onehot");
        var city = new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.MostFrequent }).Fit(Input.Select("city")).Transform(Input.Select("city"));
        var encoder = new OneHotEncoder(new OneHotEncoderOptions { HandleUnknown = HandleUnknown.Ignore }).Fit(city);
        Assert.Equal(expected.GetProperty("categories")[0].Strings(), encoder.Categories[0]);
        Assert.Equal(expected.GetProperty("feature_names").Strings(), encoder.FeatureNamesOut);
        Fixture.Close(expected.GetProperty("transformed").Rows(), encoder.Transform(city).ToMatrix(), rel: 0, abs: 0);

        var unknown = new Table(Column.Create("city", expected.GetProperty("unknown_input").Strings()));
        Fixture.Close(expected.GetProperty("unknown_transformed").Rows(), encoder.Transform(unknown).ToMatrix(), rel: 0, abs: 0);

        var dropFirst = Pre.GetProperty("onehot_drop_first");
        var dropped = new OneHotEncoder(new OneHotEncoderOptions { Drop = DropCategory.First }).Fit(city);
        Assert.Equal(dropFirst.GetProperty("feature_names").Strings(), dropped.FeatureNamesOut);
        Fixture.Close(dropFirst.GetProperty("transformed").Rows(), dropped.Transform(city).ToMatrix(), rel: 0, abs: 0);
    }

    [Fact]
    public void UnknownCategoryIsAnErrorByDefaultNamingRowColumnAndValue()
    {
        var encoder = new OneHotEncoder().Fit(new Table(Column.Create("city", ["Oslo", "Bergen"])));
        var e = Assert.Throws<UnknownCategoryException>(() => encoder.Transform(new Table(Column.Create("city", ["Oslo", "Narvik"]))));
        Assert.Equal("city", e.Column);
        Assert.Equal(1, e.Row);
        Assert.Contains("Narvik", e.Message, StringComparison.Ordinal);
        Assert.Contains("handle_unknown=ignore", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MeanImputationOfTextIsAClearError()
    {
        var e = Assert.Throws<DataValidationException>(() => new SimpleImputer().Fit(Input.Select("city")));
        Assert.Equal("city", e.Column);
        Assert.Contains("most_frequent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConstantColumnsScaleToZero()
    {
        var x = new Table(new NumericColumn("c", [3, 3, 3]), new NumericColumn("v", [1, 2, 3]));
        var scaler = new StandardScaler().Fit(x);
        Assert.Equal(1.0, scaler.Scale[0]);
        Assert.All(((NumericColumn)scaler.Transform(x)["c"]).Values.ToArray(), v => Assert.Equal(0.0, v));
    }
}
