using System.Reflection;
using SkiaSharp;
using SP = ScottPlot;

namespace NetLearn.Plotting;

/// <summary>
/// The look shared by every NetLearn plot: an embedded font (DejaVu Sans, so text renders the same on a headless server
/// without any installed fonts), a colour-blind-friendly categorical palette, light grid lines and readable font sizes.
/// </summary>
public static class Theme
{
    /// <summary>The font family name every plot uses; it resolves to the DejaVu Sans embedded in this assembly.</summary>
    public const string FontName = "NetLearn Sans";

    private static readonly Lazy<EmbeddedFonts> Fonts = new(EmbeddedFonts.Register);

    /// <summary>
    /// The categorical palette (Tableau 10, as in matplotlib's <c>tab10</c>); class <c>k</c> gets colour <c>k mod 10</c>.
    /// </summary>
    public static IReadOnlyList<SP.Color> Palette { get; } =
    [
        SP.Color.FromHex("#1f77b4"), SP.Color.FromHex("#ff7f0e"), SP.Color.FromHex("#2ca02c"), SP.Color.FromHex("#d62728"),
        SP.Color.FromHex("#9467bd"), SP.Color.FromHex("#8c564b"), SP.Color.FromHex("#e377c2"), SP.Color.FromHex("#7f7f7f"),
        SP.Color.FromHex("#bcbd22"), SP.Color.FromHex("#17becf"),
    ];

    /// <summary>The colour of series <paramref name="index"/> in <see cref="Palette"/>.</summary>
    public static SP.Color Color(int index) => Palette[((index % Palette.Count) + Palette.Count) % Palette.Count];

    /// <summary>Creates an empty ScottPlot plot with NetLearn's font, sizes and grid.</summary>
    public static SP.Plot NewPlot()
    {
        _ = Fonts.Value;
        var plot = new SP.Plot();
        plot.Font.Set(FontName);
        plot.Axes.Title.Label.FontSize = 18;
        plot.Axes.Title.Label.Bold = true;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = 14;
            axis.Label.Bold = false;
            axis.TickLabelStyle.FontSize = 12;
            axis.FrameLineStyle.Color = SP.Color.FromHex("#888888");
        }

        plot.Grid.MajorLineColor = SP.Color.FromHex("#e6e6e6");
        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = 12;
        plot.Legend.SetBestFontOnEachRender = false;
        return plot;
    }

    /// <summary>The embedded regular typeface (for text drawn outside ScottPlot, such as figure titles).</summary>
    internal static SKTypeface Typeface(bool bold) => bold ? Fonts.Value.Bold : Fonts.Value.Regular;

    private sealed class EmbeddedFonts : SP.IFontResolver
    {
        private EmbeddedFonts(SKTypeface regular, SKTypeface bold)
        {
            Regular = regular;
            Bold = bold;
        }

        public SKTypeface Regular { get; }

        public SKTypeface Bold { get; }

        public static EmbeddedFonts Register()
        {
            var fonts = new EmbeddedFonts(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));
            SP.Fonts.FontResolvers.Add(fonts);
            return fonts;
        }

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            string.Equals(fontName, FontName, StringComparison.Ordinal) ? (bold ? Bold : Regular) : null;

        public SKTypeface? CreateTypeface(string fontName, SP.FontWeight weight, SP.FontSlant slant, SP.FontSpacing spacing) =>
            CreateTypeface(fontName, (int)weight >= (int)SP.FontWeight.SemiBold, slant != SP.FontSlant.Upright);

        private static SKTypeface Load(string file)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"NetLearn.Plotting.Fonts.{file}")
                ?? throw new InvalidOperationException($"The embedded font {file} is missing from NetLearn.Plotting.");
            using var data = SKData.Create(stream);
            return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"The embedded font {file} could not be loaded.");
        }
    }
}
