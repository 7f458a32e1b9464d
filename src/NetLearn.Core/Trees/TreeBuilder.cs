using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetLearn.Trees;

/// <summary>Resolved stopping rules and split settings of one tree build.</summary>
internal sealed record TreeSettings
{
    public required SplitCriterion Criterion { get; init; }

    public SplitStrategy Splitter { get; init; } = SplitStrategy.Best;

    public int MaxDepth { get; init; } = int.MaxValue;

    public int MinSamplesSplit { get; init; } = 2;

    public int MinSamplesLeaf { get; init; } = 1;

    public double MinWeightFractionLeaf { get; init; }

    public int MaxFeatures { get; init; }

    public int? MaxLeafNodes { get; init; }

    public double MinImpurityDecrease { get; init; }

    public static TreeSettings From(TreeOptionsBase options, SplitCriterion criterion, SplitStrategy splitter, int features, MaxFeatures? defaultMaxFeatures = null) => new()
    {
        Criterion = criterion,
        Splitter = splitter,
        MaxDepth = options.MaxDepth ?? int.MaxValue,
        MinSamplesSplit = options.MinSamplesSplit,
        MinSamplesLeaf = options.MinSamplesLeaf,
        MinWeightFractionLeaf = options.MinWeightFractionLeaf,
        MaxFeatures = (options.MaxFeatures ?? defaultMaxFeatures ?? Trees.MaxFeatures.All).Resolve(features),
        MaxLeafNodes = options.MaxLeafNodes,
        MinImpurityDecrease = options.MinImpurityDecrease,
    };
}

/// <summary>
/// Grows CART trees (Breiman, Friedman, Olshen and Stone, <i>Classification and Regression Trees</i>, 1984) the way
/// scikit-learn 1.2 does: depth-first, or best-first when <c>max_leaf_nodes</c> is set; at each node the candidate
/// features are drawn without replacement until <c>max_features</c> non-constant ones were examined; the best
/// splitter sorts the node's values of a feature and scans every boundary between distinct values (the proxy
/// impurity improvement picks the winner, the exact improvement decides whether to split); the random splitter
/// (Geurts, Ernst and Wehenkel, <i>Extremely randomized trees</i>, 2006) draws one threshold per feature.
/// Rows of zero weight are left out, as scikit-learn does, so bootstrap counts can be passed as weights.
/// One builder owns its buffers and is reused for many trees (one per thread in a forest).
/// </summary>
internal sealed class TreeBuilder
{
    private const double FeatureThreshold = 1e-7;
    private const int RadixThreshold = 64;
    private const double Epsilon = 2.220446049250313e-16; // np.finfo('double').eps
    private const double PoissonEpsilon = 10 * 2.220446049250313e-16;

    private readonly float[] _x;
    private readonly int _n;
    private readonly int _p;
    private readonly int[]? _yClass;
    private readonly double[]? _yValue;
    private readonly int _k;
    private readonly TreeSettings _s;
    private readonly bool _classification;

    private readonly int[] _samples;

    // Weight and target of the row at each position of _samples, permuted with it, so that node passes read them
    // sequentially instead of by row id (the random reads dominated the builder's time).
    private readonly double[] _posW;
    private readonly int[] _posClass;
    private readonly double[] _posY;

    // The exact splitter's feature rank codes by position, row-major (_rowRank[pos * p + f] is the code of feature f of
    // the row at position pos), swapped together with the rows by the partition: a node's values of a feature are a strided
    // read of its own contiguous block instead of a gather from the whole column (those cache misses were the largest
    // cost of the exact builder).
    private readonly FeatureRanks? _ranks;
    private readonly uint[]? _rowRank;

    // The value table of the feature being scanned (a key's upper half is a code: 2·rank + close).
    private float[] _valueTable = [];
    private readonly ulong[] _keys;
    private readonly int[] _locClass;
    private readonly double[] _locY;
    private readonly double[] _locW;

    // Two classes and positive weights: the weight of a row, negated for class 1, so the Gini scan reads class and
    // weight with one load (its random reads by position are a large part of its cost).
    private readonly double[] _locSigned;
    private bool _signed;
    private readonly float[] _vals;
    private readonly double[] _left;
    private readonly double[] _right;
    private readonly double[] _total;
    private readonly int[] _features;
    private readonly double[] _prefixDev;
    private readonly double[] _suffixDev;
    private readonly int[] _rank;
    private readonly double[] _sortedY;
    private readonly FenwickPair _fenwick;
    private readonly ulong[] _radixBuffer;
    private readonly int[] _radixCounts = new int[4 * 2048];
    private readonly FeatureBins? _bins;
    private readonly double[] _histogram;
    private readonly int[] _touched = new int[256];

    private TreeRandom _rng = new(0);
    private double[] _stackValues = new double[64];
    private double _rootWeight;
    private double _minWeightLeaf;
    private NodeList _nodes = new(1);

    public TreeBuilder(float[] columnMajorX, int rows, int columns, int[]? yClass, int classes, double[]? yValue, TreeSettings settings, FeatureBins? bins = null, FeatureRanks? ranks = null)
    {
        _x = columnMajorX;
        _n = rows;
        _p = columns;
        _yClass = yClass;
        _yValue = yValue;
        _k = yClass is null ? 1 : classes;
        _s = settings;
        _classification = yClass is not null;
        _samples = new int[rows];
        _posW = new double[rows];
        _posClass = yClass is null ? [] : new int[rows];
        _posY = yValue is null ? [] : new double[rows];
        _keys = new ulong[rows];
        _locClass = new int[rows];
        _locY = new double[rows];
        _locW = new double[rows];
        _locSigned = classes == 2 && settings.Criterion == SplitCriterion.Gini ? new double[rows] : [];
        _vals = new float[rows];
        _left = new double[_k];
        _right = new double[_k];
        _total = new double[_k];
        _features = new int[columns];
        bool mae = settings.Criterion == SplitCriterion.AbsoluteError;
        _prefixDev = mae ? new double[rows] : [];
        _suffixDev = mae ? new double[rows] : [];
        _rank = mae ? new int[rows] : [];
        _sortedY = mae ? new double[rows] : [];
        _fenwick = new FenwickPair(mae ? rows : 0);
        _radixBuffer = new ulong[rows];

        // The histogram splitter serves every criterion but absolute error, whose medians a histogram cannot give.
        _bins = settings.Criterion == SplitCriterion.AbsoluteError || settings.Splitter != SplitStrategy.Best ? null : bins;
        _histogram = _bins is null ? [] : new double[256 * HistogramStride];
        if (_bins is null && settings.Splitter == SplitStrategy.Best)
        {
            _ranks = ranks ?? FeatureRanks.Build(columnMajorX, rows, columns, 1);
            _rowRank = new uint[rows * columns];
        }
    }

    /// <summary>Per bin: the class weights and the row count (classification), or weight, weighted target sum and row count.</summary>
    private int HistogramStride => _classification ? _k + 1 : 3;

    /// <summary>Grows one tree; <paramref name="weights"/> has one non-negative weight per row (zero leaves the row out).</summary>
    public TreeStructure Build(double[] weights, ulong seed, CancellationToken cancellation = default)
    {
        _rng = new TreeRandom(seed);
        int m = 0;
        double total = 0;
        for (int i = 0; i < _n; i++)
        {
            if (weights[i] != 0)
            {
                _posW[m] = weights[i];
                if (_classification)
                {
                    _posClass[m] = _yClass![i];
                }
                else
                {
                    _posY[m] = _yValue![i];
                }

                _samples[m++] = i;
                total += weights[i];
            }
        }

        _rootWeight = total;
        _signed = _locSigned.Length > 0 && !_posW.AsSpan(0, m).ContainsAnyExceptInRange(double.Epsilon, double.MaxValue);
        if (_rowRank is not null)
        {
            var ranks = _ranks!.Codes;
            for (int i = 0; i < m; i++)
            {
                int row = _samples[i];
                var target = _rowRank.AsSpan(i * _p, _p);
                for (int f = 0; f < target.Length; f++)
                {
                    target[f] = ranks[(f * _n) + row];
                }
            }
        }

        _minWeightLeaf = _s.MinWeightFractionLeaf * total;
        for (int f = 0; f < _p; f++)
        {
            _features[f] = f;
        }

        _nodes = new NodeList(_k);
        if (_s.MaxLeafNodes is { } maxLeaves)
        {
            BuildBestFirst(m, maxLeaves, cancellation);
        }
        else
        {
            BuildDepthFirst(m, cancellation);
        }

        return _nodes.ToStructure();
    }

    private int MinSamplesSplit => Math.Max(_s.MinSamplesSplit, 2 * _s.MinSamplesLeaf);

    private bool StopsHere(int count, double weighted, int depth, double impurity) =>
        depth >= _s.MaxDepth || count < MinSamplesSplit || count < 2 * _s.MinSamplesLeaf
        || weighted < 2 * _minWeightLeaf || impurity <= Epsilon;

    private void BuildDepthFirst(int m, CancellationToken cancellation)
    {
        // A node's value and weight are computed once, by its parent's split (which needs them for the improvement), and
        // kept with it on the stack; entry i's value is at _stackValues[i * k].
        var stack = new List<(int Start, int End, int Depth, int Parent, bool IsLeft, double Impurity, double Weighted)>();
        stack.Add((0, m, 0, -1, false, double.NaN, double.NaN));
        Span<double> value = _k <= 64 ? stackalloc double[_k] : new double[_k];
        Span<double> leftValue = _k <= 64 ? stackalloc double[_k] : new double[_k];
        Span<double> rightValue = _k <= 64 ? stackalloc double[_k] : new double[_k];
        int built = 0;
        while (stack.Count > 0)
        {
            if ((++built & 1023) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            var (start, end, depth, parent, isLeft, impurity, weighted) = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            if (double.IsNaN(impurity))
            {
                impurity = NodeStats(start, end, value, out weighted);
            }
            else
            {
                _stackValues.AsSpan(stack.Count * _k, _k).CopyTo(value);
            }

            int count = end - start;
            bool leaf = StopsHere(count, weighted, depth, impurity);
            Split split = default;
            if (!leaf)
            {
                leaf = !FindSplit(start, end, impurity, weighted, value, leftValue, rightValue, out split) || split.Improvement + Epsilon < _s.MinImpurityDecrease;
            }

            int id = _nodes.Add(parent, isLeft, leaf ? -1 : split.Feature, leaf ? -2 : split.Threshold, impurity, count, weighted, value);
            if (!leaf)
            {
                if (_stackValues.Length < (stack.Count + 2) * _k)
                {
                    Array.Resize(ref _stackValues, Math.Max(2 * _stackValues.Length, (stack.Count + 2) * _k));
                }

                rightValue.CopyTo(_stackValues.AsSpan(stack.Count * _k, _k));
                stack.Add((split.Position, end, depth + 1, id, false, split.ImpurityRight, split.WeightRight));
                leftValue.CopyTo(_stackValues.AsSpan(stack.Count * _k, _k));
                stack.Add((start, split.Position, depth + 1, id, true, split.ImpurityLeft, split.WeightLeft));
            }
        }
    }

    private void BuildBestFirst(int m, int maxLeaves, CancellationToken cancellation)
    {
        // The frontier holds nodes that were added with their best split; the largest improvement is expanded first.
        var frontier = new PriorityQueue<Frontier, (double, int)>();
        Span<double> value = _k <= 64 ? stackalloc double[_k] : new double[_k];
        var root = AddSplitNode(0, m, double.NaN, -1, false, 0, value);
        frontier.Enqueue(root, (-root.Improvement, root.Node));
        int maxSplits = maxLeaves - 1;
        while (frontier.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var record = frontier.Dequeue();
            if (record.IsLeaf || maxSplits <= 0)
            {
                _nodes.MakeLeaf(record.Node);
                continue;
            }

            maxSplits--;
            var left = AddSplitNode(record.Start, record.Position, record.ImpurityLeft, record.Node, true, record.Depth + 1, value);
            var right = AddSplitNode(record.Position, record.End, record.ImpurityRight, record.Node, false, record.Depth + 1, value);
            frontier.Enqueue(left, (-left.Improvement, left.Node));
            frontier.Enqueue(right, (-right.Improvement, right.Node));
        }
    }

    private Frontier AddSplitNode(int start, int end, double impurity, int parent, bool isLeft, int depth, Span<double> value)
    {
        double nodeImpurity = NodeStats(start, end, value, out double weighted);
        if (double.IsNaN(impurity))
        {
            impurity = nodeImpurity;
        }

        int count = end - start;
        bool leaf = StopsHere(count, weighted, depth, impurity);
        Split split = default;
        if (!leaf)
        {
            Span<double> scratch = _k <= 64 ? stackalloc double[_k] : new double[_k];
            leaf = !FindSplit(start, end, impurity, weighted, value, scratch, scratch, out split) || split.Improvement + Epsilon < _s.MinImpurityDecrease;
        }

        int id = _nodes.Add(parent, isLeft, leaf ? -1 : split.Feature, leaf ? -2 : split.Threshold, impurity, count, weighted, value);
        return leaf
            ? new Frontier(id, start, end, end, depth, true, 0, 0, 0)
            : new Frontier(id, start, end, split.Position, depth, false, split.Improvement, split.ImpurityLeft, split.ImpurityRight);
    }

    // ------------------------------------------------------------------ node statistics

    /// <summary>The node's value (class counts, mean or median) and impurity; <paramref name="weighted"/> is its total weight.</summary>
    private double NodeStats(int start, int end, Span<double> value, out double weighted)
    {
        weighted = 0;
        if (_classification)
        {
            value.Clear();
            for (int i = start; i < end; i++)
            {
                double w = _posW[i];
                value[_posClass[i]] += w;
                weighted += w;
            }

            return ClassImpurity(value, weighted);
        }

        switch (_s.Criterion)
        {
            case SplitCriterion.AbsoluteError:
            {
                int m = end - start;
                for (int i = 0; i < m; i++)
                {
                    _locY[i] = _posY[start + i];
                    _locW[i] = _posW[start + i];
                    weighted += _posW[start + i];
                }

                var ys = _locY.AsSpan(0, m);
                var ws = _locW.AsSpan(0, m);
                ys.Sort(ws);
                double median = WeightedMedian(ys, ws, weighted);
                value[0] = median;
                double dev = 0;
                for (int i = 0; i < m; i++)
                {
                    dev += ws[i] * Math.Abs(ys[i] - median);
                }

                return dev / weighted;
            }

            case SplitCriterion.Poisson:
            {
                double sum = 0;
                for (int i = start; i < end; i++)
                {
                    sum += _posW[i] * _posY[i];
                    weighted += _posW[i];
                }

                double mean = sum / weighted;
                value[0] = mean;
                if (mean <= PoissonEpsilon)
                {
                    return double.PositiveInfinity;
                }

                double loss = 0;
                for (int i = start; i < end; i++)
                {
                    double y = _posY[i];
                    if (y > 0)
                    {
                        loss += _posW[i] * y * Math.Log(y / mean);
                    }
                }

                return loss / weighted;
            }

            default:
            {
                double sum = 0, squares = 0;
                for (int i = start; i < end; i++)
                {
                    double w = _posW[i], y = _posY[i];
                    sum += w * y;
                    squares += w * y * y;
                    weighted += w;
                }

                double mean = sum / weighted;
                value[0] = mean;
                return (squares / weighted) - (mean * mean);
            }
        }
    }

    private double ClassImpurity(ReadOnlySpan<double> counts, double weighted)
    {
        if (_s.Criterion == SplitCriterion.Gini)
        {
            double squares = 0;
            foreach (double c in counts)
            {
                squares += c * c;
            }

            return 1.0 - (squares / (weighted * weighted));
        }

        double entropy = 0;
        foreach (double c in counts)
        {
            if (c > 0)
            {
                double p = c / weighted;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }

    /// <summary>scikit-learn's weighted median: the first sorted value whose cumulative weight reaches half, or the mean of two at an exact half.</summary>
    internal static double WeightedMedian(ReadOnlySpan<double> sortedY, ReadOnlySpan<double> weights, double total)
    {
        double half = total / 2.0, cumulative = 0;
        for (int k = 0; k < sortedY.Length; k++)
        {
            cumulative += weights[k];
            if (cumulative >= half)
            {
                return cumulative == half && k + 1 < sortedY.Length ? (sortedY[k] + sortedY[k + 1]) / 2.0 : sortedY[k];
            }
        }

        return sortedY[^1];
    }

    // ------------------------------------------------------------------ split search

    /// <summary>
    /// The best split of the node's rows; <paramref name="nodeValue"/> is the node's value (class weights), and the
    /// children's values are written to <paramref name="leftValue"/> and <paramref name="rightValue"/>.
    /// </summary>
    private bool FindSplit(int start, int end, double impurity, double weighted, ReadOnlySpan<double> nodeValue, Span<double> leftValue, Span<double> rightValue, out Split best)
    {
        int m = end - start;
        _posW.AsSpan(start, m).CopyTo(_locW);
        if (_classification)
        {
            _posClass.AsSpan(start, m).CopyTo(_locClass);
        }
        else
        {
            _posY.AsSpan(start, m).CopyTo(_locY);
        }

        if (_classification)
        {
            // The node's class weights, summed in the same order as here.
            nodeValue.CopyTo(_total);
            if (_signed)
            {
                for (int i = 0; i < m; i++)
                {
                    _locSigned[i] = _locClass[i] == 0 ? _locW[i] : -_locW[i];
                }
            }
        }
        else if (_s.Criterion == SplitCriterion.AbsoluteError)
        {
            PrepareRanks(m);
        }

        double totalSum = 0;
        if (!_classification)
        {
            for (int i = 0; i < m; i++)
            {
                totalSum += _locW[i] * _locY[i];
            }
        }

        best = default;
        double bestProxy = double.NegativeInfinity;
        int bestFeature = -1, bestLeftCount = 0;
        double bestThreshold = 0;
        int remaining = _p, visited = 0;
        while (remaining > 0 && visited < _s.MaxFeatures)
        {
            int j = _rng.NextInt(remaining);
            int f = _features[j];
            _features[j] = _features[remaining - 1];
            _features[remaining - 1] = f;
            remaining--;
            var column = _x.AsSpan(f * _n, _n);
            bool found = _bins is not null
                ? ScanHistogram(f, start, m, weighted, totalSum, ref bestProxy, out double threshold, out int leftCount, out bool constant)
                : _s.Splitter == SplitStrategy.Best
                ? ScanBest(f, start, m, weighted, totalSum, ref bestProxy, out threshold, out leftCount, out constant)
                : ScanRandom(column, start, m, weighted, totalSum, ref bestProxy, out threshold, out leftCount, out constant);
            if (constant)
            {
                continue;
            }

            visited++;
            if (found)
            {
                bestFeature = f;
                bestThreshold = threshold;
                bestLeftCount = leftCount;
            }
        }

        if (bestFeature < 0)
        {
            return false;
        }

        int p = Partition(start, end, bestFeature, bestThreshold);

        System.Diagnostics.Debug.Assert(p - start == bestLeftCount, "partition disagrees with the scan");
        double impurityLeft = NodeStats(start, p, leftValue, out double weightLeft);
        double impurityRight = NodeStats(p, end, rightValue, out double weightRight);
        double improvement = weighted / _rootWeight * (impurity - (weightRight / weighted * impurityRight) - (weightLeft / weighted * impurityLeft));
        best = new Split(bestFeature, bestThreshold, p, improvement, impurityLeft, impurityRight, weightLeft, weightRight);
        return true;
    }

    /// <summary>
    /// Partitions the node's rows in place, x ≤ threshold first (scikit-learn's partition), moving their weights and
    /// targets along; the histogram splitter compares bin codes (x ≤ edge b exactly when the code is ≤ b).
    /// </summary>
    private int Partition(int start, int end, int feature, double threshold)
    {
        int p = start, partitionEnd = end;
        if (_bins is not null)
        {
            var codes = _bins.Codes.AsSpan(feature * _n, _n);
            int bin = Array.BinarySearch(_bins.Edges[feature], threshold);
            while (p < partitionEnd)
            {
                if (codes[_samples[p]] <= bin)
                {
                    p++;
                }
                else
                {
                    Swap(p, --partitionEnd);
                }
            }

            return p;
        }

        if (_rowRank is not null)
        {
            // x ≤ threshold exactly when the code is at most that of the largest value ≤ threshold.
            long bound = _ranks!.CodeAtMost(feature, threshold);
            while (p < partitionEnd)
            {
                if (_rowRank[(p * _p) + feature] <= bound)
                {
                    p++;
                }
                else
                {
                    Swap(p, --partitionEnd);
                }
            }

            return p;
        }

        var column = _x.AsSpan(feature * _n, _n);
        while (p < partitionEnd)
        {
            if (column[_samples[p]] <= threshold)
            {
                p++;
            }
            else
            {
                Swap(p, --partitionEnd);
            }
        }

        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Swap(int a, int b)
    {
        (_samples[a], _samples[b]) = (_samples[b], _samples[a]);
        (_posW[a], _posW[b]) = (_posW[b], _posW[a]);
        if (_classification)
        {
            (_posClass[a], _posClass[b]) = (_posClass[b], _posClass[a]);
        }
        else
        {
            (_posY[a], _posY[b]) = (_posY[b], _posY[a]);
        }

        if (_rowRank is not null)
        {
            ref uint x = ref _rowRank[a * _p];
            ref uint y = ref _rowRank[b * _p];
            int f = 0;
            for (; f + Vector256<uint>.Count <= _p; f += Vector256<uint>.Count)
            {
                var vx = Vector256.LoadUnsafe(ref x, (nuint)f);
                Vector256.LoadUnsafe(ref y, (nuint)f).StoreUnsafe(ref x, (nuint)f);
                vx.StoreUnsafe(ref y, (nuint)f);
            }

            for (; f < _p; f++)
            {
                (Unsafe.Add(ref x, f), Unsafe.Add(ref y, f)) = (Unsafe.Add(ref y, f), Unsafe.Add(ref x, f));
            }
        }
    }

    /// <summary>
    /// Stable LSD radix sort of keys by bits 32 to 32 + <paramref name="bits"/> (the low bits of the codes, above which
    /// all of the node's codes agree),
    /// in as few passes as digits of at most 8 bits (11 for large nodes) allow; the lower halves (row positions) keep
    /// their input order within equal ranks, as a full sort of the keys would.
    /// </summary>
    private void RadixSort(Span<ulong> keys, Span<ulong> buffer, int bits)
    {
        int maxDigit = keys.Length >= 1024 ? 11 : 8;
        int passes = (bits + maxDigit - 1) / maxDigit;
        int digit = (bits + passes - 1) / passes;
        int radix = 1 << digit;
        ulong mask = (ulong)radix - 1;
        var counts = _radixCounts.AsSpan(0, passes * radix);
        counts.Clear();

        // Digits are masked to the radix and counts sum to the key count, so every index below is in range.
        ref int count0 = ref MemoryMarshal.GetArrayDataReference(_radixCounts);
        if (passes == 1)
        {
            foreach (ulong key in keys)
            {
                Unsafe.Add(ref count0, (int)((key >> 32) & mask))++;
            }
        }
        else if (passes == 2)
        {
            foreach (ulong key in keys)
            {
                ulong high = key >> 32;
                Unsafe.Add(ref count0, (int)(high & mask))++;
                Unsafe.Add(ref count0, radix + (int)((high >> digit) & mask))++;
            }
        }
        else
        {
            foreach (ulong key in keys)
            {
                ulong high = key >> 32;
                for (int pass = 0, offset = 0; pass < passes; pass++, offset += radix)
                {
                    counts[offset + (int)((high >> (digit * pass)) & mask)]++;
                }
            }
        }

        var source = keys;
        var target = buffer;
        for (int pass = 0, offset = 0; pass < passes; pass++, offset += radix)
        {
            int shift = 32 + (digit * pass);
            var digitCounts = counts.Slice(offset, radix);
            // Skip a pass whose digit is the same for every key.
            if (digitCounts[(int)((source[0] >> shift) & mask)] == keys.Length)
            {
                continue;
            }

            int sum = 0;
            for (int b = 0; b < digitCounts.Length; b++)
            {
                int c = digitCounts[b];
                digitCounts[b] = sum;
                sum += c;
            }

            ref int slots = ref MemoryMarshal.GetReference(digitCounts);
            ref ulong output = ref MemoryMarshal.GetReference(target);
            foreach (ulong key in source)
            {
                Unsafe.Add(ref output, Unsafe.Add(ref slots, (int)((key >> shift) & mask))++) = key;
            }

            var swap = source;
            source = target;
            target = swap;
        }

        if (source != keys)
        {
            source.CopyTo(keys);
        }
    }

    /// <summary>The float value of a code (a sort key's upper half) of the feature being scanned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float ValueOf(uint code) => _valueTable[(int)(code >> 1)];

    /// <summary>
    /// Whether the scan passes a boundary between distinct values when it moves from the value of the last boundary
    /// (<paramref name="current"/>) to <paramref name="next"/>: the values are more than 1e-7 apart (never separated
    /// otherwise, as scikit-learn). Only a code marked close to its predecessor needs its value looked up (FeatureRanks).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsBoundary(uint current, uint next) =>
        next != current && ((next & 1) == 0 || ValueOf(next) > ValueOf(current) + FeatureThreshold);

    /// <summary>Sorts the node's values of one feature (as ranks) and scans every boundary between distinct values.</summary>
    private bool ScanBest(int feature, int start, int m, double weighted, double totalSum, ref double bestProxy, out double threshold, out int leftCount, out bool constant)
    {
        var keys = _keys.AsSpan(0, m);
        var rowRank = _rowRank.AsSpan(start * _p, m * _p);
        uint min = uint.MaxValue, max = 0;
        for (int i = 0, at = feature; i < keys.Length; i++, at += _p)
        {
            uint code = rowRank[at];
            min = Math.Min(min, code);
            max = Math.Max(max, code);
            keys[i] = ((ulong)code << 32) | (uint)i;
        }

        var values = _ranks!.Values[feature];
        threshold = 0;
        leftCount = 0;
        constant = values[(int)(max >> 1)] <= values[(int)(min >> 1)] + FeatureThreshold;
        if (constant)
        {
            return false;
        }


        if (keys.Length >= RadixThreshold)
        {
            // Every code between min and max shares their common leading bits: only the bits below need sorting.
            RadixSort(keys, _radixBuffer.AsSpan(0, keys.Length), 32 - BitOperations.LeadingZeroCount(max ^ min));
        }
        else
        {
            keys.Sort();
        }

        _valueTable = values;
        return _classification
            ? (_s.Criterion == SplitCriterion.Gini
                ? ScanGini(keys, weighted, ref bestProxy, out threshold, out leftCount)
                : ScanEntropy(keys, weighted, ref bestProxy, out threshold, out leftCount))
            : _s.Criterion switch
            {
                SplitCriterion.AbsoluteError => ScanAbsolute(keys, weighted, ref bestProxy, out threshold, out leftCount),
                SplitCriterion.Poisson => ScanPoisson(keys, weighted, totalSum, ref bestProxy, out threshold, out leftCount),
                _ => ScanSquared(keys, weighted, totalSum, ref bestProxy, out threshold, out leftCount),
            };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Midpoint(float below, float above) => FeatureBins.Midpoint(below, above);

    /// <summary>
    /// The histogram splitter: accumulates the node's class weights (or weight and weighted target) per bin of one
    /// feature, then scans the boundaries between the non-empty bins in order. Only touched bins are visited and
    /// cleared, so a small node costs O(m + d log d) for its d distinct bins rather than O(max_bins).
    /// </summary>
    private bool ScanHistogram(int feature, int start, int m, double weighted, double totalSum, ref double bestProxy, out double threshold, out int leftCount, out bool constant)
    {
        var codes = _bins!.Codes.AsSpan(feature * _n, _n);
        var samples = _samples.AsSpan(start, m);
        var h = _histogram.AsSpan();
        int stride = HistogramStride, countAt = stride - 1, touched = 0;
        if (_classification)
        {
            for (int i = 0; i < samples.Length; i++)
            {
                int o = codes[samples[i]] * stride;
                if (h[o + countAt] == 0)
                {
                    _touched[touched++] = o;
                }

                h[o + _locClass[i]] += _locW[i];
                h[o + countAt] += 1;
            }
        }
        else
        {
            for (int i = 0; i < samples.Length; i++)
            {
                int o = codes[samples[i]] * stride;
                if (h[o + 2] == 0)
                {
                    _touched[touched++] = o;
                }

                double w = _locW[i];
                h[o] += w;
                h[o + 1] += w * _locY[i];
                h[o + 2] += 1;
            }
        }

        threshold = 0;
        leftCount = 0;
        constant = touched == 1;
        if (touched > 48)
        {
            // Many distinct bins: collect them in order by one pass over the bin range.
            touched = 0;
            int last = _bins.Edges[feature].Length;
            for (int b = 0; b <= last; b++)
            {
                if (h[(b * stride) + countAt] != 0)
                {
                    _touched[touched++] = b * stride;
                }
            }
        }
        else
        {
            _touched.AsSpan(0, touched).Sort();
        }

        var bins = _touched.AsSpan(0, touched);

        bool found = !constant && (_classification
            ? ScanClassBins(bins, feature, m, weighted, ref bestProxy, out threshold, out leftCount)
            : ScanValueBins(bins, feature, m, weighted, totalSum, ref bestProxy, out threshold, out leftCount));
        foreach (int o in bins)
        {
            h.Slice(o, stride).Clear();
        }

        return found;
    }

    private bool ScanClassBins(ReadOnlySpan<int> bins, int feature, int m, double weighted, ref double bestProxy, out double threshold, out int leftCount)
    {
        var h = _histogram;
        var left = _left.AsSpan();
        left.Clear();
        var total = _total.AsSpan();
        var right = _right.AsSpan();
        var edges = _bins!.Edges[feature];
        bool gini = _s.Criterion == SplitCriterion.Gini;
        int msl = _s.MinSamplesLeaf, stride = _k + 1, count = 0;
        double minW = _minWeightLeaf, wl = 0;
        bool found = false;
        threshold = 0;
        leftCount = 0;
        for (int i = 0; i < bins.Length - 1; i++)
        {
            int o = bins[i];
            double sqLeft = 0, sqRight = 0;
            for (int c = 0; c < left.Length; c++)
            {
                double w = h[o + c];
                wl += w;
                double lc = left[c] + w, rc = total[c] - lc;
                left[c] = lc;
                right[c] = rc;
                sqLeft += lc * lc;
                sqRight += rc * rc;
            }

            count += (int)h[o + _k];
            if (count < msl || m - count < msl)
            {
                continue;
            }

            double wr = weighted - wl;
            if (wl < minW || wr < minW)
            {
                continue;
            }

            double proxy = gini
                ? (sqLeft / wl) + (sqRight / wr)
                : -(wr * ClassImpurity(right, wr)) - (wl * ClassImpurity(left, wl));
            if (proxy > bestProxy)
            {
                bestProxy = proxy;
                threshold = edges[o / stride];
                leftCount = count;
                found = true;
            }
        }

        return found;
    }

    private bool ScanValueBins(ReadOnlySpan<int> bins, int feature, int m, double weighted, double totalSum, ref double bestProxy, out double threshold, out int leftCount)
    {
        var h = _histogram;
        var edges = _bins!.Edges[feature];
        bool poisson = _s.Criterion == SplitCriterion.Poisson;
        int msl = _s.MinSamplesLeaf, count = 0;
        double minW = _minWeightLeaf, wl = 0, sl = 0;
        bool found = false;
        threshold = 0;
        leftCount = 0;
        for (int i = 0; i < bins.Length - 1; i++)
        {
            int o = bins[i];
            wl += h[o];
            sl += h[o + 1];
            count += (int)h[o + 2];
            if (count < msl || m - count < msl)
            {
                continue;
            }

            double wr = weighted - wl;
            if (wl < minW || wr < minW)
            {
                continue;
            }

            double sr = totalSum - sl;
            double proxy = poisson ? PoissonProxy(sl, wl, sr, wr) : (sl * sl / wl) + (sr * sr / wr);
            if (proxy > bestProxy)
            {
                bestProxy = proxy;
                threshold = edges[o / 3];
                leftCount = count;
                found = true;
            }
        }

        return found;
    }

    private bool ScanGini(ReadOnlySpan<ulong> keys, double weighted, ref double bestProxy, out double threshold, out int leftCount)
    {
        var left = _left.AsSpan();
        left.Clear();
        var total = _total.AsSpan();
        double sqLeft = 0, sqRight = 0;
        foreach (double c in total)
        {
            sqRight += c * c;
        }

        int msl = _s.MinSamplesLeaf, m = keys.Length;
        bool signed = _signed;
        double minW = _minWeightLeaf, wl = 0;
        bool found = false;
        threshold = 0;
        leftCount = 0;
        uint current = (uint)(keys[0] >> 32);
        for (int i = 0; i < m - 1; i++)
        {
            int j = (int)(uint)keys[i];
            int c;
            double w;
            if (signed)
            {
                double v = _locSigned[j];
                c = (int)(BitConverter.DoubleToUInt64Bits(v) >> 63);
                w = Math.Abs(v);
            }
            else
            {
                c = _locClass[j];
                w = _locW[j];
            }

            double lc = left[c], rc = total[c] - lc;
            sqLeft += w * ((2 * lc) + w);
            sqRight += w * (w - (2 * rc));
            left[c] = lc + w;
            wl += w;
            uint next = (uint)(keys[i + 1] >> 32);
            if (!IsBoundary(current, next))
            {
                continue;
            }

            uint below = current;
            current = next;
            if (i + 1 < msl || m - i - 1 < msl)
            {
                continue;
            }

            double wr = weighted - wl;
            if (wl < minW || wr < minW)
            {
                continue;
            }

            double proxy = (sqLeft / wl) + (sqRight / wr);
            if (proxy > bestProxy)
            {
                bestProxy = proxy;
                threshold = Midpoint(ValueOf(below), ValueOf(next));
                leftCount = i + 1;
                found = true;
            }
        }

        return found;
    }

    private bool ScanEntropy(ReadOnlySpan<ulong> keys, double weighted, ref double bestProxy, out double threshold, out int leftCount)
    {
        var left = _left.AsSpan();
        left.Clear();
        var total = _total.AsSpan();
        var right = _right.AsSpan();
        int msl = _s.MinSamplesLeaf, m = keys.Length;
        double minW = _minWeightLeaf, wl = 0;
        bool found = false;
        threshold = 0;
        leftCount = 0;
        uint current = (uint)(keys[0] >> 32);
        for (int i = 0; i < m - 1; i++)
        {
            int j = (int)(uint)keys[i];
            left[_locClass[j]] += _locW[j];
            wl += _locW[j];
            uint next = (uint)(keys[i + 1] >> 32);
            if (!IsBoundary(current, next))
            {
                continue;
            }

            uint below = current;
            current = next;
            if (i + 1 < msl || m - i - 1 < msl)
            {
                continue;
            }

            double wr = weighted - wl;
            if (wl < minW || wr < minW)
            {
                continue;
            }

            for (int c = 0; c < right.Length; c++)
            {
                right[c] = total[c] - left[c];
            }

            double proxy = -(wr * ClassImpurity(right, wr)) - (wl * ClassImpurity(left, wl));
            if (proxy > bestProxy)
            {
                bestProxy = proxy;
                threshold = Midpoint(ValueOf(below), ValueOf(next));
                leftCount = i + 1;
                found = true;
            }
        }

        return found;
    }

    private bool ScanSquared(ReadOnlySpan<ulong> keys, double weighted, double totalSum, ref double bestProxy, out double threshold, out int leftCount)
    {
        int msl = _s.MinSamplesLeaf, m = keys.Length;
        double minW = _minWeightLeaf, wl = 0, sl = 0;
        bool found = false;
        threshold = 0;
        leftCount = 0;
        uint current = (uint)(keys[0] >> 32);
        for (int i = 0; i < m - 1; i++)
        {
            int j = (int)(uint)keys[i];
            double w = _locW[j];
            sl += w * _locY[j];
            wl += w;
            uint next = (uint)(keys[i + 1] >> 32);
            if (!IsBoundary(current, next))
            {
                continue;
            }

            uint below = current;
            current = next;
            if (i + 1 < msl || m - i - 1 < msl)
            {
                continue;
            }

            double wr = weighted - wl;
            if (wl < minW || wr < minW)
            {
                continue;
            }

            double sr = totalSum - sl;
            double proxy = (sl * sl / wl) + (sr * sr / wr);
            if (proxy > bestProxy)
            {
                bestProxy = proxy;
                threshold = Midpoint(ValueOf(below), ValueOf(next));
                leftCount = i + 1;
                found = true;
            }
        }

        return found;
    }

    private bool ScanPoisson(ReadOnlySpan<ulong> keys, double weighted, double totalSum, ref double bestProxy, out double threshold, out int leftCount)
    {
        int msl = _s.MinSamplesLeaf, m = keys.Length;
        double minW = _minWeightLeaf, wl = 0, sl = 0;
        bool found = false;
        threshold = 0;
        leftCount = 0;
        uint current = (uint)(keys[0] >> 32);
        for (int i = 0; i < m - 1; i++)
        {
            int j = (int)(uint)keys[i];
            double w = _locW[j];
            sl += w * _locY[j];
            wl += w;
            uint next = (uint)(keys[i + 1] >> 32);
            if (!IsBoundary(current, next))
            {
                continue;
            }

            uint below = current;
            current = next;
            if (i + 1 < msl || m - i - 1 < msl)
            {
                continue;
            }

            double wr = weighted - wl;
            if (wl < minW || wr < minW)
            {
                continue;
            }

            double proxy = PoissonProxy(sl, wl, totalSum - sl, wr);
            if (proxy > bestProxy)
            {
                bestProxy = proxy;
                threshold = Midpoint(ValueOf(below), ValueOf(next));
                leftCount = i + 1;
                found = true;
            }
        }

        return found;
    }

    private static double PoissonProxy(double sl, double wl, double sr, double wr)
    {
        // Maximising Σ S·log(mean) over the children minimises their summed half Poisson deviance.
        if (sl <= PoissonEpsilon || sr <= PoissonEpsilon)
        {
            return double.NegativeInfinity;
        }

        return (sl * Math.Log(sl / wl)) + (sr * Math.Log(sr / wr));
    }

    /// <summary>Ranks of the node's targets, for the absolute-error prefix/suffix deviations.</summary>
    private void PrepareRanks(int m)
    {
        // Sort local indices by target value (ties by index), then record each one's rank.
        var idx = new int[m];
        for (int i = 0; i < m; i++)
        {
            idx[i] = i;
        }

        var ys = _locY.AsSpan(0, m).ToArray();
        Array.Sort(ys, idx);
        for (int r = 0; r < m; r++)
        {
            _rank[idx[r]] = r;
            _sortedY[r] = ys[r];
        }
    }

    // Weighted absolute deviation from the weighted median of every prefix (and suffix) of the sorted order, with a
    // Fenwick tree over target ranks: O(n log n) per feature.
    private bool ScanAbsolute(ReadOnlySpan<ulong> keys, double weighted, ref double bestProxy, out double threshold, out int leftCount)
    {
        int m = keys.Length;
        _fenwick.Reset(m);
        for (int i = 0; i < m; i++)
        {
            int j = (int)(uint)keys[i];
            _fenwick.Add(_rank[j], _locW[j], _locW[j] * _locY[j]);
            _prefixDev[i] = _fenwick.Deviation(_sortedY);
        }

        _fenwick.Reset(m);
        for (int i = m - 1; i > 0; i--)
        {
            int j = (int)(uint)keys[i];
            _fenwick.Add(_rank[j], _locW[j], _locW[j] * _locY[j]);
            _suffixDev[i] = _fenwick.Deviation(_sortedY);
        }

        int msl = _s.MinSamplesLeaf;
        double minW = _minWeightLeaf, wl = 0;
        bool found = false;
        threshold = 0;
        leftCount = 0;
        uint current = (uint)(keys[0] >> 32);
        for (int i = 0; i < m - 1; i++)
        {
            wl += _locW[(int)(uint)keys[i]];
            uint next = (uint)(keys[i + 1] >> 32);
            if (!IsBoundary(current, next))
            {
                continue;
            }

            uint below = current;
            current = next;
            if (i + 1 < msl || m - i - 1 < msl)
            {
                continue;
            }

            double wr = weighted - wl;
            if (wl < minW || wr < minW)
            {
                continue;
            }

            double proxy = -(_prefixDev[i] + _suffixDev[i + 1]);
            if (proxy > bestProxy)
            {
                bestProxy = proxy;
                threshold = Midpoint(ValueOf(below), ValueOf(next));
                leftCount = i + 1;
                found = true;
            }
        }

        return found;
    }

    /// <summary>Extremely randomised trees: one threshold drawn uniformly between the node's minimum and maximum.</summary>
    private bool ScanRandom(ReadOnlySpan<float> column, int start, int m, double weighted, double totalSum, ref double bestProxy, out double threshold, out int leftCount, out bool constant)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        var vals = _vals.AsSpan(0, m);
        var samples = _samples.AsSpan(start, m);
        for (int i = 0; i < m; i++)
        {
            float v = column[samples[i]];
            vals[i] = v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        threshold = 0;
        leftCount = 0;
        constant = max <= min + FeatureThreshold;
        if (constant)
        {
            return false;
        }

        double t = min + (_rng.NextDouble() * ((double)max - min));
        if (t >= max)
        {
            t = min;
        }

        int count = 0;
        double wl = 0;
        double proxy;
        if (_classification)
        {
            var left = _left.AsSpan();
            left.Clear();
            for (int i = 0; i < m; i++)
            {
                if (vals[i] <= t)
                {
                    count++;
                    left[_locClass[i]] += _locW[i];
                    wl += _locW[i];
                }
            }

            double wr = weighted - wl;
            if (!LeafSizesOk(count, m, wl, wr))
            {
                return false;
            }

            for (int c = 0; c < _k; c++)
            {
                _right[c] = _total[c] - left[c];
            }

            proxy = -(wr * ClassImpurity(_right, wr)) - (wl * ClassImpurity(left, wl));
        }
        else if (_s.Criterion == SplitCriterion.AbsoluteError)
        {
            var leftY = new List<(double Y, double W)>();
            var rightY = new List<(double Y, double W)>();
            for (int i = 0; i < m; i++)
            {
                (vals[i] <= t ? leftY : rightY).Add((_locY[i], _locW[i]));
            }

            count = leftY.Count;
            wl = leftY.Sum(e => e.W);
            if (!LeafSizesOk(count, m, wl, weighted - wl))
            {
                return false;
            }

            proxy = -(AbsoluteDeviation(leftY) + AbsoluteDeviation(rightY));
        }
        else
        {
            double sl = 0;
            for (int i = 0; i < m; i++)
            {
                if (vals[i] <= t)
                {
                    count++;
                    sl += _locW[i] * _locY[i];
                    wl += _locW[i];
                }
            }

            double wr = weighted - wl;
            if (!LeafSizesOk(count, m, wl, wr))
            {
                return false;
            }

            double sr = totalSum - sl;
            proxy = _s.Criterion == SplitCriterion.Poisson ? PoissonProxy(sl, wl, sr, wr) : (sl * sl / wl) + (sr * sr / wr);
        }

        if (proxy > bestProxy)
        {
            bestProxy = proxy;
            threshold = t;
            leftCount = count;
            return true;
        }

        return false;
    }

    private bool LeafSizesOk(int count, int m, double wl, double wr) =>
        count >= _s.MinSamplesLeaf && m - count >= _s.MinSamplesLeaf && wl >= _minWeightLeaf && wr >= _minWeightLeaf && count > 0 && count < m;

    private static double AbsoluteDeviation(List<(double Y, double W)> entries)
    {
        entries.Sort((a, b) => a.Y.CompareTo(b.Y));
        double[] y = [.. entries.Select(e => e.Y)];
        double[] w = [.. entries.Select(e => e.W)];
        double median = WeightedMedian(y, w, w.Sum());
        double dev = 0;
        for (int i = 0; i < y.Length; i++)
        {
            dev += w[i] * Math.Abs(y[i] - median);
        }

        return dev;
    }

    private readonly record struct Split(int Feature, double Threshold, int Position, double Improvement, double ImpurityLeft, double ImpurityRight, double WeightLeft, double WeightRight);

    private readonly record struct Frontier(int Node, int Start, int End, int Position, int Depth, bool IsLeaf, double Improvement, double ImpurityLeft, double ImpurityRight);

    /// <summary>Two Fenwick (binary indexed) trees over target ranks: weights and weighted targets.</summary>
    private sealed class FenwickPair(int capacity)
    {
        private readonly double[] _weight = new double[capacity + 1];
        private readonly double[] _sum = new double[capacity + 1];
        private int _size;
        private int _top;
        private double _totalWeight;
        private double _totalSum;

        public void Reset(int size)
        {
            _size = size;
            Array.Clear(_weight, 0, size + 1);
            Array.Clear(_sum, 0, size + 1);
            _top = 1;
            while (_top * 2 <= size)
            {
                _top *= 2;
            }

            _totalWeight = 0;
            _totalSum = 0;
        }

        public void Add(int rank, double weight, double weightedY)
        {
            _totalWeight += weight;
            _totalSum += weightedY;
            for (int i = rank + 1; i <= _size; i += i & -i)
            {
                _weight[i] += weight;
                _sum[i] += weightedY;
            }
        }

        /// <summary>Σ w·|y − median| of the inserted entries.</summary>
        public double Deviation(double[] sortedY)
        {
            // Find the smallest rank r whose cumulative weight reaches half of the total (binary descent).
            double half = _totalWeight / 2.0, below = 0, belowSum = 0;
            int position = 0;
            for (int step = _top; step > 0; step >>= 1)
            {
                int next = position + step;
                if (next <= _size && below + _weight[next] < half)
                {
                    position = next;
                    below += _weight[next];
                    belowSum += _sum[next];
                }
            }

            // position = count of ranks strictly before the median rank; include the median rank itself.
            double median = sortedY[position];
            double wAt = 0, sAt = 0;
            for (int i = position + 1; i > 0; i -= i & -i)
            {
                wAt += _weight[i];
                sAt += _sum[i];
            }

            return (median * wAt) - sAt + (_totalSum - sAt) - (median * (_totalWeight - wAt));
        }
    }

    /// <summary>Growable node arrays.</summary>
    private sealed class NodeList(int valueWidth)
    {
        private int _count;
        private int[] _left = new int[64];
        private int[] _right = new int[64];
        private int[] _feature = new int[64];
        private double[] _threshold = new double[64];
        private double[] _impurity = new double[64];
        private int[] _samples = new int[64];
        private double[] _weighted = new double[64];
        private double[] _value = new double[64 * valueWidth];

        public int Add(int parent, bool isLeft, int feature, double threshold, double impurity, int samples, double weighted, ReadOnlySpan<double> value)
        {
            if (_count == _left.Length)
            {
                int size = _count * 2;
                Array.Resize(ref _left, size);
                Array.Resize(ref _right, size);
                Array.Resize(ref _feature, size);
                Array.Resize(ref _threshold, size);
                Array.Resize(ref _impurity, size);
                Array.Resize(ref _samples, size);
                Array.Resize(ref _weighted, size);
                Array.Resize(ref _value, size * valueWidth);
            }

            int id = _count++;
            _left[id] = -1;
            _right[id] = -1;
            _feature[id] = feature;
            _threshold[id] = threshold;
            _impurity[id] = impurity;
            _samples[id] = samples;
            _weighted[id] = weighted;
            value.CopyTo(_value.AsSpan(id * valueWidth, valueWidth));
            if (parent >= 0)
            {
                if (isLeft)
                {
                    _left[parent] = id;
                }
                else
                {
                    _right[parent] = id;
                }
            }

            return id;
        }

        public void MakeLeaf(int node)
        {
            _left[node] = -1;
            _right[node] = -1;
            _feature[node] = -1;
            _threshold[node] = -2;
        }

        public TreeStructure ToStructure() => new(
            _left[.._count], _right[.._count], _feature[.._count], _threshold[.._count], _impurity[.._count], _samples[.._count], _weighted[.._count], _value[..(_count * valueWidth)], valueWidth);
    }
}
