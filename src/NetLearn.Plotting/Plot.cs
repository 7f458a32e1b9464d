using System.Globalization;
using NetLearn.Data;
using SP = ScottPlot;

namespace NetLearn.Plotting;

/// <summary>
/// Entry point of the plotting API: each method draws one kind of plot with titles, axis labels and legends set, and
/// returns a <see cref="Chart"/> to adjust and save (<c>Plot.Histogram(column).Title("Age").Save("age.png", 800, 600)</c>).
/// Data plots live here; model plots (confusion matrix, ROC, ...) are in the other part of this class.
/// </summary>
public static partial class Plot
{
    /// <summary>Scatter plots draw at most this many points (an evenly spread, seeded sample of the rows).</summary>
    public const int MaxScatterPoints = 20_000;

    /// <summary>A histogram of a numeric (or boolean) column with a kernel density curve over it.</summary>
    /// <param name="column">The values; missing values are left out.</param>
    /// <param name="bins">The number of bins; by default NumPy's <c>auto</c> rule.</param>
    /// <param name="kde">Draws the Gaussian kernel density estimate, scaled to the counts.</param>
    /// <exception cref="DataValidationException">The column is not numeric or has no values.</exception>
    public static Chart Histogram(Column column, int? bins = null, bool kde = true)
    {
        double[] values = Numerics.Numbers(column, "histogram");
        return Histogram(values, column.Name, bins, kde);
    }

    /// <summary>A histogram of numbers with a kernel density curve over it.</summary>
    /// <param name="values">The values; NaN and infinities are left out.</param>
    /// <param name="name">What the values are (the x-axis label).</param>
    /// <param name="bins">The number of bins; by default NumPy's <c>auto</c> rule.</param>
    /// <param name="kde">Draws the Gaussian kernel density estimate, scaled to the counts.</param>
    public static Chart Histogram(IReadOnlyList<double> values, string name = "value", int? bins = null, bool kde = true)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] finite = [.. values.Where(double.IsFinite)];
        if (finite.Length == 0)
        {
            throw new DataValidationException($"There are no values to draw a histogram of '{name}' from", column: name);
        }

        var plot = Theme.NewPlot();
        DrawHistogram(plot, finite, Theme.Color(0), bins, kde, legend: true);
        plot.Title($"Distribution of {name}");
        plot.XLabel(name);
        plot.YLabel("Count");
        return new Chart(plot);
    }

    /// <summary>A bar chart of how often each category occurs (the most frequent <paramref name="top"/>, the rest summed as "other").</summary>
    /// <exception cref="DataValidationException">The column is empty or all missing.</exception>
    public static Chart Bar(Column column, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(column);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < column.Length; i++)
        {
            string label = column.FormatValue(i) ?? "(missing)";
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }

        if (counts.Count == 0)
        {
            throw new DataValidationException("The column is empty: there is nothing to count", column: column.Name);
        }

        return Bar(counts, column.Name, top);
    }

    /// <summary>A horizontal bar chart of counts per category, most frequent on top.</summary>
    public static Chart Bar(IReadOnlyDictionary<string, long> counts, string name, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var ordered = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var shown = ordered.Take(top).Select(kv => (Label: kv.Key, Count: (double)kv.Value)).ToList();
        if (ordered.Count > top)
        {
            shown.Add(($"other ({ordered.Count - top} more)", ordered.Skip(top).Sum(kv => (double)kv.Value)));
        }

        var plot = Theme.NewPlot();
        HorizontalBars(plot, shown, Theme.Color(0));
        plot.Title($"{name}: counts");
        plot.XLabel("Count");
        plot.YLabel(name);
        return new Chart(plot, 800, Math.Max(400, 120 + (shown.Count * 28)));
    }

    /// <summary>A scatter plot of two numeric columns, optionally coloured by a third (classes get a legend, numbers a colour bar).</summary>
    /// <param name="x">The horizontal values.</param>
    /// <param name="y">The vertical values.</param>
    /// <param name="colorBy">Colours points: categorical, boolean or text columns by class, numeric columns by value.</param>
    /// <exception cref="DataValidationException">A column is not numeric, or lengths differ.</exception>
    public static Chart Scatter(Column x, Column y, Column? colorBy = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        _ = Numerics.Numbers(x, "scatter plot");
        _ = Numerics.Numbers(y, "scatter plot");
        CheckLength(x, y);
        if (colorBy is not null)
        {
            CheckLength(x, colorBy);
        }

        var plot = Theme.NewPlot();
        DrawScatter(plot, x.ToDoubleArray(), y.ToDoubleArray(), colorBy, markerSize: 6);
        plot.Title($"{y.Name} vs {x.Name}");
        plot.XLabel(x.Name);
        plot.YLabel(y.Name);
        return new Chart(plot);
    }

    /// <summary>A scatter plot of two columns of a table, optionally coloured by a third.</summary>
    public static Chart Scatter(Table table, string x, string y, string? colorBy = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Scatter(ColumnOf(table, x), ColumnOf(table, y), colorBy is null ? null : ColumnOf(table, colorBy));
    }

    /// <summary>Box plots (Tukey: whiskers at 1.5 IQR, outliers as points) of several numeric columns side by side.</summary>
    public static Chart Box(Table table, params string[] columns) => Distributions(table, columns, violin: false);

    /// <summary>Box plots of a numeric column for each group of <paramref name="groupBy"/>.</summary>
    public static Chart Box(Column values, Column groupBy) => GroupedDistributions(values, groupBy, violin: false);

    /// <summary>Violin plots (mirrored kernel density with the median and quartiles) of several numeric columns side by side.</summary>
    public static Chart Violin(Table table, params string[] columns) => Distributions(table, columns, violin: true);

    /// <summary>Violin plots of a numeric column for each group of <paramref name="groupBy"/>.</summary>
    public static Chart Violin(Column values, Column groupBy) => GroupedDistributions(values, groupBy, violin: true);

    /// <summary>The annotated Pearson correlation heatmap of the numeric (and boolean) columns of a table.</summary>
    /// <exception cref="DataValidationException">The table has fewer than two numeric columns.</exception>
    public static Chart CorrelationHeatmap(Table table, bool annotate = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        var numeric = table.Columns.Where(c => c.Kind is ColumnKind.Numeric or ColumnKind.Boolean).ToList();
        if (numeric.Count < 2)
        {
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"A correlation heatmap needs at least two numeric columns; the table has {numeric.Count}"));
        }

        var matrix = Numerics.CorrelationMatrix([.. numeric.Select(c => c.ToDoubleArray())]);
        return CorrelationHeatmap([.. numeric.Select(c => c.Name)], matrix, annotate);
    }

    /// <summary>An annotated heatmap of a correlation matrix (values in [-1, 1]; NaN cells grey).</summary>
    public static Chart CorrelationHeatmap(IReadOnlyList<string> names, double[,] correlations, bool annotate = true)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(correlations);
        var plot = Theme.NewPlot();
        var heatmap = MatrixHeatmap(plot, correlations, names, names, new SP.Colormaps.Balance(), -1, 1, annotate ? "0.00" : null);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "Pearson r";
        bar.LabelStyle.FontSize = 13;
        plot.Title("Correlations");
        int size = Math.Clamp(240 + (names.Count * 44), 600, 1600);
        return new Chart(plot, size + 100, size);
    }

    /// <summary>
    /// A scatter matrix (pair plot): histograms on the diagonal, scatter plots below and above it, optionally coloured by class.
    /// </summary>
    /// <param name="table">The data.</param>
    /// <param name="columns">The numeric columns to pair (2 to 8); by default the first six numeric columns.</param>
    /// <param name="colorBy">A column to colour the points by (for example the target), or <c>null</c>.</param>
    public static Chart ScatterMatrix(Table table, IReadOnlyList<string>? columns = null, string? colorBy = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var chosen = columns is null
            ? table.Columns.Where(c => c.Kind == ColumnKind.Numeric && c.Name != colorBy).Take(6).ToList()
            : [.. columns.Select(name => ColumnOf(table, name))];
        foreach (var column in chosen)
        {
            _ = Numerics.Numbers(column, "scatter matrix");
        }

        if (chosen.Count is < 2 or > 8)
        {
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"A scatter matrix needs 2 to 8 numeric columns; got {chosen.Count}. Name the columns to pair"));
        }

        Column? color = colorBy is null ? null : ColumnOf(table, colorBy);
        int[] rows = SampleRows(table.RowCount, 3000);
        var data = chosen.Select(c => Take(c.ToDoubleArray(), rows)).ToList();
        Column? colorSample = color?.Take(rows);
        string[]? classes = colorSample is null || IsContinuous(colorSample) ? null : Numerics.SortedDistinct(Numerics.Labels(colorSample));
        int k = chosen.Count;
        var panels = new List<Chart.Panel>();
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < k; c++)
            {
                var plot = Theme.NewPlot();
                SmallPanel(plot, k);
                if (r == c)
                {
                    if (classes is not null)
                    {
                        string[] labels = Numerics.Labels(colorSample!);
                        for (int g = 0; g < classes.Length; g++)
                        {
                            double[] part = [.. data[c].Where((v, i) => labels[i] == classes[g] && double.IsFinite(v))];
                            if (part.Length > 1)
                            {
                                DrawDensity(plot, part, Theme.Color(g));
                            }
                        }
                    }
                    else
                    {
                        DrawHistogram(plot, [.. data[c].Where(double.IsFinite)], Theme.Color(0), null, kde: false, legend: false);
                    }
                }
                else
                {
                    DrawScatter(plot, data[c], data[r], colorSample, markerSize: k > 4 ? 3 : 4, legend: false, colorBar: false);
                }

                if (r == k - 1)
                {
                    plot.XLabel(chosen[c].Name);
                }

                if (c == 0)
                {
                    plot.YLabel(chosen[r].Name);
                }

                panels.Add(new Chart.Panel(plot, (double)c / k, (double)r / k, (double)(c + 1) / k, (double)(r + 1) / k));
            }
        }

        if (classes is not null)
        {
            var first = panels[k - 1].Plot;
            var items = classes.Select((cls, g) => new SP.LegendItem { LabelText = cls, MarkerShape = SP.MarkerShape.FilledCircle, MarkerFillColor = Theme.Color(g), MarkerLineColor = Theme.Color(g), MarkerSize = 8 });
            foreach (var panel in panels)
            {
                panel.Plot.Legend.IsVisible = false;
            }

            first.ShowLegend(items, SP.Alignment.UpperRight);
            first.Legend.DisplayPlottableLegendItems = false;
            first.Legend.FontSize = 10;
        }

        int side = Math.Clamp(k * 220, 500, 1800);
        var chart = new Chart(panels, side, side + 44);
        chart.Title(colorBy is null ? "Scatter matrix" : $"Scatter matrix by {colorBy}");
        return chart;
    }

    /// <summary>
    /// A missing-value matrix (as in <c>missingno</c>): one column per table column, rows top to bottom in file order;
    /// dark where a value is present, light where it is missing. More than 600 rows are drawn in bands, shaded by the
    /// fraction present.
    /// </summary>
    public static Chart MissingValues(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.RowCount == 0 || table.ColumnCount == 0)
        {
            throw new DataValidationException("The table is empty: there are no values to check");
        }

        int bands = Math.Min(table.RowCount, 600);
        var present = new double[bands, table.ColumnCount];
        var missingCounts = new int[table.ColumnCount];
        for (int c = 0; c < table.ColumnCount; c++)
        {
            var column = table[c];
            var totals = new int[bands];
            for (int i = 0; i < table.RowCount; i++)
            {
                int band = (int)((long)i * bands / table.RowCount);
                totals[band]++;
                if (column.IsMissing(i))
                {
                    missingCounts[c]++;
                }
                else
                {
                    present[band, c]++;
                }
            }

            for (int b = 0; b < bands; b++)
            {
                present[b, c] = totals[b] == 0 ? 1 : present[b, c] / totals[b];
            }
        }

        return MissingValues([.. table.ColumnNames], present, missingCounts, table.RowCount);
    }

    /// <summary>A missing-value matrix from fractions present per row band (rows) and column.</summary>
    internal static Chart MissingValues(IReadOnlyList<string> names, double[,] present, IReadOnlyList<int> missingCounts, long rows)
    {
        var plot = Theme.NewPlot();
        int bands = present.GetLength(0);
        var heatmap = plot.Add.Heatmap(present);
        heatmap.Colormap = new SP.Colormaps.Custom([SP.Color.FromHex("#fdf6e3"), SP.Color.FromHex("#2f4b7c")]);
        heatmap.ManualRange = new SP.Range(0, 1);
        heatmap.Rectangle = new SP.CoordinateRect(-0.5, names.Count - 0.5, 0, bands);
        var labels = names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{Shorten(n, 22)} ({100.0 * missingCounts[i] / Math.Max(1, rows):0.#}%)")).ToArray();
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, names.Count).Select(i => (double)i)], labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = SP.Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 150;
        double[] rowTicks = Numerics.Linspace(0, bands, 5);
        plot.Axes.Left.SetTicks(rowTicks, [.. rowTicks.Select(t => Math.Clamp((long)Math.Round((bands - t) / bands * rows) + 1, 1, rows).ToString("N0", CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimits(-0.5, names.Count - 0.5, 0, bands);
        plot.Grid.IsVisible = false;
        plot.Title("Missing values (dark = present, light = missing)");
        plot.YLabel("Row");
        return new Chart(plot, Math.Clamp(200 + (names.Count * 45), 600, 1600), 600);
    }

    // ---------------------------------------------------------------- shared drawing

    internal static void DrawHistogram(SP.Plot plot, double[] values, SP.Color color, int? bins, bool kde, bool legend)
    {
        double[] edges = Numerics.BinEdges(values, bins);
        double[] counts = Numerics.Counts(values, edges);
        double width = edges[1] - edges[0];
        var bars = new List<SP.Bar>();
        for (int i = 0; i < counts.Length; i++)
        {
            bars.Add(new SP.Bar
            {
                Position = edges[i] + (width / 2),
                Value = counts[i],
                Size = width,
                FillColor = color,
                LineColor = SP.Colors.White,
                LineWidth = counts.Length > 60 ? 0 : 1,
            });
        }

        var barPlot = plot.Add.Bars(bars);
        if (legend)
        {
            barPlot.LegendText = string.Create(CultureInfo.InvariantCulture, $"count (n = {values.Length:N0})");
        }

        if (kde && values.Length > 1)
        {
            double pad = 3 * width;
            double[] grid = Numerics.Linspace(edges[0] - pad, edges[^1] + pad, 256);
            double[] density = Numerics.Kde(values, grid);
            if (density.Any(d => d > 0))
            {
                double scale = values.Length * width;
                var line = plot.Add.ScatterLine(grid, [.. density.Select(d => d * scale)]);
                line.Color = Darker(color);
                line.LineWidth = 2.5f;
                line.MarkerSize = 0;
                if (legend)
                {
                    line.LegendText = "kernel density";
                }
            }
        }

        plot.Axes.Margins(bottom: 0);
        if (legend)
        {
            plot.Legend.IsVisible = true;
            plot.Legend.Alignment = SP.Alignment.UpperRight;
        }
    }

    internal static void DrawDensity(SP.Plot plot, double[] values, SP.Color color)
    {
        double min = values.Min(), max = values.Max();
        double pad = Math.Max(1e-9, (max - min) * 0.1);
        double[] grid = Numerics.Linspace(min - pad, max + pad, 128);
        double[] density = Numerics.Kde(values, grid);
        var fill = plot.Add.FillY(grid, density, new double[grid.Length]);
        fill.FillColor = color.WithAlpha(0.3);
        fill.LineColor = color;
        fill.LineWidth = 1.5f;
        plot.Axes.Margins(bottom: 0);
    }

    internal static void DrawScatter(SP.Plot plot, double[] x, double[] y, Column? colorBy, float markerSize, bool legend = true, bool colorBar = true)
    {
        var keep = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        if (keep.Length > MaxScatterPoints)
        {
            keep = [.. SampleRows(keep.Length, MaxScatterPoints).Select(i => keep[i])];
        }

        if (colorBy is null)
        {
            var markers = plot.Add.Markers(Take(x, keep), Take(y, keep), SP.MarkerShape.FilledCircle, markerSize, Theme.Color(0).WithAlpha(0.6));
            markers.LegendText = "";
            return;
        }

        if (IsContinuous(colorBy))
        {
            double[] values = colorBy.ToDoubleArray();
            var finite = keep.Where(i => double.IsFinite(values[i])).ToArray();
            double lo = finite.Length == 0 ? 0 : finite.Min(i => values[i]);
            double hi = finite.Length == 0 ? 1 : finite.Max(i => values[i]);
            var scale = new ColorScale(new SP.Colormaps.Viridis(), lo, hi);
            const int Levels = 64;
            var groups = keep.GroupBy(i => double.IsFinite(values[i]) ? (int)Math.Clamp(Math.Floor((values[i] - lo) / Math.Max(1e-300, hi - lo) * Levels), 0, Levels - 1) : -1);
            foreach (var group in groups.OrderBy(g => g.Key))
            {
                int[] idx = [.. group];
                var color = group.Key < 0 ? SP.Colors.LightGray : scale.Colormap.GetColor((group.Key + 0.5) / Levels);
                plot.Add.Markers(Take(x, idx), Take(y, idx), SP.MarkerShape.FilledCircle, markerSize, color.WithAlpha(0.8));
            }

            if (colorBar)
            {
                var bar = plot.Add.ColorBar(scale);
                bar.Label = colorBy.Name;
                bar.LabelStyle.FontSize = 13;
            }

            return;
        }

        string[] labels = Numerics.Labels(colorBy);
        string[] classes = Numerics.SortedDistinct(keep.Select(i => labels[i]));
        for (int g = 0; g < classes.Length; g++)
        {
            int[] idx = [.. keep.Where(i => labels[i] == classes[g])];
            var markers = plot.Add.Markers(Take(x, idx), Take(y, idx), SP.MarkerShape.FilledCircle, markerSize, Theme.Color(g).WithAlpha(0.7));
            markers.LegendText = classes[g];
        }

        if (legend)
        {
            plot.Legend.IsVisible = true;
            plot.Legend.Alignment = SP.Alignment.UpperRight;
            plot.Legend.MarkerShapeOverride = SP.MarkerShape.FilledCircle;
        }
    }

    internal static void HorizontalBars(SP.Plot plot, IReadOnlyList<(string Label, double Value)> items, SP.Color color, string format = "N0")
    {
        var bars = new List<SP.Bar>();
        int n = items.Count;
        for (int i = 0; i < n; i++)
        {
            bars.Add(new SP.Bar
            {
                Position = n - 1 - i,
                Value = items[i].Value,
                FillColor = color,
                LineWidth = 0,
                Orientation = SP.Orientation.Horizontal,
                Label = items[i].Value.ToString(format, CultureInfo.InvariantCulture),
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        barPlot.ValueLabelStyle.FontName = Theme.FontName;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, n).Select(i => (double)(n - 1 - i))], [.. items.Select(it => Shorten(it.Label, 32))]);
        plot.Axes.Margins(left: 0, right: 0.12);
        plot.Grid.YAxisStyle.IsVisible = false;
    }

    internal static SP.Plottables.Heatmap MatrixHeatmap(SP.Plot plot, double[,] values, IReadOnlyList<string> rowNames, IReadOnlyList<string> columnNames, SP.IColormap colormap, double? min, double? max, string? annotateFormat)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = colormap;
        heatmap.NaNCellColor = SP.Colors.LightGray;
        if (min is not null && max is not null)
        {
            heatmap.ManualRange = new SP.Range(min.Value, max.Value);
        }

        heatmap.Rectangle = new SP.CoordinateRect(-0.5, cols - 0.5, -0.5, rows - 0.5);
        double lo = min ?? Finite(values).DefaultIfEmpty(0).Min();
        double hi = max ?? Finite(values).DefaultIfEmpty(1).Max();
        if (annotateFormat is not null && rows * cols <= 900)
        {
            float fontSize = Math.Clamp(22f - Math.Max(rows, cols), 8f, 14f);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    double v = values[r, c];
                    if (double.IsNaN(v))
                    {
                        continue;
                    }

                    var text = plot.Add.Text(v.ToString(annotateFormat, CultureInfo.InvariantCulture), c, rows - 1 - r);
                    text.LabelFontSize = fontSize;
                    text.LabelFontName = Theme.FontName;
                    text.LabelAlignment = SP.Alignment.MiddleCenter;
                    double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
                    text.LabelFontColor = Luminance(colormap.GetColor(Math.Clamp(t, 0, 1))) < 0.45 ? SP.Colors.White : SP.Colors.Black;
                }
            }
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, cols).Select(i => (double)i)], [.. columnNames.Select(n => Shorten(n, 20))]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows).Select(i => (double)(rows - 1 - i))], [.. rowNames.Select(n => Shorten(n, 20))]);
        if (cols > 4 || columnNames.Any(n => n.Length > 8))
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = SP.Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 20 + (7 * Math.Min(20, columnNames.Max(n => n.Length)));
        }

        plot.Axes.SetLimits(-0.5, cols - 0.5, -0.5, rows - 0.5);
        plot.Grid.IsVisible = false;
        return heatmap;
    }

    // ---------------------------------------------------------------- helpers

    private static Chart Distributions(Table table, string[] columns, bool violin)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        var chosen = columns.Length == 0
            ? table.Columns.Where(c => c.Kind == ColumnKind.Numeric).ToList()
            : [.. columns.Select(name => ColumnOf(table, name))];
        if (chosen.Count == 0)
        {
            throw new DataValidationException("The table has no numeric columns to draw");
        }

        var groups = chosen.Select(c => (c.Name, Values: Numerics.Numbers(c, violin ? "violin plot" : "box plot"))).ToList();
        var chart = DrawGroups(groups, violin);
        chart.Plots[0].Title(violin ? "Distributions (violin)" : "Distributions (box)");
        chart.Plots[0].YLabel("Value");
        return chart;
    }

    private static Chart GroupedDistributions(Column values, Column groupBy, bool violin)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(groupBy);
        _ = Numerics.Numbers(values, violin ? "violin plot" : "box plot");
        CheckLength(values, groupBy);
        double[] v = values.ToDoubleArray();
        string[] labels = Numerics.Labels(groupBy);
        var classes = Numerics.SortedDistinct(labels);
        if (classes.Length > 50)
        {
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"The grouping column has {classes.Length} distinct values; a plot can show at most 50 groups. Group by a column with fewer values"),
                column: groupBy.Name);
        }

        var groups = classes
            .Select(cls => (Name: cls, Values: (double[])[.. v.Where((x, i) => labels[i] == cls && double.IsFinite(x))]))
            .Where(g => g.Values.Length > 0)
            .ToList();
        var chart = DrawGroups(groups, violin);
        chart.Plots[0].Title($"{values.Name} by {groupBy.Name}");
        chart.Plots[0].XLabel(groupBy.Name);
        chart.Plots[0].YLabel(values.Name);
        return chart;
    }

    private static Chart DrawGroups(IReadOnlyList<(string Name, double[] Values)> groups, bool violin)
    {
        var plot = Theme.NewPlot();
        for (int g = 0; g < groups.Count; g++)
        {
            double[] sorted = [.. groups[g].Values.Order()];
            var color = Theme.Color(g);
            double q1 = Numerics.Quantile(sorted, 0.25), median = Numerics.Quantile(sorted, 0.5), q3 = Numerics.Quantile(sorted, 0.75);
            double iqr = q3 - q1;
            double lowFence = q1 - (1.5 * iqr), highFence = q3 + (1.5 * iqr);
            double whiskerLow = sorted.First(v => v >= lowFence), whiskerHigh = sorted.Last(v => v <= highFence);
            if (violin)
            {
                double pad = Math.Max(1e-9, (sorted[^1] - sorted[0]) * 0.05);
                double[] grid = Numerics.Linspace(sorted[0] - pad, sorted[^1] + pad, 128);
                double[] density = Numerics.Kde(sorted, grid);
                double peak = density.Max();
                if (peak > 0)
                {
                    var xs = new List<double>();
                    var ys = new List<double>();
                    for (int i = 0; i < grid.Length; i++)
                    {
                        xs.Add(g + (0.4 * density[i] / peak));
                        ys.Add(grid[i]);
                    }

                    for (int i = grid.Length - 1; i >= 0; i--)
                    {
                        xs.Add(g - (0.4 * density[i] / peak));
                        ys.Add(grid[i]);
                    }

                    var polygon = plot.Add.Polygon(xs.ToArray(), ys.ToArray());
                    polygon.FillColor = color.WithAlpha(0.45);
                    polygon.LineColor = color;
                    polygon.LineWidth = 1.5f;
                }

                var iqrLine = plot.Add.Line(g, q1, g, q3);
                iqrLine.LineWidth = 6;
                iqrLine.Color = SP.Color.FromHex("#333333");
                var whisker = plot.Add.Line(g, whiskerLow, g, whiskerHigh);
                whisker.LineWidth = 1.5f;
                whisker.Color = SP.Color.FromHex("#333333");
                plot.Add.Marker(g, median, SP.MarkerShape.FilledCircle, 8, SP.Colors.White);
            }
            else
            {
                var box = plot.Add.Box(new SP.Box
                {
                    Position = g,
                    BoxMin = q1,
                    BoxMax = q3,
                    BoxMiddle = median,
                    WhiskerMin = whiskerLow,
                    WhiskerMax = whiskerHigh,
                    Width = 0.6,
                });
                box.FillColor = color.WithAlpha(0.55);
                box.LineColor = Darker(color);
                box.LineWidth = 1.5f;
                double[] outliers = [.. sorted.Where(v => v < lowFence || v > highFence)];
                if (outliers.Length > 2000)
                {
                    outliers = [.. SampleRows(outliers.Length, 2000).Select(i => outliers[i])];
                }

                if (outliers.Length > 0)
                {
                    plot.Add.Markers([.. outliers.Select(_ => (double)g)], outliers, SP.MarkerShape.OpenCircle, 5, Darker(color));
                }
            }
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, groups.Count).Select(i => (double)i)], [.. groups.Select(gr => Shorten(gr.Name, 18))]);
        if (groups.Count > 6)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = SP.Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 90;
        }

        plot.Axes.SetLimitsX(-0.7, groups.Count - 0.3);
        plot.Grid.XAxisStyle.IsVisible = false;
        return new Chart(plot, Math.Clamp(200 + (groups.Count * 90), 600, 1600), 600);
    }

    private static void SmallPanel(SP.Plot plot, int k)
    {
        float tick = k > 4 ? 9 : 10;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.TickLabelStyle.FontSize = tick;
            axis.Label.FontSize = 12;
        }
    }

    internal static Column ColumnOf(Table table, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!table.Contains(name))
        {
            throw new DataValidationException(
                $"There is no such column. The columns are: {string.Join(", ", table.ColumnNames.Take(30))}{(table.ColumnCount > 30 ? ", ..." : "")}",
                column: name);
        }

        return table[name];
    }

    internal static bool IsContinuous(Column column) =>
        column.Kind == ColumnKind.Numeric && column.ToDoubleArray().Where(double.IsFinite).Distinct().Take(11).Count() > 10;

    internal static void CheckLength(Column a, Column b)
    {
        if (a.Length != b.Length)
        {
            throw new DataValidationException(
                string.Create(CultureInfo.InvariantCulture, $"Columns '{a.Name}' ({a.Length} rows) and '{b.Name}' ({b.Length} rows) differ in length; plot columns of one table"),
                column: b.Name);
        }
    }

    /// <summary>Up to <paramref name="max"/> row indices spread evenly over <paramref name="count"/> rows, in order (all rows when fewer).</summary>
    internal static int[] SampleRows(int count, int max)
    {
        if (count <= max)
        {
            return [.. Enumerable.Range(0, count)];
        }

        var rows = new int[max];
        for (int i = 0; i < max; i++)
        {
            rows[i] = (int)((long)i * count / max);
        }

        return rows;
    }

    internal static double[] Take(double[] values, int[] rows)
    {
        var taken = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            taken[i] = values[rows[i]];
        }

        return taken;
    }

    internal static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    internal static SP.Color Darker(SP.Color color) => new((byte)(color.R * 0.7), (byte)(color.G * 0.7), (byte)(color.B * 0.7));

    private static double Luminance(SP.Color c) => ((0.299 * c.R) + (0.587 * c.G) + (0.114 * c.B)) / 255.0;

    private static IEnumerable<double> Finite(double[,] values)
    {
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                yield return v;
            }
        }
    }

    /// <summary>A colour axis for values coloured by a colormap (drives a colour bar).</summary>
    internal sealed class ColorScale(SP.IColormap colormap, double min, double max) : SP.IHasColorAxis
    {
        public SP.IColormap Colormap { get; } = colormap;

        public SP.Range GetRange() => new(min, max > min ? max : min + 1);
    }
}
