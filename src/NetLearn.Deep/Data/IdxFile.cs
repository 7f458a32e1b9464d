using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using NetLearn.Data;

namespace NetLearn.Deep.Data;

/// <summary>
/// Reads IDX files (the format of MNIST, Fashion-MNIST, KMNIST, EMNIST; LeCun et al.): a magic number giving the
/// element type and rank, big-endian dimension sizes, then the values. Gzip-compressed files (<c>.gz</c>) are read directly.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads an unsigned-byte IDX file: its shape and values.</summary>
    /// <exception cref="DataValidationException">The file is not an unsigned-byte IDX file or is truncated.</exception>
    public static (int[] Shape, byte[] Values) Read(string path, int limit = int.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, path);
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] is 0 or > 4)
        {
            throw new DataValidationException("Not an unsigned-byte IDX file (bad magic number). Give an MNIST-style file such as train-images-idx3-ubyte.gz", file: path);
        }

        var shape = new int[header[3]];
        Span<byte> size = stackalloc byte[4];
        for (int d = 0; d < shape.Length; d++)
        {
            ReadExactly(stream, size, path);
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(size);
            if (shape[d] < 0)
            {
                throw new DataValidationException("The IDX header has a negative dimension", file: path);
            }
        }

        shape[0] = Math.Min(shape[0], limit);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new byte[count];
        ReadExactly(stream, values, path);
        return (shape, values);
    }

    /// <summary>
    /// Reads images and their labels into a table: one column per pixel (<c>pixel_0</c> … in row-major order, values
    /// 0–255) and a numeric <c>label</c> column. <paramref name="limit"/> keeps the first rows only.
    /// </summary>
    /// <exception cref="DataValidationException">The files do not match.</exception>
    public static Table LoadTable(string imagesPath, string labelsPath, int limit = int.MaxValue)
    {
        var (shape, pixels) = Read(imagesPath, limit);
        var (labelShape, labels) = Read(labelsPath, limit);
        if (shape.Length != 3 || labelShape.Length != 1 || labelShape[0] != shape[0])
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The images ({string.Join("×", shape)}) and labels ({string.Join("×", labelShape)}) do not match: give images [n, height, width] and n labels"), file: labelsPath);
        }

        int n = shape[0], p = shape[1] * shape[2];
        var columns = new Column[p + 1];
        for (int j = 0; j < p; j++)
        {
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = pixels[((long)i * p) + j];
            }

            columns[j] = new NumericColumn(string.Create(CultureInfo.InvariantCulture, $"pixel_{j}"), values);
        }

        columns[p] = new NumericColumn("label", [.. labels.Select(l => (double)l)]);
        return new Table(columns);
    }

    /// <summary>The labels file beside an images file (<c>…-images-idx3-ubyte…</c> → <c>…-labels-idx1-ubyte…</c>), or <c>null</c>.</summary>
    public static string? LabelsFileFor(string imagesPath)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        string name = Path.GetFileName(imagesPath);
        if (!name.Contains("images-idx3-ubyte", StringComparison.Ordinal))
        {
            return null;
        }

        string labels = Path.Combine(Path.GetDirectoryName(imagesPath) ?? ".", name.Replace("images-idx3-ubyte", "labels-idx1-ubyte", StringComparison.Ordinal));
        return File.Exists(labels) ? labels : null;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new DataValidationException("The IDX file is truncated: it ends before all values were read", file: path);
        }
    }
}
