using System.IO.Compression;
using NetLearn.Data;
using NetLearn.Deep.Data;
using NetLearn.Deep.Tests.Estimators;
using static TorchSharp.torch;

namespace NetLearn.Deep.Tests.Data;

public sealed class DataTests
{
    [Fact]
    public void IdxFilesReadWithShapeAndValues()
    {
        var (shape, pixels) = IdxFile.Read(EstimatorTests.Fixture("t10k-images-idx3-ubyte.gz"));
        Assert.Equal([500, 28, 28], shape);
        Assert.Equal(500 * 784, pixels.Length);
        var (labelShape, labels) = IdxFile.Read(EstimatorTests.Fixture("t10k-labels-idx1-ubyte.gz"));
        Assert.Equal([500], labelShape);
        Assert.Equal(9, labels[0]); // the first Fashion-MNIST test image is an ankle boot
        var table = EstimatorTests.FashionTest(10);
        Assert.Equal(785, table.ColumnCount);
        Assert.Equal(10, table.RowCount);
        Assert.Equal(pixels[400], ((NumericColumn)table["pixel_400"])[0]);
        Assert.EndsWith("t10k-labels-idx1-ubyte.gz", IdxFile.LabelsFileFor(EstimatorTests.Fixture("t10k-images-idx3-ubyte.gz")), StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenIdxFilesAreClearErrors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netlearn-idx-{Guid.NewGuid():N}.gz");
        try
        {
            using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            {
                gz.Write([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3]); // says 2×2×2, has 3 values
            }

            Assert.Contains("truncated", Assert.Throws<DataValidationException>(() => IdxFile.Read(path)).Message, StringComparison.Ordinal);
            File.WriteAllText(path, "not idx");
            Assert.ThrowsAny<Exception>(() => IdxFile.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ImageFoldersGiveClassesFromSubFoldersAndExactPixels()
    {
        string root = Directory.CreateTempSubdirectory("netlearn-images-").FullName;
        try
        {
            var (shape, pixels) = IdxFile.Read(EstimatorTests.Fixture("t10k-images-idx3-ubyte.gz"), 4);
            Directory.CreateDirectory(Path.Combine(root, "boot"));
            Directory.CreateDirectory(Path.Combine(root, "shirt"));
            ImageFolder.SaveGreyPng(Path.Combine(root, "boot", "a.png"), pixels.AsSpan(0, 784), 28, 28);
            ImageFolder.SaveGreyPng(Path.Combine(root, "shirt", "b.png"), pixels.AsSpan(784, 784), 28, 28);
            ImageFolder.SaveGreyPng(Path.Combine(root, "shirt", "c.png"), pixels.AsSpan(2 * 784, 784), 28, 28);
            var table = ImageFolder.Load(root);
            Assert.Equal(785, table.ColumnCount);
            Assert.Equal(["boot", "shirt", "shirt"], Enumerable.Range(0, 3).Select(i => table["label"].FormatValue(i)));
            for (int j = 0; j < 784; j += 37)
            {
                Assert.Equal(pixels[784 + j], ((NumericColumn)table[$"pixel_{j}"])[1]);
            }

            var small = ImageFolder.Load(root, 14, 14);
            Assert.Equal((14 * 14) + 1, small.ColumnCount);
            var rgb = ImageFolder.Load(root, channels: 3);
            Assert.Equal((3 * 784) + 1, rgb.ColumnCount);

            File.WriteAllText(Path.Combine(root, "shirt", "broken.png"), "not a png");
            var error = Assert.Throws<DataValidationException>(() => ImageFolder.Load(root));
            Assert.EndsWith("broken.png", error.File, StringComparison.Ordinal);
            Assert.Equal(28, shape[1]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AugmentationKeepsShapesAndIsSeeded()
    {
        var augment = ImageAugmentation.Create(2, true, 15, 1, 8, 8)!;
        Assert.Null(ImageAugmentation.Create(0, false, 0, 1, 8, 8));
        using var images = arange(2 * 64, ScalarType.Float32).reshape(2, 64);
        manual_seed(11);
        using var a = augment(images);
        manual_seed(11);
        using var b = augment(images);
        Assert.Equal(images.shape, a.shape);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.NotEqual(images.data<float>().ToArray(), a.data<float>().ToArray());

        using var square = arange(16, ScalarType.Float32).reshape(1, 1, 4, 4);
        using var cropped = ImageAugmentation.RandomCrop(square, 1);
        Assert.Equal([1L, 1, 4, 4], cropped.shape);
        float[] values = cropped.data<float>().ToArray();
        Assert.True(values.Count(v => v == 0) <= 7, "a crop moves the image by at most one pixel in each direction");
    }

    [Fact]
    public void PaddingAndWindowsHaveTheDocumentedLayout()
    {
        var padded = Sequences.Pad([[1, 2, 3], [4, 5, 6, 7, 8, 9]], 4);
        Assert.Equal([0.0, 1, 2, 3], Enumerable.Range(0, 4).Select(t => ((NumericColumn)padded[$"t{t}"])[0]));
        Assert.Equal([6.0, 7, 8, 9], Enumerable.Range(0, 4).Select(t => ((NumericColumn)padded[$"t{t}"])[1]));
        var post = Sequences.Pad([[1, 2]], 3, PadSide.Post);
        Assert.Equal([1.0, 2, 0], Enumerable.Range(0, 3).Select(t => ((NumericColumn)post[$"t{t}"])[0]));

        var table = new Table(new NumericColumn("temp", [1, 2, 3, 4, 5]), new NumericColumn("rain", [10, 20, 30, 40, 50]));
        var windows = Sequences.SlidingWindow(table, ["temp", "rain"], "temp", window: 2, horizon: 2);
        Assert.Equal(["t0_temp", "t0_rain", "t1_temp", "t1_rain", "target"], windows.ColumnNames);
        Assert.Equal(2, windows.RowCount);
        Assert.Equal(4.0, ((NumericColumn)windows["target"])[0]);
        Assert.Equal(20.0, ((NumericColumn)windows["t1_rain"])[0]);
        Assert.Throws<DataValidationException>(() => Sequences.SlidingWindow([1.0, 2.0], 2));
    }
}
