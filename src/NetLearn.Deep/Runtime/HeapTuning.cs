using System.Runtime.InteropServices;

namespace NetLearn.Deep.Runtime;

/// <summary>
/// Keeps freed tensor memory in the process heap on Linux (glibc) instead of returning it to the kernel after every
/// training step. libtorch allocates each activation and gradient with <c>malloc</c>; with glibc's defaults the heap top
/// is trimmed whenever more than a few tens of MB are free, so every batch maps its ~100 MB of activations afresh and
/// pays a page fault and a page clear per 4 KB (measured: ~20,000 faults and a third of the CPU time of a Fashion-MNIST
/// batch, docs/benchmarks.md issue 8). Raising glibc's <c>M_MMAP_THRESHOLD</c> (chunks up to 32 MB come from the heap)
/// and <c>M_TRIM_THRESHOLD</c> (free memory at the heap top is kept up to 1 GB) makes the next batch reuse the pages —
/// the same effect as the jemalloc/tcmalloc preload PyTorch's CPU performance guide recommends, without a preload.
/// The heap then stays at its recent peak (bounded by that peak, not by the threshold). Opt out with the environment
/// variable <c>NETLEARN_HEAP_TUNING=0</c>. See docs/decisions.md 8.13.
/// </summary>
internal static class HeapTuning
{
    /// <summary>The largest allocation served from the heap rather than its own mapping (glibc's maximum, 32 MB).</summary>
    internal const int MmapThreshold = 32 * 1024 * 1024;

    /// <summary>Free memory at the heap top kept for reuse before glibc trims it.</summary>
    internal const int TrimThreshold = 1024 * 1024 * 1024;

    private const int MallocTrimThreshold = -1; // M_TRIM_THRESHOLD in malloc.h
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h

    /// <summary>Whether the thresholds were set in this process.</summary>
    internal static bool Applied { get; private set; }

    /// <summary>Sets the thresholds once on Linux with glibc unless opted out; a no-op elsewhere.</summary>
    internal static void Apply()
    {
        if (Applied || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("NETLEARN_HEAP_TUNING") == "0")
        {
            return;
        }

        try
        {
            // mallopt returns 1 on success; musl's stub returns 0 and changes nothing.
            Applied = NativeMethods.mallopt(MallocMmapThreshold, MmapThreshold) == 1
                & NativeMethods.mallopt(MallocTrimThreshold, TrimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: keep the allocator's defaults.
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int mallopt(int param, int value);
    }
}
