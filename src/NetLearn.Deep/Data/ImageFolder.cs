using System.Globalization;
using NetLearn.Data;
using SkiaSharp;

namespace NetLearn.Deep.Data;

/// <summary>
/// Reads a folder of images (PNG, JPEG, BMP, GIF, WebP; decoded with SkiaSharp) into a table of pixel columns. With one
/// sub-folder per class (<c>data/cat/1.png</c>, <c>data/dog/2.jpg</c>) the class is the sub-folder's name, in a
/// <c>label</c> column; images directly in the folder are unlabelled. Images are resized to one size (bilinear).
/// </summary>
public static class ImageFolder
{
    /// <summary>The name of the label column.</summary>
    public const string LabelColumn = "label";

    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>
    /// Loads the images under <paramref name="folder"/>: pixel columns <c>pixel_0</c> … in channel, row, column order
    /// (values 0–255) and, for class sub-folders, a <c>label</c> column.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="width">Resize to this width; 0 uses the first image's size.</param>
    /// <param name="height">Resize to this height; 0 uses the first image's size.</param>
    /// <param name="channels">1 (grey) or 3 (RGB); 0 chooses 1 when every image is grey, else 3.</param>
    /// <exception cref="DataValidationException">The folder has no images, or an image cannot be decoded (the message names the file).</exception>
    public static Table Load(string folder, int width = 0, int height = 0, int channels = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DataValidationException("The image folder does not exist", file: folder);
        }

        var files = new List<(string Path, string? Label)>();
        foreach (string file in ImagesIn(folder))
        {
            files.Add((file, null));
        }

        foreach (string sub in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            foreach (string file in ImagesIn(sub))
            {
                files.Add((file, Path.GetFileName(sub)));
            }
        }

        if (files.Count == 0)
        {
            throw new DataValidationException($"No images ({string.Join(", ", Extensions)}) in the folder or its class sub-folders", file: folder);
        }

        bool labelled = files.Any(f => f.Label is not null);
        if (labelled && files.Any(f => f.Label is null))
        {
            throw new DataValidationException("Some images are directly in the folder and some in class sub-folders. Put every image in its class's sub-folder (or none, to predict)", file: folder);
        }

        var images = new List<byte[]>(files.Count); // RGB, row-major
        bool allGrey = true;
        foreach (var (path, _) in files)
        {
            using var decoded = SKBitmap.Decode(path) ?? throw new DataValidationException("The image cannot be decoded (corrupt or unsupported format)", file: path);
            if (width == 0 || height == 0)
            {
                width = decoded.Width;
                height = decoded.Height;
            }

            using var sized = decoded.Width == width && decoded.Height == height
                ? decoded.Copy()
                : decoded.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
            var rgb = new byte[width * height * 3];
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    var color = sized.GetPixel(x, y);
                    int at = 3 * ((y * width) + x);
                    rgb[at] = color.Red;
                    rgb[at + 1] = color.Green;
                    rgb[at + 2] = color.Blue;
                    allGrey &= color.Red == color.Green && color.Green == color.Blue;
                }
            }

            images.Add(rgb);
        }

        channels = channels > 0 ? channels : allGrey ? 1 : 3;
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), "channels must be 0, 1 or 3");
        }

        int plane = width * height, p = plane * channels;
        var columns = new List<Column>(p + 1);
        for (int j = 0; j < p; j++)
        {
            int c = j / plane, pixel = j % plane;
            var values = new double[images.Count];
            for (int i = 0; i < values.Length; i++)
            {
                byte[] rgb = images[i];
                values[i] = channels == 3
                    ? rgb[(3 * pixel) + c]
                    : Math.Round((0.299 * rgb[3 * pixel]) + (0.587 * rgb[(3 * pixel) + 1]) + (0.114 * rgb[(3 * pixel) + 2]));
            }

            columns.Add(new NumericColumn(string.Create(CultureInfo.InvariantCulture, $"pixel_{j}"), values));
        }

        if (labelled)
        {
            columns.Add(Column.Create(LabelColumn, [.. files.Select(f => f.Label)]));
        }

        return new Table(columns);
    }

    /// <summary>Writes a grey image (values 0–255, row-major) as a PNG file; used to export IDX data as an image folder.</summary>
    public static void SaveGreyPng(string path, ReadOnlySpan<byte> pixels, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte v = pixels[(y * width) + x];
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var stream = File.Create(path);
        data.SaveTo(stream);
    }

    private static IEnumerable<string> ImagesIn(string folder) => Directory.GetFiles(folder)
        .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
        .Order(StringComparer.Ordinal);
}
