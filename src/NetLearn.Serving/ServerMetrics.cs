using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NetLearn.Serving;

/// <summary>
/// The server's Prometheus metrics (text exposition format 0.0.4, served at <c>/metrics</c>): requests, latency, batch sizes,
/// queue time, rows and errors per model and version. Lock-free updates (<see cref="Interlocked"/>), so recording costs a
/// dictionary lookup and a few atomic adds.
/// </summary>
public sealed class ServerMetrics
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly ConcurrentDictionary<(string Model, string Version, string Protocol, int Status), Counter> _requests = new();
    private readonly ConcurrentDictionary<(string Model, string Version, string Protocol), Histogram> _latency = new();
    private readonly ConcurrentDictionary<(string Model, string Version), Histogram> _batchSize = new();
    private readonly ConcurrentDictionary<(string Model, string Version), Histogram> _queueTime = new();
    private readonly ConcurrentDictionary<(string Model, string Version), Counter> _rows = new();
    private readonly ConcurrentDictionary<(string Model, string Reason), Counter> _loadFailures = new();

    /// <summary>The tracing source: spans for inference and batches (export them with any OpenTelemetry SDK listening to "NetLearn.Serving").</summary>
    public static ActivitySource Tracing { get; } = new("NetLearn.Serving", ModelFiles.ModelFile.LibraryVersion);

    /// <summary>Records one finished inference request.</summary>
    public void Request(string model, string version, string protocol, int status, double seconds)
    {
        _requests.GetOrAdd((model, version, protocol, status), _ => new Counter()).Add(1);
        _latency.GetOrAdd((model, version, protocol), _ => new Histogram(LatencyBuckets)).Observe(seconds);
    }

    /// <summary>Records one model run: its batch size and the longest time a request in it waited.</summary>
    public void Batch(string model, string version, int rows, double queueSeconds)
    {
        _batchSize.GetOrAdd((model, version), _ => new Histogram(BatchBuckets)).Observe(rows);
        _queueTime.GetOrAdd((model, version), _ => new Histogram(LatencyBuckets)).Observe(queueSeconds);
        _rows.GetOrAdd((model, version), _ => new Counter()).Add(rows);
    }

    /// <summary>Records a failed model load.</summary>
    public void LoadFailure(string model, string version) => _loadFailures.GetOrAdd((model, version), _ => new Counter()).Add(1);

    /// <summary>Requests recorded for a model version (any protocol and status); for tests and the traffic-split report.</summary>
    public long RequestCount(string model, string version) =>
        _requests.Where(kv => kv.Key.Model == model && kv.Key.Version == version).Sum(kv => kv.Value.Value);

    /// <summary>Writes every metric in Prometheus text format.</summary>
    public string Render(ModelRepository? repository)
    {
        var text = new StringBuilder(4096);
        text.Append("# HELP netlearn_requests_total Inference requests by model, version, protocol and HTTP status.\n# TYPE netlearn_requests_total counter\n");
        foreach (var (key, counter) in _requests.OrderBy(k => k.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"netlearn_requests_total{{model=\"{Escape(key.Model)}\",version=\"{Escape(key.Version)}\",protocol=\"{key.Protocol}\",code=\"{key.Status}\"}} {counter.Value}\n");
        }

        text.Append("# HELP netlearn_inference_errors_total Inference requests that failed (4xx or 5xx), by model, version and protocol.\n# TYPE netlearn_inference_errors_total counter\n");
        foreach (var group in _requests.Where(k => k.Key.Status >= 400).GroupBy(k => (k.Key.Model, k.Key.Version, k.Key.Protocol)).OrderBy(g => g.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"netlearn_inference_errors_total{{model=\"{Escape(group.Key.Model)}\",version=\"{Escape(group.Key.Version)}\",protocol=\"{group.Key.Protocol}\"}} {group.Sum(g => g.Value.Value)}\n");
        }

        WriteHistograms(text, "netlearn_request_duration_seconds", "Inference request latency in seconds, from body read to response written.", _latency.OrderBy(k => k.Key).Select(kv => ($"model=\"{Escape(kv.Key.Model)}\",version=\"{Escape(kv.Key.Version)}\",protocol=\"{kv.Key.Protocol}\"", kv.Value)));
        WriteHistograms(text, "netlearn_batch_size_rows", "Rows per model run (a dynamic batch, or one request when batching is off).", _batchSize.OrderBy(k => k.Key).Select(kv => (Labels(kv.Key), kv.Value)));
        WriteHistograms(text, "netlearn_queue_seconds", "Time the oldest request of a batch waited in the dynamic batching queue.", _queueTime.OrderBy(k => k.Key).Select(kv => (Labels(kv.Key), kv.Value)));

        text.Append("# HELP netlearn_inference_rows_total Rows predicted.\n# TYPE netlearn_inference_rows_total counter\n");
        foreach (var (key, counter) in _rows.OrderBy(k => k.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"netlearn_inference_rows_total{{{Labels(key)}}} {counter.Value}\n");
        }

        text.Append("# HELP netlearn_model_load_failures_total Failed model loads.\n# TYPE netlearn_model_load_failures_total counter\n");
        foreach (var (key, counter) in _loadFailures.OrderBy(k => k.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"netlearn_model_load_failures_total{{model=\"{Escape(key.Model)}\",version=\"{Escape(key.Reason)}\"}} {counter.Value}\n");
        }

        if (repository is not null)
        {
            text.Append("# HELP netlearn_model_ready 1 when a model version is loaded and serving.\n# TYPE netlearn_model_ready gauge\n");
            foreach (var status in repository.Index())
            {
                text.Append(CultureInfo.InvariantCulture, $"netlearn_model_ready{{model=\"{Escape(status.Name)}\",version=\"{Escape(status.Version)}\"}} {(status.State == ModelState.Ready ? 1 : 0)}\n");
            }
        }

        return text.ToString();
    }

    private static string Labels((string Model, string Version) key) => $"model=\"{Escape(key.Model)}\",version=\"{Escape(key.Version)}\"";

    private static void WriteHistograms(StringBuilder text, string name, string help, IEnumerable<(string Labels, Histogram Histogram)> series)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
        foreach (var (labels, histogram) in series)
        {
            long cumulative = 0;
            for (int i = 0; i < histogram.Bounds.Length; i++)
            {
                cumulative += Volatile.Read(ref histogram.Counts[i]);
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{histogram.Bounds[i].ToString("R", CultureInfo.InvariantCulture)}\"}} {cumulative}\n");
            }

            cumulative += Volatile.Read(ref histogram.Counts[^1]);
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {cumulative}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {histogram.Sum.ToString("R", CultureInfo.InvariantCulture)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {cumulative}\n");
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class Counter
    {
        private long _value;

        public long Value => Volatile.Read(ref _value);

        public void Add(long n) => Interlocked.Add(ref _value, n);
    }

    private sealed class Histogram(double[] bounds)
    {
        private long _sumBits;

        public double[] Bounds { get; } = bounds;

        // One count per bucket plus the overflow (+Inf) bucket.
        public long[] Counts { get; } = new long[bounds.Length + 1];

        public double Sum => BitConverter.Int64BitsToDouble(Volatile.Read(ref _sumBits));

        public void Observe(double value)
        {
            int bucket = Array.BinarySearch(Bounds, value);
            Interlocked.Increment(ref Counts[bucket >= 0 ? bucket : ~bucket]);
            long seen = Volatile.Read(ref _sumBits);
            while (true)
            {
                long next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
                long actual = Interlocked.CompareExchange(ref _sumBits, next, seen);
                if (actual == seen)
                {
                    return;
                }

                seen = actual;
            }
        }
    }
}
