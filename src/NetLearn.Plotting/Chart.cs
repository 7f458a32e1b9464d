using System.Globalization;
using NetLearn.Data.IO;
using SkiaSharp;
using SP = ScottPlot;

namespace NetLearn.Plotting;

/// <summary>
/// A finished figure: one ScottPlot plot or a grid of them (a scatter matrix), with a fluent API to set titles and labels
/// and save it as PNG or SVG. Every save is atomic: the file appears whole or not at all.
/// </summary>
/// <example><code>Plot.Histogram(table["age"]).Title("Age").Save("age.png", 800, 600);</code></example>
public sealed class Chart
{
    private const float FigureTitleHeight = 44;
    private readonly List<Panel> _panels;
    private string? _figureTitle;

    internal Chart(SP.Plot plot, int width = 800, int height = 600)
        : this([new Panel(plot, 0, 0, 1, 1)], width, height)
    {
    }

    internal Chart(IReadOnlyList<Panel> panels, int width, int height)
    {
        _panels = [.. panels];
        Width = width;
        Height = height;
    }

    /// <summary>The default width in pixels used by <see cref="Save(string)"/>.</summary>
    public int Width { get; private set; }

    /// <summary>The default height in pixels used by <see cref="Save(string)"/>.</summary>
    public int Height { get; private set; }

    /// <summary>The underlying ScottPlot plots (one, or one per panel of a grid), for customisation beyond this API.</summary>
    public IReadOnlyList<SP.Plot> Plots => [.. _panels.Select(p => p.Plot)];

    /// <summary>Sets the title (of the plot, or of the whole figure when it has several panels).</summary>
    public Chart Title(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        if (_panels.Count == 1)
        {
            _panels[0].Plot.Title(title);
        }
        else
        {
            _figureTitle = title;
        }

        return this;
    }

    /// <summary>Sets the x-axis label (of every panel in the bottom row of a grid).</summary>
    public Chart XLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _panels[0].Plot.XLabel(label);
        return this;
    }

    /// <summary>Sets the y-axis label.</summary>
    public Chart YLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _panels[0].Plot.YLabel(label);
        return this;
    }

    /// <summary>Sets the default size in pixels.</summary>
    public Chart Size(int width, int height)
    {
        CheckSize(width, height);
        Width = width;
        Height = height;
        return this;
    }

    /// <summary>Shows or hides the legend (of a single-panel chart).</summary>
    public Chart Legend(bool show = true)
    {
        _panels[0].Plot.Legend.IsVisible = show;
        return this;
    }

    /// <summary>Saves at the default size; the format follows the extension (<c>.png</c> or <c>.svg</c>).</summary>
    public void Save(string path) => Save(path, Width, Height);

    /// <summary>Saves at <paramref name="width"/> × <paramref name="height"/> pixels; the format follows the extension (<c>.png</c> or <c>.svg</c>).</summary>
    /// <exception cref="ArgumentException">The extension is neither <c>.png</c> nor <c>.svg</c>.</exception>
    public void Save(string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckSize(width, height);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        byte[] bytes = extension switch
        {
            ".png" => ToPng(width, height),
            ".svg" => System.Text.Encoding.UTF8.GetBytes(ToSvg(width, height)),
            _ => throw new ArgumentException($"Cannot save a plot as '{extension}' ({path}): use a .png or .svg file name.", nameof(path)),
        };
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Renders as PNG bytes at the default size.</summary>
    public byte[] ToPng() => ToPng(Width, Height);

    /// <summary>Renders as PNG bytes.</summary>
    public byte[] ToPng(int width, int height)
    {
        CheckSize(width, height);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Could not create a {width}x{height} drawing surface."));
        Render(surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders as an SVG document at the default size.</summary>
    public string ToSvg() => ToSvg(Width, Height);

    /// <summary>Renders as an SVG document.</summary>
    public string ToSvg(int width, int height)
    {
        CheckSize(width, height);
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        {
            using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), managed);
            Render(canvas, width, height);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private void Render(SKCanvas canvas, int width, int height)
    {
        canvas.Clear(SKColors.White);
        float top = 0;
        if (_figureTitle is not null)
        {
            using var font = new SKFont(Theme.Typeface(bold: true), 20);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(_figureTitle, width / 2f, 30, SKTextAlign.Center, font, paint);
            top = FigureTitleHeight;
        }

        if (_panels.Count == 1 && top == 0)
        {
            _panels[0].Plot.Render(canvas, width, height);
            return;
        }

        // ScottPlot clears the whole canvas before drawing a plot, so each panel is recorded as a picture and drawn
        // clipped into its own rectangle (this also keeps SVG output vector).
        float h = height - top;
        foreach (var panel in _panels)
        {
            float left = (float)Math.Round(panel.Left * width);
            float right = (float)Math.Round(panel.Right * width);
            float upper = (float)Math.Round(top + (panel.Top * h));
            float lower = (float)Math.Round(top + (panel.Bottom * h));
            int pw = Math.Max(1, (int)(right - left));
            int ph = Math.Max(1, (int)(lower - upper));
            using var recorder = new SKPictureRecorder();
            var recording = recorder.BeginRecording(new SKRect(0, 0, pw, ph));
            panel.Plot.Render(recording, pw, ph);
            using var picture = recorder.EndRecording();
            canvas.Save();
            canvas.ClipRect(new SKRect(left, upper, left + pw, upper + ph));
            canvas.Translate(left, upper);
            canvas.DrawPicture(picture);
            canvas.Restore();
        }
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 50 || height < 50 || width > 20_000 || height > 20_000)
        {
            throw new ArgumentOutOfRangeException(nameof(width), string.Create(CultureInfo.InvariantCulture, $"A plot must be between 50 and 20000 pixels on each side; got {width}x{height}."));
        }
    }

    /// <summary>One plot in a figure; the rectangle is in fractions of the figure (0..1, top-left origin).</summary>
    internal sealed record Panel(SP.Plot Plot, double Left, double Top, double Right, double Bottom);
}
