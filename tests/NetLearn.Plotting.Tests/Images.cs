using System.Xml.Linq;
using SkiaSharp;

namespace NetLearn.Plotting.Tests;

/// <summary>Checks on rendered images: the file exists, has the asked size, is not blank, and SVG parses.</summary>
public static class Images
{
    /// <summary>Where tests write images: NETLEARN_PLOT_OUT when set (to look at them), else a fresh temporary folder.</summary>
    public static string OutputFolder { get; } = MakeFolder();

    public static string PathFor(string name) => Path.Combine(OutputFolder, name);

    /// <summary>Saves the chart as PNG and SVG at the given size and checks both; returns the PNG path.</summary>
    public static string SaveAndCheck(Chart chart, string name, int width = 800, int height = 600)
    {
        string png = PathFor(name + ".png");
        string svg = PathFor(name + ".svg");
        chart.Save(png, width, height);
        chart.Save(svg, width, height);
        AssertPng(png, width, height);
        AssertSvg(svg, width, height);
        return png;
    }

    /// <summary>Asserts a PNG of the given size whose pixels are not all alike (a blank image has no variance).</summary>
    public static void AssertPng(string path, int width, int height, double minStdDev = 8)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        double std = LuminanceStdDev(bitmap);
        Assert.True(std > minStdDev, $"{path} looks blank (luminance standard deviation {std:F2})");
        double ink = InkFraction(bitmap);
        Assert.True(ink > 0.01, $"{path} has almost nothing drawn ({ink:P2} non-white pixels)");
    }

    /// <summary>Asserts the file is well-formed SVG of the given size with drawn elements and text.</summary>
    public static void AssertSvg(string path, int width, int height)
    {
        var doc = XDocument.Load(path);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.Equal(width.ToString(System.Globalization.CultureInfo.InvariantCulture), doc.Root.Attribute("width")?.Value);
        Assert.Equal(height.ToString(System.Globalization.CultureInfo.InvariantCulture), doc.Root.Attribute("height")?.Value);
        int shapes = doc.Descendants().Count(e => e.Name.LocalName is "path" or "rect" or "line" or "circle" or "polyline" or "polygon");
        Assert.True(shapes > 10, $"{path} has only {shapes} shapes");
        Assert.Contains(doc.Descendants(), e => e.Name.LocalName == "text");
    }

    /// <summary>The standard deviation of pixel luminance (0..255).</summary>
    public static double LuminanceStdDev(SKBitmap bitmap)
    {
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                double l = (0.299 * c.Red) + (0.587 * c.Green) + (0.114 * c.Blue);
                sum += l;
                sumSq += l * l;
                n++;
            }
        }

        double mean = sum / n;
        return Math.Sqrt(Math.Max(0, (sumSq / n) - (mean * mean)));
    }

    /// <summary>The fraction of pixels that are not (near) white.</summary>
    public static double InkFraction(SKBitmap bitmap)
    {
        long ink = 0, n = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 235 || c.Green < 235 || c.Blue < 235)
                {
                    ink++;
                }

                n++;
            }
        }

        return (double)ink / n;
    }

    /// <summary>The fraction of pixels close to <paramref name="color"/> (within 40 per channel).</summary>
    public static double ColorFraction(string path, SKColor color)
    {
        using var bitmap = SKBitmap.Decode(path);
        long hit = 0, n = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - color.Red) < 40 && Math.Abs(c.Green - color.Green) < 40 && Math.Abs(c.Blue - color.Blue) < 40)
                {
                    hit++;
                }

                n++;
            }
        }

        return (double)hit / n;
    }

    private static string MakeFolder()
    {
        string? chosen = Environment.GetEnvironmentVariable("NETLEARN_PLOT_OUT");
        string folder = string.IsNullOrEmpty(chosen) ? Path.Combine(Path.GetTempPath(), "netlearn-plot-tests-" + Guid.NewGuid().ToString("N")) : chosen;
        Directory.CreateDirectory(folder);
        return folder;
    }
}
