using TorchSharp;

namespace NetLearn.Deep.Runtime;

/// <summary>
/// Loads libtorch once, picks the device (CUDA when a CUDA libtorch and a GPU are present, otherwise the CPU) and sets
/// the thread count. Every entry point of NetLearn.Deep calls <see cref="EnsureInitialized"/> first.
/// </summary>
public static class DeepRuntime
{
    private static readonly Lock Gate = new();

    /// <summary>
    /// Held while a network is seeded and initialised or trained: libtorch's random generator is process-wide, so a
    /// seeded run is only reproducible when no other thread draws from it meanwhile (reentrant).
    /// </summary>
    internal static Lock RandomGate { get; } = new();
    private static torch.Device? _device;

    /// <summary>The device networks are trained and evaluated on.</summary>
    public static torch.Device Device
    {
        get
        {
            EnsureInitialized();
            return _device!;
        }
    }

    /// <summary>Whether a CUDA device is used.</summary>
    public static bool UsesCuda => Device.type == DeviceType.CUDA;

    /// <summary>
    /// Loads the native library, chooses the device and, on Linux, tunes the C heap for tensor-sized allocations
    /// (<see cref="HeapTuning"/>). Throws a clear <see cref="InvalidOperationException"/> when libtorch
    /// cannot be loaded (for example when the build did not patch libLibTorchSharp.so, see docs/decisions.md 8.1).
    /// </summary>
    public static void EnsureInitialized()
    {
        if (_device is not null)
        {
            return;
        }

        lock (Gate)
        {
            if (_device is not null)
            {
                return;
            }

            HeapTuning.Apply();
            try
            {
                bool cuda = torch.cuda.is_available();
                _device = cuda ? torch.CUDA : torch.CPU;
            }
            catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or EntryPointNotFoundException)
            {
                throw new InvalidOperationException(
                    "NetLearn.Deep cannot load libtorch (TorchSharp's native library). Reference the libtorch package for this platform "
                    + "(libtorch-cpu-linux-x64 on Linux x64) and build through MSBuild so that the output copy of libLibTorchSharp.so is "
                    + $"patched for older libstdc++ (docs/decisions.md, 8.1). Cause: {e.Message}",
                    e);
            }
        }
    }

    /// <summary>
    /// Sets libtorch's intra-op thread count. <paramref name="threads"/> ≤ 0 means the default: at most 4 and at most the
    /// number of cores (small networks run fastest on few threads; large ones gain little beyond 4 on a CPU).
    /// </summary>
    public static void SetThreads(int threads)
    {
        EnsureInitialized();
        int n = threads > 0 ? threads : DefaultThreads;
        if (torch.get_num_threads() != n)
        {
            torch.set_num_threads(n);
        }
    }

    /// <summary>
    /// Seeds libtorch's generator with <paramref name="seed"/> and runs <paramref name="create"/> (typically building a
    /// network) while no other NetLearn code draws random numbers: the same seed then gives the same weights.
    /// </summary>
    public static T Seeded<T>(long seed, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        EnsureInitialized();
        lock (RandomGate)
        {
            torch.manual_seed(seed);
            return create();
        }
    }

    /// <summary>The default intra-op thread count: min(4, cores).</summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 4);
}
