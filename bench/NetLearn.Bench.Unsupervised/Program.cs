// Unsupervised benchmark: NetLearn and scikit-learn side by side on the same data, in one run.
// Usage: dotnet run -c Release --project bench/NetLearn.Bench.Unsupervised [-- kmeans pca tsne tsne-seeds tsne-seeds-pca ward umap umap20k]
// or: tsne-diag random|pca 0-9 (the t-SNE diagnostic below; not a timing)
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
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Manifold;
using NetLearn.Metrics;

if (args.Length > 0 && args[0] == "tsne-diag")
{
    TsneDiagnostic(args.Length > 1 ? args[1] : "random", args.Length > 2 ? args[2] : "0-9");
    return;
}

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
        seedRuns = 0;
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
            "tsne-seeds" or "tsne-seeds-pca" => Time($"t-SNE Barnes-Hut, digits, {(name == "tsne-seeds" ? "random" : "PCA")} init, 10 seeds", table, t =>
            {
                var kl = new List<double>();
                var trust = new List<double>();
                foreach (int seed in Enumerable.Range(0, seedRuns++ == 0 ? 1 : 10)) // the first call is the warm-up
                {
                    var m = new TSNE(new TSNEOptions { RandomState = seed, Init = name == "tsne-seeds" ? TSNEInit.Random : TSNEInit.Pca }).Fit(t);
                    kl.Add(m.KlDivergence);
                    trust.Add(ClusteringMetrics.Trustworthiness(t.ToMatrix(), m.Embedding, 5));
                }

                return FormattableString.Invariant($"KL {MeanSe(kl)} (each {string.Join(" ", kl.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}), trust {MeanSe(trust)}");
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

// The t-SNE diagnostic (not a timing): per seed, scikit-learn fits digits and hands over the P it optimised and its
// initial embedding; NetLearn's descent runs from exactly those, so only the optimisers differ. Prints both KL
// trajectories (every 50 iterations), the final reported and exact KL (same P, exact Q), and mean ± standard error.
static void TsneDiagnostic(string init, string seedRange)
{
    string[] bounds = seedRange.Split('-');
    int first = int.Parse(bounds[0], CultureInfo.InvariantCulture), last = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
    // NETLEARN_TSNE_DIAG_CACHE names a folder that keeps the peer's outputs, so repeated runs skip scikit-learn.
    string? cache = Environment.GetEnvironmentVariable("NETLEARN_TSNE_DIAG_CACHE");
    string folder = cache ?? Directory.CreateTempSubdirectory("netlearn-tsne-diag-").FullName;
    Directory.CreateDirectory(folder);
    var digits = NetLearn.Datasets.Dataset.LoadXy("digits").Features.ToMatrix();
    var columns = new Dictionary<string, List<double>>();
    void Add(string key, double value) => (columns.TryGetValue(key, out var list) ? list : columns[key] = []).Add(value);
    Console.WriteLine($"t-SNE diagnostic: digits, init={init}, NetLearn's descent from scikit-learn's P and initial embedding");
    try
    {
        for (int seed = first; seed <= last; seed++)
        {
            string prefix = Path.Combine(folder, $"{init}{seed}");
            if (!File.Exists(prefix + ".json"))
            {
                File.WriteAllText(prefix + ".json", Python("tsne-diag", init, seed.ToString(CultureInfo.InvariantCulture), prefix));
            }

            var peer = JsonNode.Parse(File.ReadAllText(prefix + ".json"))!.AsObject();
            var (p, triplets) = (ReadAffinities(prefix + ".p", digits.Rows), Read(prefix + ".p").ToMatrix());
            double[] y = Read(prefix + ".y0").ToMatrix().AsSpan().ToArray();
            var trajectory = new List<double>();
            var options = new TSNEOptions { Init = init == "pca" ? TSNEInit.Pca : TSNEInit.Random, RandomState = seed };
            var (kl, _) = new TSNE(options).Optimize(p, y, digits.Rows, new FitContext { Progress = new Recorder(trajectory) });
            var embedding = new Matrix(digits.Rows, 2, y);
            Console.WriteLine($"seed {seed} KL every 50 iterations");
            Console.WriteLine($"  scikit-learn {string.Join(" ", peer["trajectory"]!.AsArray().Select(v => v!.GetValue<double>().ToString("F4", CultureInfo.InvariantCulture)))}");
            Console.WriteLine($"  NetLearn     {string.Join(" ", trajectory.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}");
            Add("reported KL", kl);
            Add("reported KL peer", peer["kl_divergence"]!.GetValue<double>());
            Add("exact KL", ExactKl(triplets, embedding));
            Add("exact KL peer", peer["exact_kl"]!.GetValue<double>());
            Add("trustworthiness", ClusteringMetrics.Trustworthiness(digits, embedding, 5));
            Add("repulsion error", RepulsionError(y, digits.Rows));
            Add("trustworthiness peer", peer["trustworthiness"]!.GetValue<double>());
            Console.WriteLine(FormattableString.Invariant($"  final: reported KL {columns["reported KL"][^1]:F4} | {columns["reported KL peer"][^1]:F4}, exact KL {columns["exact KL"][^1]:F4} | {columns["exact KL peer"][^1]:F4}, trust {columns["trustworthiness"][^1]:F4} | {columns["trustworthiness peer"][^1]:F4}"));
        }
    }
    finally
    {
        if (cache is null)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    Console.WriteLine($"over seeds {first}-{last}: mean ± standard error (NetLearn | scikit-learn | paired difference)");
    Console.WriteLine($"  relative RMS error of the Barnes-Hut repulsion at NetLearn's final embeddings: {MeanSe(columns["repulsion error"])}");
    foreach (string key in new[] { "reported KL", "exact KL", "trustworthiness" })
    {
        var ours = columns[key];
        var theirs = columns[key + " peer"];
        Console.WriteLine(FormattableString.Invariant($"  {key,-16} {MeanSe(ours)} | {MeanSe(theirs)} | {MeanSe([.. ours.Zip(theirs, (a, b) => a - b)])}"));
    }
}

// ‖F_BH − F‖ / ‖F‖ over all points, F_i = Σ_j w_ij² (y_i − y_j) / Σ w (w = Student-t kernel), θ = 0.5.
static double RepulsionError(double[] y, int n)
{
    var tree = new QuadTree(n);
    tree.Build(y);
    var stack = new int[256];
    double zTree = 0, z = 0;
    var approx = new double[2 * n];
    var exact = new double[2 * n];
    for (int i = 0; i < n; i++)
    {
        zTree += tree.Repulsion(y[2 * i], y[(2 * i) + 1], 0.25, out approx[2 * i], out approx[(2 * i) + 1], ref stack);
        for (int j = 0; j < n; j++)
        {
            double dx = y[2 * i] - y[2 * j], dy = y[(2 * i) + 1] - y[(2 * j) + 1];
            double w = i == j ? 0 : 1 / (1 + (dx * dx) + (dy * dy));
            z += w;
            exact[2 * i] += w * w * dx;
            exact[(2 * i) + 1] += w * w * dy;
        }
    }

    double err = 0, norm = 0;
    for (int c = 0; c < 2 * n; c++)
    {
        err += Math.Pow((approx[c] / zTree) - (exact[c] / z), 2);
        norm += Math.Pow(exact[c] / z, 2);
    }

    return Math.Sqrt(err / norm);
}

static string MeanSe(IReadOnlyList<double> values)
{
    double mean = values.Average();
    double se = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count) : double.NaN;
    return FormattableString.Invariant($"{mean:F4} ± {se:F4}");
}

// scikit-learn's P (rows of row, column, value) as NetLearn's compressed rows.
static SparseAffinities ReadAffinities(string path, int n)
{
    var t = Read(path).ToMatrix();
    var order = Enumerable.Range(0, t.Rows).OrderBy(e => ((long)t[e, 0] * n) + (long)t[e, 1]).ToArray();
    var rowStart = new int[n + 1];
    foreach (int e in order)
    {
        rowStart[(int)t[e, 0] + 1]++;
    }

    for (int i = 0; i < n; i++)
    {
        rowStart[i + 1] += rowStart[i];
    }

    return new SparseAffinities(rowStart, [.. order.Select(e => (int)t[e, 1])], [.. order.Select(e => t[e, 2])]);
}

// KL(P‖Q) with the exact Student-t Q over all pairs (as the peer's exact_kl), in float64.
static double ExactKl(Matrix triplets, Matrix y)
{
    int n = y.Rows;
    double z = 0;
    for (int i = 0; i < n; i++)
    {
        for (int j = 0; j < n; j++)
        {
            if (i != j)
            {
                double dx = y[i, 0] - y[j, 0], dy = y[i, 1] - y[j, 1];
                z += 1 / (1 + (dx * dx) + (dy * dy));
            }
        }
    }

    double kl = 0;
    const double tiny = 1.1754943508222875e-38;
    for (int e = 0; e < triplets.Rows; e++)
    {
        int i = (int)triplets[e, 0], j = (int)triplets[e, 1];
        double pij = triplets[e, 2], dx = y[i, 0] - y[j, 0], dy = y[i, 1] - y[j, 1];
        double q = 1 / (1 + (dx * dx) + (dy * dy)) / z;
        kl += pij * Math.Log(Math.Max(pij, tiny) / Math.Max(q, tiny));
    }

    return kl;
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

/// <summary>Collects the KL reported at every progress check, synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class Recorder(List<double> losses) : IProgress<FitProgress>
{
    public void Report(FitProgress value)
    {
        if (value.Loss is { } loss)
        {
            losses.Add(loss);
        }
    }
}
