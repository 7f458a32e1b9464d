using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace NetLearn.Serving;

/// <summary>The state of a model version (the Open Inference Protocol repository extension's states).</summary>
public enum ModelState
{
    /// <summary>Being loaded; the previous version (if any) keeps serving.</summary>
    Loading,

    /// <summary>Loaded and serving.</summary>
    Ready,

    /// <summary>Could not be loaded; <see cref="ModelStatus.Reason"/> says why. The server keeps running.</summary>
    Unavailable,
}

/// <summary>One row of the repository index.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="State">State.</param>
/// <param name="Reason">Why a version is unavailable, if it is.</param>
public sealed record ModelStatus(string Name, string Version, ModelState State, string Reason);

/// <summary>A loaded model version: the servable, its batcher and settings.</summary>
public sealed class ModelVersion : IAsyncDisposable
{
    private readonly DynamicBatcher? _batcher;
    private int _inFlight;

    internal ModelVersion(string name, long version, string path, FileStamp stamp, Servable servable, ModelConfig config, ServerMetrics metrics)
    {
        Name = name;
        Version = version;
        VersionText = version.ToString(CultureInfo.InvariantCulture);
        Path = path;
        Stamp = stamp;
        Servable = servable;
        Config = config;
        if (config.MaxBatchSize > 1)
        {
            string versionText = VersionText;
            _batcher = new DynamicBatcher(servable, config.MaxBatchSize, TimeSpan.FromMilliseconds(config.MaxQueueDelayMs), (rows, queued) => metrics.Batch(name, versionText, rows, queued), Environment.ProcessorCount);
        }
        else
        {
            string versionText = VersionText;
            OnRun = (rows) => metrics.Batch(name, versionText, rows, 0);
        }
    }

    /// <summary>Model name.</summary>
    public string Name { get; }

    /// <summary>Version number.</summary>
    public long Version { get; }

    /// <summary>Version as text (as protocols send it).</summary>
    public string VersionText { get; }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>The loaded model.</summary>
    public Servable Servable { get; }

    /// <summary>Its settings.</summary>
    public ModelConfig Config { get; }

    internal FileStamp Stamp { get; }

    private Action<int>? OnRun { get; }

    /// <summary>
    /// Predicts, through the dynamic batcher when batching is on; <paramref name="outputs"/> lets the model skip what was
    /// not asked for (batched requests compute everything, since they share one model pass).
    /// </summary>
    /// <exception cref="NetLearnException">The rows cannot be used.</exception>
    public async ValueTask<Prediction> PredictAsync(InputBatch batch, PredictionOutputs outputs = PredictionOutputs.All)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!Config.AllowMissing)
        {
            batch.RequireComplete();
        }

        if (_batcher is not null)
        {
            return await _batcher.SubmitAsync(batch).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            var prediction = Servable.Predict(batch, outputs);
            OnRun?.Invoke(batch.Rows);
            return prediction;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Finishes queued and running requests, then releases the model.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_batcher is not null)
        {
            await _batcher.DisposeAsync().ConfigureAwait(false);
        }

        // Requests that resolved this version just before it was retired may still be running on it.
        for (int i = 0; i < 600 && Volatile.Read(ref _inFlight) > 0; i++)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        Servable.Dispose();
    }
}

/// <summary>When and how big a model file was: a changed stamp means a new file to load.</summary>
internal readonly record struct FileStamp(string Path, long Length, DateTime Modified)
{
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return new FileStamp(path, info.Length, info.LastWriteTimeUtc);
    }
}

/// <summary>
/// The versioned model repository: <c>ROOT/&lt;model&gt;/&lt;version&gt;/model.nlm</c> (or <c>model.nlm.enc</c>), as TensorFlow Serving and Triton lay it out. Each model's version policy picks the versions to
/// serve; a poll loop picks up new, changed and removed versions without a restart. A new version is loaded beside the
/// old one, which keeps serving until the new one is ready; a version that fails to load is reported (index, log,
/// metrics) and does not affect the others. Load and unload can also be requested explicitly (admin API).
/// </summary>
public sealed partial class ModelRepository : IAsyncDisposable
{
    private readonly string? _root;
    private readonly ServerConfig _config;
    private readonly ModelLoader _loader;
    private readonly ServerMetrics _metrics;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, ModelEntry> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _fixed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unloaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _scanLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _polling;

    /// <summary>Creates a repository over <paramref name="root"/> (null for a server of explicitly added files only).</summary>
    public ModelRepository(string? root, ServerConfig config, ModelLoader loader, ServerMetrics metrics, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(log);
        if (root is not null && !Directory.Exists(root))
        {
            throw new DataValidationException($"The model repository '{root}' does not exist. Create it with one folder per model and one numbered folder per version: ROOT/MODEL/1/model.nlm", file: root);
        }

        _root = root;
        _config = config;
        _loader = loader;
        _metrics = metrics;
        _log = log;
    }

    /// <summary>True once the first scan has finished.</summary>
    public bool Started { get; private set; }

    /// <summary>Serves one file as version 1 of <paramref name="name"/> (the single-model <c>netlearn serve --model</c>).</summary>
    public void AddFile(string name, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(path);
        _fixed[name] = path;
    }

    /// <summary>The model names the server knows (loaded or not).</summary>
    public IReadOnlyList<string> Names => [.. _models.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Every known model version and its state.</summary>
    public IReadOnlyList<ModelStatus> Index() =>
        [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).SelectMany(m => m.Statuses())];

    /// <summary>Ready when the first scan is done and (with strict readiness) every model has a ready version.</summary>
    public bool IsReady => Started && (!_config.StrictReadiness || _models.Values.All(m => m.Ready.Count > 0 || _unloaded.Contains(m.Name)));

    /// <summary>Loads what the repository holds now and starts polling for changes.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await ScanAsync(cancellationToken).ConfigureAwait(false);
        Started = true;
        if (_root is not null && _config.PollIntervalSeconds > 0)
        {
            _polling = Task.Run(PollAsync, CancellationToken.None);
        }
    }

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public ModelEntry? Find(string name) => _models.TryGetValue(name, out var entry) ? entry : null;

    /// <summary>
    /// The version that serves a request: the given version, or without one the traffic split's draw, or the highest ready
    /// version.
    /// </summary>
    /// <exception cref="ModelNotFoundException">No such model or version, or it is not ready.</exception>
    public ModelVersion Resolve(string name, string? version)
    {
        if (!_models.TryGetValue(name, out var entry))
        {
            throw new ModelNotFoundException($"There is no model '{name}' on this server{Known()}");
        }

        return entry.Resolve(version);
    }

    /// <summary>Loads (or reloads) a model now, clearing an earlier explicit unload.</summary>
    /// <exception cref="ModelNotFoundException">The repository has no such model folder.</exception>
    public async Task LoadAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!ModelName().IsMatch(name) || !(_fixed.ContainsKey(name) || (_root is not null && Directory.Exists(System.IO.Path.Combine(_root, name)))))
        {
            throw new ModelNotFoundException($"The model repository has no model '{name}'");
        }

        lock (_unloaded)
        {
            _unloaded.Remove(name);
        }

        await ScanAsync(cancellationToken, force: name).ConfigureAwait(false);
        var entry = Find(name);
        if (entry is null || entry.Ready.Count == 0)
        {
            var reason = entry?.Statuses().FirstOrDefault(s => s.State == ModelState.Unavailable)?.Reason ?? "no version folder with a model file";
            throw new DataValidationException($"Model '{name}' could not be loaded: {reason}");
        }
    }

    /// <summary>Unloads every version of a model; polling leaves it unloaded until <see cref="LoadAsync"/>.</summary>
    /// <exception cref="ModelNotFoundException">No such model.</exception>
    public async Task UnloadAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!_models.ContainsKey(name))
        {
            throw new ModelNotFoundException($"There is no model '{name}' on this server{Known()}");
        }

        lock (_unloaded)
        {
            _unloaded.Add(name);
        }

        await _scanLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_models.TryGetValue(name, out var entry))
            {
                await entry.ReplaceAsync([], [], _log).ConfigureAwait(false);
            }
        }
        finally
        {
            _scanLock.Release();
        }
    }

    /// <summary>Scans the repository once (what the poll loop does each interval).</summary>
    public async Task ScanAsync(CancellationToken cancellationToken = default, string? force = null)
    {
        await _scanLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var found = Discover();
            foreach (var (name, versions) in found)
            {
                bool unloaded;
                lock (_unloaded)
                {
                    unloaded = _unloaded.Contains(name);
                }

                var entry = _models.GetOrAdd(name, n => new ModelEntry(n, _config.For(n)));
                if (unloaded)
                {
                    continue;
                }

                await SyncAsync(entry, versions, force == name, cancellationToken).ConfigureAwait(false);
            }

            foreach (var gone in _models.Keys.Where(n => !found.ContainsKey(n)).ToList())
            {
                if (_models.TryRemove(gone, out var entry))
                {
                    _log.LogInformation("Model '{Model}' was removed from the repository; unloading it", gone);
                    await entry.ReplaceAsync([], [], _log).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _scanLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_polling is not null)
        {
            try
            {
                await _polling.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        foreach (var entry in _models.Values)
        {
            await entry.ReplaceAsync([], [], _log).ConfigureAwait(false);
        }

        _stop.Dispose();
        _scanLock.Dispose();
    }

    private async Task SyncAsync(ModelEntry entry, Dictionary<long, string> onDisk, bool force, CancellationToken cancellationToken)
    {
        var wanted = entry.Config.ParsedPolicy.Select(onDisk.Keys);
        var current = entry.Versions;
        var keep = new Dictionary<long, ModelVersion>();
        var failures = new Dictionary<long, (FileStamp Stamp, string Reason)>();
        bool changed = false;
        foreach (long version in wanted)
        {
            string path = onDisk[version];
            FileStamp stamp;
            try
            {
                stamp = FileStamp.Of(path);
            }
            catch (IOException)
            {
                continue;
            }

            if (current.TryGetValue(version, out var loaded) && loaded.Stamp == stamp && !force)
            {
                keep[version] = loaded;
                continue;
            }

            if (!force && entry.Failures.TryGetValue(version, out var failed) && failed.Stamp == stamp)
            {
                // Failed before and unchanged since: do not retry (and re-log) every poll.
                failures[version] = failed;
                if (current.TryGetValue(version, out var old))
                {
                    keep[version] = old;
                }

                continue;
            }

            changed = true;
            entry.MarkLoading(version);
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var servable = await Task.Run(() => _loader.Load(path), cancellationToken).ConfigureAwait(false);
                var modelVersion = new ModelVersion(entry.Name, version, path, stamp, servable, entry.Config, _metrics);
                long warmUpStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                string warmUp = WarmUp(modelVersion) ? "done" : "refused by the model (synthetic row)";
                keep[version] = modelVersion;
                _log.LogInformation("Loaded model '{Model}' version {Version} from {Path}; warm-up prediction {WarmUp} in {WarmUpMs:F1} ms", entry.Name, version, path, warmUp, System.Diagnostics.Stopwatch.GetElapsedTime(warmUpStarted).TotalMilliseconds);
            }
            catch (Exception e) when (e is NetLearnException or IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException)
            {
                failures[version] = (stamp, e.Message);
                _metrics.LoadFailure(entry.Name, version.ToString(CultureInfo.InvariantCulture));
                _log.LogError("Model '{Model}' version {Version} failed to load: {Reason}", entry.Name, version, e.Message);
                if (current.TryGetValue(version, out var old))
                {
                    // The new file is bad: keep serving the old one.
                    keep[version] = old;
                }
            }
        }

        // A failed new version must not leave the model without service: keep earlier ready versions in its place.
        foreach (var earlier in current.Values.OrderByDescending(v => v.Version))
        {
            if (keep.Count >= wanted.Count)
            {
                break;
            }

            keep.TryAdd(earlier.Version, earlier);
        }

        if (changed || keep.Count != current.Count || failures.Count != entry.Failures.Count)
        {
            await entry.ReplaceAsync(keep, failures, _log).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one prediction before the version serves; false when the model refused the synthetic row.</summary>
    private static bool WarmUp(ModelVersion version)
    {
        // One prediction so the first request does not pay for JIT compilation and lazy initialisation. Synthetic rows may
        // be refused by a model (missing values without an imputer, unknown categories): that is fine.
        var schema = version.Servable.InputSchema;
        var batch = new InputBatch(schema, 1);
        for (int c = 0; c < schema.Count; c++)
        {
            batch.SetNumber(c, 0, 0);
        }

        try
        {
            _ = version.Servable.Predict(batch);
            return true;
        }
        catch (NetLearnException)
        {
            return false;
        }
    }

    private Dictionary<string, Dictionary<long, string>> Discover()
    {
        var found = new Dictionary<string, Dictionary<long, string>>(StringComparer.Ordinal);
        foreach (var (name, path) in _fixed)
        {
            found[name] = new Dictionary<long, string> { [1] = path };
        }

        if (_root is null)
        {
            return found;
        }

        foreach (string modelDir in Directory.EnumerateDirectories(_root))
        {
            string name = System.IO.Path.GetFileName(modelDir);
            if (!ModelName().IsMatch(name))
            {
                continue;
            }

            var versions = new Dictionary<long, string>();
            foreach (string versionDir in Directory.EnumerateDirectories(modelDir))
            {
                if (long.TryParse(System.IO.Path.GetFileName(versionDir), NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0
                    && ModelLoader.ModelFileNames.Select(f => System.IO.Path.Combine(versionDir, f)).FirstOrDefault(File.Exists) is { } file)
                {
                    versions[v] = file;
                }
            }

            found[name] = versions;
        }

        return found;
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_config.PollIntervalSeconds));
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                await ScanAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("Scanning the model repository failed: {Reason}", e.Message);
            }
        }
    }

    private string Known() => _models.IsEmpty ? "" : $" (models: {string.Join(", ", _models.Keys.Order(StringComparer.Ordinal))})";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex ModelName();
}

/// <summary>A model of the repository: its loaded versions, failures and traffic split.</summary>
public sealed class ModelEntry
{
    private volatile Snapshot _snapshot = new(new Dictionary<long, ModelVersion>(), new Dictionary<long, (FileStamp, string)>(), [], new HashSet<long>());

    internal ModelEntry(string name, ModelConfig config)
    {
        Name = name;
        Config = config;
    }

    /// <summary>Model name.</summary>
    public string Name { get; }

    /// <summary>Its settings.</summary>
    public ModelConfig Config { get; }

    /// <summary>The ready versions, lowest first.</summary>
    public IReadOnlyList<ModelVersion> Ready => _snapshot.Ready;

    internal IReadOnlyDictionary<long, ModelVersion> Versions => _snapshot.Versions;

    internal IReadOnlyDictionary<long, (FileStamp Stamp, string Reason)> Failures => _snapshot.Failures;

    /// <summary>The version a request names, or the traffic split's (or the latest) choice.</summary>
    /// <exception cref="ModelNotFoundException">No such version, or none is ready.</exception>
    public ModelVersion Resolve(string? version)
    {
        var snapshot = _snapshot;
        if (!string.IsNullOrEmpty(version))
        {
            if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                throw new ModelNotFoundException($"'{InputBatch.Truncate(version)}' is not a version of model '{Name}'; versions are positive integers");
            }

            if (snapshot.Versions.TryGetValue(v, out var exact))
            {
                return exact;
            }

            string state = snapshot.Failures.TryGetValue(v, out var failure) ? $" (it failed to load: {failure.Reason})" : snapshot.Loading.Contains(v) ? " (it is loading; try again shortly)" : "";
            throw new ModelNotFoundException($"Model '{Name}' has no ready version {v}{state}; ready versions: [{string.Join(", ", snapshot.Ready.Select(r => r.VersionText))}]");
        }

        if (snapshot.Ready.Count == 0)
        {
            throw new ModelNotFoundException($"Model '{Name}' has no ready version{(snapshot.Failures.Count > 0 ? $" (failed to load: {snapshot.Failures.Values.First().Reason})" : "")}");
        }

        if (Config.TrafficSplit.Count > 0)
        {
            var candidates = snapshot.Ready.Where(r => Config.TrafficSplit.TryGetValue(r.VersionText, out double w) && w > 0).ToList();
            if (candidates.Count > 0)
            {
                double total = candidates.Sum(c => Config.TrafficSplit[c.VersionText]);
                double draw = Random.Shared.NextDouble() * total;
                foreach (var candidate in candidates)
                {
                    draw -= Config.TrafficSplit[candidate.VersionText];
                    if (draw < 0)
                    {
                        return candidate;
                    }
                }

                return candidates[^1];
            }
        }

        return snapshot.Ready[^1];
    }

    internal IEnumerable<ModelStatus> Statuses()
    {
        var snapshot = _snapshot;
        var all = snapshot.Versions.Keys.Concat(snapshot.Failures.Keys).Concat(snapshot.Loading).Distinct().Order();
        foreach (long v in all)
        {
            string text = v.ToString(CultureInfo.InvariantCulture);
            if (snapshot.Versions.ContainsKey(v))
            {
                yield return new ModelStatus(Name, text, ModelState.Ready, "");
            }
            else if (snapshot.Loading.Contains(v))
            {
                yield return new ModelStatus(Name, text, ModelState.Loading, "");
            }
            else
            {
                yield return new ModelStatus(Name, text, ModelState.Unavailable, snapshot.Failures[v].Reason);
            }
        }
    }

    internal void MarkLoading(long version)
    {
        var s = _snapshot;
        _snapshot = s with { Loading = new HashSet<long>(s.Loading) { version } };
    }

    internal async Task ReplaceAsync(Dictionary<long, ModelVersion> versions, Dictionary<long, (FileStamp, string)> failures, ILogger log)
    {
        var old = _snapshot;
        _snapshot = new Snapshot(versions, failures, [.. versions.Values.OrderBy(v => v.Version)], new HashSet<long>());
        foreach (var (v, retired) in old.Versions)
        {
            if (!versions.TryGetValue(v, out var kept) || !ReferenceEquals(kept, retired))
            {
                log.LogInformation("Unloading model '{Model}' version {Version}", Name, v);

                // Requests that already picked this version finish on it: its batcher drains, and the model stays valid.
                await retired.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed record Snapshot(IReadOnlyDictionary<long, ModelVersion> Versions, IReadOnlyDictionary<long, (FileStamp Stamp, string Reason)> Failures, IReadOnlyList<ModelVersion> Ready, IReadOnlySet<long> Loading);
}

/// <summary>An unknown model or version, or one that is not ready (HTTP 404, gRPC NOT_FOUND).</summary>
public sealed class ModelNotFoundException(string message) : NetLearnException(message);
