// Unsupervised benchmark: NetLearn and scikit-learn side by side on the same data, in one run.
// Usage: dotnet run -c Release --project bench/NetLearn.Bench.Unsupervised [-- kmeans pca tsne tsne-seeds ward umap umap20k]
// Each case: the Python peer writes the data (raw float64), NetLearn fits it (after one JIT warm-up on a small slice),
// then the peer fits the same file. Both use all cores of the machine (set OMP_NUM_THREADS to change the peer's).
// The PCA case also runs ML.NET's RandomizedPca trainer on the same data in the same process (MlNetPeer.cs).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Decomposition;
using NetLearn.LinearAlgebra;
using NetLearn.Manifold;
using NetLearn.Metrics;

string[] cases = args.Length > 0 ? args : ["kmeans", "pca", "tsne", "ward"];
string folder = Directory.CreateTempSubdirectory("netlearn-bench-unsup-").FullName;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine("wall = elapsed seconds; cpu = CPU seconds of all threads of the process (robust on a loaded machine)");
Console.WriteLine($"{"case",-44} {"NetLearn wall",13} {"sklearn wall",12} {"ratio",6} {"NetLearn cpu",12} {"sklearn cpu",11} {"ratio",6}  quality (NetLearn | scikit-learn)");
int seedRuns = 0;
try
{
    foreach (string name in cases)
    {
        string path = Path.Combine(folder, name + ".bin");
        Python("make", name, path);
        var table = Read(path);
        var (label, ours, oursCpu, quality) = name switch
        {
            "kmeans" => Time("k-means k=8 n_init=1, 1,000,000 x 10", table, t =>
            {
                var m = new KMeans(new KMeansOptions { NClusters = 8, NInit = 1, RandomState = 0 }).Fit(t);
                return $"inertia {m.Inertia:G6}";
            }),
            "pca" => Time("PCA(10) randomized, 200,000 x 100", table, t =>
            {
                var m = new PCA(new PCAOptions { NComponents = 10, SvdSolver = SvdSolver.Randomized, RandomState = 0 }).Fit(t);
                return $"explained {m.ExplainedVarianceRatio.Sum():F6}";
            }),
            "tsne" => Time("t-SNE Barnes-Hut, digits 1797 x 64", table, t =>
            {
                var m = new TSNE(new TSNEOptions { RandomState = 0 }).Fit(t);
                Write(m.Embedding, path + ".embedding");
                double trust = ClusteringMetrics.Trustworthiness(t.ToMatrix(), m.Embedding, 5);
                return $"KL {m.KlDivergence:F4}, trust {trust:F4}";
            }),
            "tsne-seeds" => Time("t-SNE Barnes-Hut, digits, random init, 5 seeds", table, t =>
            {
                var kl = new List<double>();
                var trust = new List<double>();
                foreach (int seed in Enumerable.Range(0, seedRuns++ == 0 ? 1 : 5)) // the first call is the warm-up
                {
                    var m = new TSNE(new TSNEOptions { RandomState = seed, Init = TSNEInit.Random }).Fit(t);
                    kl.Add(m.KlDivergence);
                    trust.Add(ClusteringMetrics.Trustworthiness(t.ToMatrix(), m.Embedding, 5));
                }

                return FormattableString.Invariant($"mean KL {kl.Average():F4} (each {string.Join(" ", kl.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}), mean trust {trust.Average():F4}");
            }),
            "ward" => Time("ward, 20,000 x 10, 8 clusters", table, t =>
            {
                var m = new AgglomerativeClustering(new AgglomerativeClusteringOptions { NClusters = 8 }).Fit(t);
                return $"{m.ClusterCount} clusters";
            }),
            "umap" => Time("UMAP, digits 1797 x 64", table, t =>
            {
                var m = new UMAP(new UMAPOptions { RandomState = 0 }).Fit(t);
                return $"trust {ClusteringMetrics.Trustworthiness(t.ToMatrix(), m.Embedding, 5):F4}";
            }),
            "umap20k" => Time("UMAP, Fashion-MNIST 20,000 x PCA 50", table, t =>
            {
                var m = new UMAP(new UMAPOptions { RandomState = 0 }).Fit(t);
                int[] every10th = [.. Enumerable.Range(0, (t.RowCount + 9) / 10).Select(i => i * 10)];
                return $"trust(every 10th row) {ClusteringMetrics.Trustworthiness(t.ToMatrix().TakeRows(every10th), m.Embedding.TakeRows(every10th), 5):F4}";
            }),
            _ => throw new ArgumentException($"unknown case {name}"),
        };
        long peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024);
        var peer = JsonNode.Parse(File.Exists(path + ".embedding") ? Python("fit", name, path, path + ".embedding") : Python("fit", name, path))!.AsObject();
        double theirs = peer["seconds"]!.GetValue<double>();
        double theirsCpu = peer["cpu_seconds"]!.GetValue<double>();
        string peerQuality = string.Join(", ", peer.Where(p => p.Key is not ("seconds" or "cpu_seconds" or "peak_rss_mb")).Select(p => $"{p.Key} {p.Value}"));
        Console.WriteLine(FormattableString.Invariant($"{label,-44} {ours,13:F3} {theirs,12:F3} {ours / theirs,5:F2}x {oursCpu,12:F3} {theirsCpu,11:F3} {oursCpu / theirsCpu,5:F2}x  {quality} | {peerQuality}"));
        Console.WriteLine(FormattableString.Invariant($"{"",-44} peak memory: NetLearn process so far {peakMb} MB, scikit-learn process {peer["peak_rss_mb"]!.GetValue<double>():F0} MB"));
        if (name == "pca")
        {
            var (mlSeconds, mlCpu, mlQuality) = MlNetPeer.RandomizedPca(table, rank: 10);
            Console.WriteLine(FormattableString.Invariant($"{"  vs ML.NET 5.0.1 RandomizedPca (float32)",-44} {ours,13:F3} {mlSeconds,12:F3} {ours / mlSeconds,5:F2}x {oursCpu,12:F3} {mlCpu,11:F3} {oursCpu / mlCpu,5:F2}x  {quality} | ML.NET {mlQuality}"));
        }

        File.Delete(path);
    }
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static (string Label, double Seconds, double CpuSeconds, string Quality) Time(string label, Table table, Func<Table, string> fit)
{
    fit(table.Head(Math.Min(table.RowCount, 2000))); // JIT warm-up
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    string quality = fit(table);
    double seconds = clock.Elapsed.TotalSeconds;
    return (label, seconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, quality);
}

static Table Read(string path)
{
    byte[] bytes = File.ReadAllBytes(path);
    var header = MemoryMarshal.Cast<byte, long>(bytes.AsSpan(0, 16));
    int rows = (int)header[0], cols = (int)header[1];
    double[] values = MemoryMarshal.Cast<byte, double>(bytes.AsSpan(16)).ToArray();
    return Table.FromMatrix(new Matrix(rows, cols, values));
}

static void Write(Matrix m, string path)
{
    using var stream = File.Create(path);
    long[] header = [m.Rows, m.Columns];
    stream.Write(MemoryMarshal.AsBytes(header.AsSpan()));
    stream.Write(MemoryMarshal.AsBytes(m.AsSpan()));
}

static string Python(string verb, string name, params string[] paths)
{
    var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "unsup_peer.py"), verb, name, .. paths]) { RedirectStandardOutput = true };
    using var process = Process.Start(start)!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"unsup_peer.py {verb} {name} failed with exit code {process.ExitCode}");
    }

    return output.Trim();
}
