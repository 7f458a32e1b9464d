using NetLearn.Data;

namespace NetLearn.Plotting;

/// <summary>Small numerical helpers behind the plots: binning, kernel density, quantiles, correlations.</summary>
internal static class Numerics
{
    /// <summary>The non-missing values of a numeric or boolean column; other kinds are refused with a message naming the column.</summary>
    public static double[] Numbers(Column column, string plot)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Kind is not (ColumnKind.Numeric or ColumnKind.Boolean))
        {
            throw new DataValidationException(
                $"A {plot} needs numbers, but the column is {column.Kind.ToString().ToLowerInvariant()}. Use Plot.Bar for categories, or convert the column to numbers first",
                column: column.Name);
        }

        double[] all = column.ToDoubleArray();
        double[] finite = [.. all.Where(double.IsFinite)];
        if (finite.Length == 0)
        {
            throw new DataValidationException($"The column has no values to draw a {plot} from (it is empty or all missing)", column: column.Name);
        }

        return finite;
    }

    /// <summary>
    /// Bin edges by NumPy's <c>bins='auto'</c> rule: the smaller width of Sturges' rule and the Freedman–Diaconis rule
    /// (Freedman &amp; Diaconis 1981), capped at <paramref name="maxBins"/>.
    /// </summary>
    public static double[] BinEdges(double[] values, int? bins = null, int maxBins = 60)
    {
        double min = values.Min();
        double max = values.Max();
        if (min == max)
        {
            return [min - 0.5, min + 0.5];
        }

        int count;
        if (bins is { } requested)
        {
            count = Math.Max(1, requested);
        }
        else
        {
            double range = max - min;
            double sturges = range / (Math.Log2(values.Length) + 1);
            double[] sorted = [.. values.Order()];
            double iqr = Quantile(sorted, 0.75) - Quantile(sorted, 0.25);
            double fd = 2 * iqr * Math.Pow(values.Length, -1.0 / 3);
            double width = fd > 0 ? Math.Min(sturges, fd) : sturges;
            count = (int)Math.Clamp(Math.Ceiling(range / width), 1, maxBins);
        }

        var edges = new double[count + 1];
        for (int i = 0; i <= count; i++)
        {
            edges[i] = min + ((max - min) * i / count);
        }

        return edges;
    }

    /// <summary>Counts per bin; the last bin includes its right edge (as in NumPy).</summary>
    public static double[] Counts(double[] values, double[] edges)
    {
        int bins = edges.Length - 1;
        var counts = new double[bins];
        double min = edges[0];
        double width = (edges[^1] - min) / bins;
        foreach (double v in values)
        {
            int b = (int)((v - min) / width);
            counts[Math.Clamp(b, 0, bins - 1)]++;
        }

        return counts;
    }

    /// <summary>The linear-interpolation quantile of sorted values (NumPy's default method).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>
    /// A Gaussian kernel density estimate evaluated on <paramref name="grid"/>, with Scott's bandwidth
    /// <c>σ·n^(-1/5)</c> as in SciPy's <c>gaussian_kde</c> (Scott 1992). Large samples are thinned to 4000 evenly spaced
    /// order statistics, which changes the curve by far less than a pixel.
    /// </summary>
    public static double[] Kde(double[] values, double[] grid)
    {
        double[] sample = values;
        if (values.Length > 4000)
        {
            double[] sorted = [.. values.Order()];
            sample = new double[4000];
            for (int i = 0; i < sample.Length; i++)
            {
                sample[i] = sorted[(int)((long)i * (sorted.Length - 1) / (sample.Length - 1))];
            }
        }

        double mean = sample.Average();
        double sd = Math.Sqrt(sample.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, sample.Length - 1));
        double h = sd * Math.Pow(values.Length, -0.2);
        var density = new double[grid.Length];
        if (!(h > 0))
        {
            return density;
        }

        double norm = 1.0 / (sample.Length * h * Math.Sqrt(2 * Math.PI));
        for (int g = 0; g < grid.Length; g++)
        {
            double sum = 0;
            foreach (double v in sample)
            {
                double z = (grid[g] - v) / h;
                sum += Math.Exp(-0.5 * z * z);
            }

            density[g] = sum * norm;
        }

        return density;
    }

    /// <summary>Evenly spaced points from <paramref name="start"/> to <paramref name="stop"/> inclusive.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        var points = new double[count];
        for (int i = 0; i < count; i++)
        {
            points[i] = count == 1 ? start : start + ((stop - start) * i / (count - 1));
        }

        return points;
    }

    /// <summary>Pearson correlation of two equally long arrays over the rows where both are finite; NaN when undefined.</summary>
    public static double Pearson(double[] x, double[] y)
    {
        double sx = 0, sy = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                sx += x[i];
                sy += y[i];
                n++;
            }
        }

        if (n < 2)
        {
            return double.NaN;
        }

        double mx = sx / n, my = sy / n, cxy = 0, cxx = 0, cyy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                double dx = x[i] - mx, dy = y[i] - my;
                cxy += dx * dy;
                cxx += dx * dx;
                cyy += dy * dy;
            }
        }

        return cxx > 0 && cyy > 0 ? Math.Clamp(cxy / Math.Sqrt(cxx * cyy), -1, 1) : double.NaN;
    }

    /// <summary>The Pearson correlation matrix of the columns (pairwise-complete rows, as pandas' <c>DataFrame.corr</c>).</summary>
    public static double[,] CorrelationMatrix(IReadOnlyList<double[]> columns)
    {
        int k = columns.Count;
        var r = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            for (int j = i; j < k; j++)
            {
                double value = i == j ? (columns[i].Count(double.IsFinite) >= 2 ? 1 : double.NaN) : Pearson(columns[i], columns[j]);
                r[i, j] = value;
                r[j, i] = value;
            }
        }

        return r;
    }

    /// <summary>Labels of a column as text (missing as "(missing)"), for grouping and colouring.</summary>
    public static string[] Labels(Column column)
    {
        var labels = new string[column.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = column.FormatValue(i) ?? "(missing)";
        }

        return labels;
    }

    /// <summary>Distinct labels in the order NetLearn sorts classes: numerically when all are numbers, else ordinally.</summary>
    public static string[] SortedDistinct(IEnumerable<string> labels)
    {
        string[] distinct = [.. labels.Distinct(StringComparer.Ordinal)];
        bool numeric = distinct.All(l => double.TryParse(l, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
        return numeric
            ? [.. distinct.OrderBy(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture))]
            : [.. distinct.Order(StringComparer.Ordinal)];
    }
}
