using NetLearn.Build;
using NetLearn.Deep.Runtime;
using TorchSharp;

namespace NetLearn.Deep.Tests;

public sealed class NativeLoadTests
{
    [Fact]
    public void LibtorchLoadsAndComputes()
    {
        DeepRuntime.EnsureInitialized();
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = torch.mm(a, a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    [Fact]
    public void OutputCopyOfLibTorchSharpIsPatchedWhenItRequiresTheVersion()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return; // the patch applies to the Linux x64 library only
        }

        byte[] bytes = File.ReadAllBytes(path);
        long flags = ElfVersionPatch.FindVernauxFlagsOffset(bytes, "GLIBCXX_3.4.32");
        Assert.True(flags > 0, "TorchSharp 0.107.0's library requires GLIBCXX_3.4.32");
        Assert.Equal(ElfVersionPatch.VerFlagWeak, (ushort)(bytes[flags] | (bytes[flags + 1] << 8)) & ElfVersionPatch.VerFlagWeak);
    }
}

public sealed class HeapTuningTests
{
    [Fact]
    public void GlibcHeapThresholdsAreRaisedWhenLibtorchStarts()
    {
        DeepRuntime.EnsureInitialized();
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(HeapTuning.Applied);
            return;
        }

        if (!File.Exists("/lib/x86_64-linux-gnu/libc.so.6") || Environment.GetEnvironmentVariable("NETLEARN_HEAP_TUNING") == "0")
        {
            return; // not Debian-style glibc x64, or opted out
        }

        Assert.True(HeapTuning.Applied, "mallopt(M_MMAP_THRESHOLD/M_TRIM_THRESHOLD) should succeed on glibc");
        Assert.True(HeapTuning.MmapThreshold > 12_845_056, "a 128×32×28×28 float activation must come from the heap");
    }
}
