using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NetLearn.Data;
using NetLearn.Data.IO;

namespace NetLearn.Plotting.Profiling;

/// <summary>
/// Profiles a data set in one streaming pass: CSV files are read in batches (<see cref="CsvFormat.ReadBatches"/>), so
/// memory stays bounded by the batch size, the row sample and the per-column value counts, whatever the file size.
/// Exact statistics come from the stream (counts, missing, moments, min/max, zeros, value counts, duplicate rows);
/// quantiles, plots and correlations come from a uniform reservoir sample of rows (Vitter 1985, algorithm R).
/// </summary>
public static class DataProfiler
{
    /// <summary>Profiles a CSV (streamed), Parquet or Arrow file.</summary>
    /// <exception cref="DataValidationException">The file is missing, empty, malformed, or the target column is not in it.</exception>
    public static DatasetProfile Profile(string path, ProfileOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ProfileOptions();
        var clock = Stopwatch.StartNew();
        string lower = path.ToLowerInvariant();
        bool columnar = lower.EndsWith(".parquet", StringComparison.Ordinal) || lower.EndsWith(".arrow", StringComparison.Ordinal) || lower.EndsWith(".feather", StringComparison.Ordinal);
        IEnumerable<Table> batches = columnar ? Batches(Table.Load(path), options.BatchRows) : CsvFormat.ReadBatches(path, options.BatchRows);
        var profile = Run(batches, options, path);
        return profile with { FileBytes = new FileInfo(path).Length, Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>Profiles a table already in memory.</summary>
    public static DatasetProfile Profile(Table table, ProfileOptions? options = null, string source = "table")
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new ProfileOptions();
        var clock = Stopwatch.StartNew();
        var profile = Run(Batches(table, options.BatchRows), options, source);
        return profile with { Seconds = clock.Elapsed.TotalSeconds };
    }

    private static IEnumerable<Table> Batches(Table table, int batchRows)
    {
        for (int start = 0; start < table.RowCount; start += batchRows)
        {
            int count = Math.Min(batchRows, table.RowCount - start);
            yield return start == 0 && count == table.RowCount ? table : table.Take([.. Enumerable.Range(start, count)]);
        }
    }

    private static DatasetProfile Run(IEnumerable<Table> batches, ProfileOptions options, string source)
    {
        if (options.SampleRows < 100)
        {
            throw new HyperparameterException("sample_rows", "The sample must hold at least 100 rows");
        }

        // Reading and parsing (the producer) overlaps with the statistics (this thread): two cores, two stages.
        Accumulator? accumulator = null;
        using var queue = new BlockingCollection<Table>(boundedCapacity: 2);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var batch in batches)
                {
                    queue.Add(batch, stop.Token);
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                if (accumulator is null)
                {
                    if (options.Target is { } target && !batch.Contains(target))
                    {
                        throw new DataValidationException(
                            $"The target column is not in the data. The columns are: {string.Join(", ", batch.ColumnNames.Take(40))}",
                            column: target,
                            file: source);
                    }

                    accumulator = new Accumulator(batch.Schema, options);
                }

                accumulator.Add(batch);
            }
        }
        catch
        {
            stop.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
                // the consumer's error is the one to report
            }

            throw;
        }

        try
        {
            producer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException("The profile's reader stopped unexpectedly.");
        }

        if (accumulator is null || accumulator.Rows == 0)
        {
            throw new DataValidationException("The data has no rows: there is nothing to profile", file: source);
        }

        return accumulator.Finish(source);
    }

    private sealed class Accumulator
    {
        private const int BlockRows = 1024;
        private readonly ProfileOptions _options;
        private readonly ColumnAccumulator[] _columns;
        private readonly HashSet<UInt128> _rowHashes = [];
        private readonly Random _random;
        private readonly List<long> _sampleRowIds = [];
        private long _duplicates;

        public Accumulator(Schema schema, ProfileOptions options)
        {
            _options = options;
            _random = new Random(options.Seed);
            _columns = [.. schema.Columns.Select(c => new ColumnAccumulator(c.Name, c.Kind, options.SampleRows))];
        }

        public long Rows { get; private set; }

        public void Add(Table batch)
        {
            int n = batch.RowCount;
            var h1 = new ulong[n];
            var h2 = new ulong[n];
            Array.Fill(h1, 0x9e3779b97f4a7c15UL);
            Array.Fill(h2, 0xc2b2ae3d27d4eb4fUL);

            // Which batch rows enter the reservoir, and into which slot.
            var slots = new List<(int Slot, int Row)>();
            for (int i = 0; i < n; i++)
            {
                long t = Rows + i;
                if (t < _options.SampleRows)
                {
                    slots.Add(((int)t, i));
                    _sampleRowIds.Add(t);
                }
                else
                {
                    long j = _random.NextInt64(t + 1);
                    if (j < _options.SampleRows)
                    {
                        slots.Add(((int)j, i));
                        _sampleRowIds[(int)j] = t;
                    }
                }
            }

            for (int c = 0; c < _columns.Length; c++)
            {
                _columns[c].Add(batch[c], Rows, h1, h2, slots);
            }

            for (int i = 0; i < n; i++)
            {
                if (!_rowHashes.Add(new UInt128(h1[i], h2[i])))
                {
                    _duplicates++;
                }
            }

            Rows += n;
        }

        public DatasetProfile Finish(string source)
        {
            int sampleSize = (int)Math.Min(Rows, _options.SampleRows);
            int[] order = [.. Enumerable.Range(0, sampleSize).OrderBy(i => _sampleRowIds[i])];
            var sample = new Table(_columns.Select(c => c.SampleColumn(order)));
            var profiles = _columns.Select(c => c.Finish(Rows, sample[c.Name])).ToList();
            if (_options.Target is { } target)
            {
                profiles = [.. profiles.Select(p => p.Name == target || Warnings.IsLikelyId(p, Rows) ? p : p with { TargetAssociation = Associations.WithTarget(sample[p.Name], sample[target], p, Rows) })];
            }

            var present = PresentByBand();
            var profile = new DatasetProfile
            {
                Source = source,
                Rows = Rows,
                Columns = profiles,
                DuplicateRows = _duplicates,
                MissingCells = profiles.Sum(p => p.Missing),
                MemoryBytes = profiles.Sum(p => p.MemoryBytes),
                Target = _options.Target,
                Sample = sample,
                PresentByBand = present,
                Warnings = [],
            };
            return profile with { Warnings = Warnings.For(profile, _options) };
        }

        private double[,] PresentByBand()
        {
            int blocks = (int)((Rows + BlockRows - 1) / BlockRows);
            int bands = (int)Math.Min(600, Math.Max(1, Rows < 600 ? Rows : blocks));
            var present = new double[bands, _columns.Length];
            for (int c = 0; c < _columns.Length; c++)
            {
                var rowsIn = new double[bands];
                var missingIn = new double[bands];
                if (Rows < 600)
                {
                    for (int r = 0; r < Rows; r++)
                    {
                        rowsIn[r] = 1;
                        missingIn[r] = _columns[c].MissingRows.Contains(r) ? 1 : 0;
                    }
                }
                else
                {
                    for (int b = 0; b < blocks; b++)
                    {
                        int band = (int)((long)b * bands / blocks);
                        rowsIn[band] += Math.Min(BlockRows, Rows - ((long)b * BlockRows));
                        missingIn[band] += b < _columns[c].MissingPerBlock.Count ? _columns[c].MissingPerBlock[b] : 0;
                    }
                }

                for (int b = 0; b < bands; b++)
                {
                    present[b, c] = rowsIn[b] == 0 ? 1 : 1 - (missingIn[b] / rowsIn[b]);
                }
            }

            return present;
        }
    }

    /// <summary>Streaming statistics of one column.</summary>
    private sealed class ColumnAccumulator
    {
        private const int DistinctCap = 100_000;
        private const ulong MissingHash = 0x5bd1e9955bd1e995UL;
        private readonly string _name;
        private readonly ColumnKind _kind;
        private readonly HyperLogLog _hll = new();
        private readonly Dictionary<string, long>? _counts;
        private HashSet<double>? _numbers = [];
        private Moments _moments;
        private long _count, _missing, _zeros, _memory, _overflowCount;
        private double _min = double.PositiveInfinity, _max = double.NegativeInfinity, _last = double.NegativeInfinity;
        private bool _increasing = true, _integers = true, _countsOverflowed;
        private DateTime? _first, _lastDate;

        // The reservoir: one typed array is used, by kind.
        private readonly double[]? _sampleNumbers;
        private readonly string?[]? _sampleStrings;
        private readonly bool?[]? _sampleBools;
        private readonly DateTime?[]? _sampleDates;

        public ColumnAccumulator(string name, ColumnKind kind, int sampleRows)
        {
            _name = name;
            _kind = kind;
            switch (kind)
            {
                case ColumnKind.Numeric:
                    _sampleNumbers = new double[sampleRows];
                    break;
                case ColumnKind.Boolean:
                    _sampleBools = new bool?[sampleRows];
                    _counts = new Dictionary<string, long>(StringComparer.Ordinal);
                    _numbers = null;
                    break;
                case ColumnKind.DateTime:
                    _sampleDates = new DateTime?[sampleRows];
                    _numbers = null;
                    break;
                default:
                    _sampleStrings = new string?[sampleRows];
                    _counts = new Dictionary<string, long>(StringComparer.Ordinal);
                    _numbers = null;
                    break;
            }
        }

        public string Name => _name;

        public List<int> MissingPerBlock { get; } = [];

        public HashSet<long> MissingRows { get; } = [];

        public void Add(Column column, long offset, ulong[] h1, ulong[] h2, List<(int Slot, int Row)> slots)
        {
            int n = column.Length;
            switch (column)
            {
                case NumericColumn numeric:
                    AddNumbers(numeric.Values, offset, h1, h2);
                    foreach (var (slot, row) in slots)
                    {
                        _sampleNumbers![slot] = numeric[row];
                    }

                    _memory += 8L * n;
                    break;
                case CategoricalColumn categorical:
                    AddCategorical(categorical, offset, h1, h2);
                    foreach (var (slot, row) in slots)
                    {
                        _sampleStrings![slot] = categorical[row];
                    }

                    _memory += 4L * n;
                    break;
                case BooleanColumn boolean:
                    {
                        var values = new double[n];
                        long trues = 0, falses = 0;
                        for (int i = 0; i < n; i++)
                        {
                            values[i] = boolean[i] is { } b ? (b ? 1 : 0) : double.NaN;
                            trues += boolean[i] == true ? 1 : 0;
                            falses += boolean[i] == false ? 1 : 0;
                        }

                        AddNumbers(values, offset, h1, h2);
                        AddCount("true", trues);
                        AddCount("false", falses);
                        foreach (var (slot, row) in slots)
                        {
                            _sampleBools![slot] = boolean[row];
                        }

                        _memory += 2L * n;
                        break;
                    }

                case DateTimeColumn dates:
                    for (int i = 0; i < n; i++)
                    {
                        if (dates[i] is { } d)
                        {
                            _count++;
                            _first = _first is null || d < _first ? d : _first;
                            _lastDate = _lastDate is null || d > _lastDate ? d : _lastDate;
                            ulong hash = (ulong)d.Ticks;
                            _hll.Add(hash);
                            Mix(h1, h2, i, hash);
                        }
                        else
                        {
                            Missing(offset + i);
                            Mix(h1, h2, i, MissingHash);
                        }
                    }

                    foreach (var (slot, row) in slots)
                    {
                        _sampleDates![slot] = dates[row];
                    }

                    _memory += 16L * n;
                    break;
                default:
                    for (int i = 0; i < n; i++)
                    {
                        string? value = column.FormatValue(i);
                        if (value is null)
                        {
                            Missing(offset + i);
                            Mix(h1, h2, i, MissingHash);
                            _memory += 8;
                            continue;
                        }

                        _count++;
                        ulong hash = HyperLogLog.Hash(value);
                        _hll.Add(hash);
                        Mix(h1, h2, i, hash);
                        AddCount(value, 1);
                        _memory += 8 + 22 + (2L * value.Length);
                    }

                    foreach (var (slot, row) in slots)
                    {
                        _sampleStrings![slot] = column.FormatValue(row);
                    }

                    break;
            }
        }

        private void AddNumbers(ReadOnlySpan<double> values, long offset, ulong[] h1, ulong[] h2)
        {
            for (int i = 0; i < values.Length; i++)
            {
                double v = values[i];
                if (double.IsNaN(v))
                {
                    Missing(offset + i);
                    Mix(h1, h2, i, MissingHash);
                    continue;
                }

                _count++;
                _moments.Add(v);
                if (v < _min)
                {
                    _min = v;
                }

                if (v > _max)
                {
                    _max = v;
                }

                if (v == 0)
                {
                    _zeros++;
                    v = 0; // -0 and +0 are one value
                }

                _increasing &= v > _last;
                _last = v;
                _integers &= Math.Abs(v) < 1e15 && v == Math.Floor(v);
                ulong bits = (ulong)BitConverter.DoubleToInt64Bits(v);
                _hll.Add(bits);
                Mix(h1, h2, i, bits);
                if (_numbers is not null && _numbers.Add(v) && _numbers.Count > DistinctCap)
                {
                    _numbers = null;
                }
            }
        }

        private void AddCategorical(CategoricalColumn column, long offset, ulong[] h1, ulong[] h2)
        {
            var levels = column.Levels;
            var levelHashes = new ulong[levels.Count];
            for (int l = 0; l < levels.Count; l++)
            {
                levelHashes[l] = HyperLogLog.Hash(levels[l]);
                _memory += 22 + (2L * levels[l].Length);
            }

            var perLevel = new long[levels.Count];
            var codes = column.Codes;
            for (int i = 0; i < codes.Length; i++)
            {
                int code = codes[i];
                if (code < 0)
                {
                    Missing(offset + i);
                    Mix(h1, h2, i, MissingHash);
                }
                else
                {
                    perLevel[code]++;
                    Mix(h1, h2, i, levelHashes[code]);
                }
            }

            for (int l = 0; l < levels.Count; l++)
            {
                if (perLevel[l] > 0)
                {
                    _count += perLevel[l];
                    _hll.Add(levelHashes[l]);
                    AddCount(levels[l], perLevel[l]);
                }
            }
        }

        private void AddCount(string value, long count)
        {
            if (count == 0)
            {
                return;
            }

            if (_counts!.TryGetValue(value, out long existing))
            {
                _counts[value] = existing + count;
            }
            else if (_counts.Count < DistinctCap)
            {
                _counts[value] = count;
            }
            else
            {
                _countsOverflowed = true;
                _overflowCount += count;
            }
        }

        private void Missing(long row)
        {
            _missing++;
            int block = (int)(row / 1024);
            while (MissingPerBlock.Count <= block)
            {
                MissingPerBlock.Add(0);
            }

            MissingPerBlock[block]++;
            if (row < 600)
            {
                MissingRows.Add(row);
            }
        }

        private static void Mix(ulong[] h1, ulong[] h2, int i, ulong value)
        {
            h1[i] = HyperLogLog.Mix(h1[i] ^ value) + 0x9e3779b97f4a7c15UL;
            h2[i] = HyperLogLog.Mix((h2[i] * 0x100000001b3UL) + value + 0x632be59bd9b4e019UL);
        }

        public Column SampleColumn(int[] order)
        {
            if (_sampleNumbers is not null)
            {
                return Column.Create(_name, order.Select(i => _sampleNumbers[i]).ToArray());
            }

            if (_sampleBools is not null)
            {
                return Column.Create(_name, order.Select(i => _sampleBools[i]).ToArray());
            }

            if (_sampleDates is not null)
            {
                return Column.Create(_name, order.Select(i => _sampleDates[i]).ToArray());
            }

            string?[] strings = [.. order.Select(i => _sampleStrings![i])];
            return _kind == ColumnKind.Text ? new TextColumn(_name, strings) : Column.Create(_name, strings);
        }

        public ColumnProfile Finish(long rows, Column sample)
        {
            bool exact = _counts is not null ? !_countsOverflowed : _numbers is not null || (_increasing && _missing == 0);
            long distinct = !exact ? (long)Math.Round(Math.Min(_hll.Estimate(), _count))
                : _counts is not null ? _counts.Count
                : _numbers is not null ? _numbers.Count
                : _count; // strictly increasing: every value is new
            if (_kind == ColumnKind.DateTime)
            {
                exact = false;
                distinct = (long)Math.Round(Math.Min(_hll.Estimate(), _count));
            }

            double[] quantiles = [];
            if (_kind is ColumnKind.Numeric)
            {
                double[] sorted = [.. sample.ToDoubleArray().Where(double.IsFinite).Order()];
                quantiles = sorted.Length == 0 ? [] : [.. new[] { 0.05, 0.25, 0.5, 0.75, 0.95 }.Select(q => Numerics.Quantile(sorted, q))];
            }

            var top = _counts is null
                ? []
                : _counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(20).ToList();
            if (_overflowCount > 0)
            {
                top.Add(new KeyValuePair<string, long>("(values beyond the first 100,000 distinct)", _overflowCount));
            }

            bool numeric = _kind is ColumnKind.Numeric or ColumnKind.Boolean;
            return new ColumnProfile
            {
                Name = _name,
                Kind = _kind,
                Count = _count,
                Missing = _missing,
                Distinct = distinct,
                DistinctIsExact = exact,
                Mean = numeric ? _moments.Mean : double.NaN,
                StdDev = numeric ? Math.Sqrt(_moments.Variance) : double.NaN,
                Min = numeric && _count > 0 ? _min : double.NaN,
                Max = numeric && _count > 0 ? _max : double.NaN,
                Skewness = _kind == ColumnKind.Numeric ? _moments.Skewness : double.NaN,
                Kurtosis = _kind == ColumnKind.Numeric ? _moments.Kurtosis : double.NaN,
                Zeros = _kind == ColumnKind.Numeric ? _zeros : 0,
                Quantiles = quantiles,
                TopValues = top,
                First = _first,
                Last = _lastDate,
                StrictlyIncreasing = _kind == ColumnKind.Numeric && _count > 1 && _increasing && _missing == 0,
                IntegerValued = _kind == ColumnKind.Numeric && _count > 0 && _integers,
                MemoryBytes = _memory,
            };
        }
    }
}
