using System.Runtime.CompilerServices;
using NetLearn.Deep.Runtime;

namespace NetLearn.Deep.Tests;

/// <summary>Tests run in parallel on a small machine: one libtorch thread keeps them fast and deterministic.</summary>
internal static class TestSetup
{
    [ModuleInitializer]
    internal static void SingleThreaded()
    {
        DeepRuntime.SetThreads(1);
        TorchSharp.torch.set_num_interop_threads(1);
    }
}
