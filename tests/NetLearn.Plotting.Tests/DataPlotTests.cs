using NetLearn.Data;

namespace NetLearn.Plotting.Tests;

public sealed class DataPlotTests
{
    private static readonly Table Data = TestData.Mixed();

    [Fact]
    public void Histogram_with_kde_has_the_asked_size_and_is_not_blank()
    {
        string png = Images.SaveAndCheck(Plot.Histogram(Data["x"]).Title("x values"), "histogram", 800, 600);
        Assert.True(Images.ColorFraction(png, new SkiaSharp.SKColor(0x1f, 0x77, 0xb4)) > 0.02, "the bars should be drawn in the first palette colour");
    }

    [Fact]
    public void Histogram_skips_missing_values_and_draws_other_sizes()
    {
        Images.SaveAndCheck(Plot.Histogram(Data["score"], bins: 12, kde: false), "histogram-bins", 640, 480);
    }

    [Fact]
    public void Scatter_coloured_by_class_and_by_value()
    {
        Images.SaveAndCheck(Plot.Scatter(Data, "x", "y", "label"), "scatter-class");
        Images.SaveAndCheck(Plot.Scatter(Data, "x", "y", "skewed"), "scatter-value");
        Images.SaveAndCheck(Plot.Scatter(Data["x"], Data["y"]).XLabel("feature x").YLabel("feature y"), "scatter-plain", 500, 500);
    }

    [Fact]
    public void Bar_chart_of_categories()
    {
        Images.SaveAndCheck(Plot.Bar(Data["city"]), "bar", 800, 500);
        Images.SaveAndCheck(Plot.Bar(Data["member"]), "bar-bool", 600, 400);
    }

    [Fact]
    public void Box_and_violin_plots()
    {
        Images.SaveAndCheck(Plot.Box(Data, "x", "y", "skewed"), "box");
        Images.SaveAndCheck(Plot.Box(Data["x"], Data["label"]), "box-grouped");
        Images.SaveAndCheck(Plot.Violin(Data, "x", "y", "skewed"), "violin");
        Images.SaveAndCheck(Plot.Violin(Data["y"], Data["city"]), "violin-grouped");
    }

    [Fact]
    public void Correlation_heatmap_is_annotated()
    {
        Images.SaveAndCheck(Plot.CorrelationHeatmap(Data), "correlation", 800, 700);
    }

    [Fact]
    public void Scatter_matrix_with_and_without_classes()
    {
        Images.SaveAndCheck(Plot.ScatterMatrix(Data, ["x", "y", "skewed"], colorBy: "label"), "scatter-matrix", 900, 900);
        Images.SaveAndCheck(Plot.ScatterMatrix(Data), "scatter-matrix-plain", 800, 800);
    }

    [Fact]
    public void Missing_value_matrix()
    {
        Images.SaveAndCheck(Plot.MissingValues(Data), "missing", 800, 600);
    }

    [Fact]
    public void Plotting_a_text_column_as_numbers_names_the_column()
    {
        var e = Assert.Throws<DataValidationException>(() => Plot.Histogram(Data["city"]));
        Assert.Contains("'city'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Plot.Bar", e.Message, StringComparison.Ordinal);
        var scatter = Assert.Throws<DataValidationException>(() => Plot.Scatter(Data, "x", "label"));
        Assert.Contains("'label'", scatter.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_column_is_named_with_the_choices()
    {
        var e = Assert.Throws<DataValidationException>(() => Plot.Scatter(Data, "x", "nope"));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
        Assert.Contains("skewed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_or_all_missing_column_is_refused()
    {
        var e = Assert.Throws<DataValidationException>(() => Plot.Histogram(Column.Create("empty", new[] { double.NaN, double.NaN })));
        Assert.Contains("'empty'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_extension_and_size_are_refused_and_nothing_is_written()
    {
        var chart = Plot.Histogram(Data["x"]);
        string path = Images.PathFor("histogram.jpg");
        Assert.Throws<ArgumentException>(() => chart.Save(path));
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentOutOfRangeException>(() => chart.Save(Images.PathFor("tiny.png"), 10, 10));
    }
}
