using System.Runtime.CompilerServices;

namespace NetLearn.Boosting;

/// <summary>
/// Grows one gradient-boosting tree on binned features, best-first (leaf-wise), as LightGBM (Ke et al., <i>LightGBM: A
/// Highly Efficient Gradient Boosting Decision Tree</i>, NeurIPS 2017) and scikit-learn's <c>TreeGrower</c> do: each node
/// has a histogram of gradient and hessian sums per bin; the smaller child's histogram is built from its rows and the
/// larger one's is the parent's minus it. A split's gain is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) (Chen and Guestrin,
/// <i>XGBoost</i>, 2016); missing values are tried on both sides; categorical features are split by sorting their
/// categories by G/(H + smoothing) and scanning the order (Fisher 1958, as LightGBM and scikit-learn do).
/// Leaves get −G/(H+λ) times the learning rate.
/// </summary>
internal sealed class HistGrower
{
    private const int Bins = HistKernels.Bins;
    private const double MinHessianToSplit = 1e-3;
    private const double LeafHessianEpsilon = 1e-15;
    private const int MinCategorySupport = 10;
    private const double CategorySmoothing = 10.0;
    private const int MaxCategoryThreshold = 32;

    // Below this many rows a node's histogram is built by one thread (a parallel step costs a few microseconds).
    private const int MinRowsPerParallelHistogram = 1024;

    // Below this many bins (all features together) a node's split search is done by one thread: measured on bird
    // strikes (9 features, ~500 bins) the hand-off cost more than it saved, on 20 × 255 bins it paid.
    private const int MinBinsPerParallelSplitSearch = 2048;

    private readonly byte[] _bins;
    private readonly int _n;
    private readonly int _p;
    private readonly int[] _binCount;
    private readonly bool[] _categorical;
    private readonly GrowerSettings _s;
    private readonly Stack<HistBin[]> _pool = new();
    private readonly int[] _buffer;
    private readonly double[] _ordered;
    private readonly HistTeam _team;
    private readonly SplitInfo[] _best;
    private readonly byte[] _goesLeft = new byte[Bins];
    private readonly int _splitParts;

    public HistGrower(byte[] bins, int rows, int features, int[] binCount, bool[] categorical, GrowerSettings settings, HistTeam team)
    {
        _bins = bins;
        _n = rows;
        _p = features;
        _binCount = binCount;
        _categorical = categorical;
        _s = settings;
        _buffer = new int[rows];
        _ordered = new double[2 * rows];
        _team = team;
        _best = new SplitInfo[features];
        _splitParts = binCount.Sum() >= MinBinsPerParallelSplitSearch ? Math.Min(team.Size, features) : 1;
    }

    /// <summary>
    /// Grows a tree on the rows in <paramref name="index"/> (reordered in place) with per-row gradient and hessian pairs
    /// packed in <paramref name="gh"/> (gradient of row i at 2i, hessian at 2i+1); adds the shrunk leaf values to
    /// <paramref name="raw"/> (stride <paramref name="rawStride"/>, offset <paramref name="rawOffset"/>).
    /// </summary>
    public HistTree Grow(int[] index, int count, double[] gh, double[] raw, int rawStride, int rawOffset)
    {
        var nodes = new List<Node>();
        var root = new Node { Start = 0, End = count, Depth = 0 };
        double g = 0, h = 0;
        for (int i = 0; i < count; i++)
        {
            g += gh[2 * index[i]];
            h += gh[(2 * index[i]) + 1];
        }

        root.SumG = g;
        root.SumH = h;
        root.Histogram = Rent();
        BuildHistogram(root, index, gh);
        nodes.Add(root);
        FindSplit(root);
        var frontier = new PriorityQueue<int, (double, int)>();
        if (root.Split.Gain > 0)
        {
            frontier.Enqueue(0, (-root.Split.Gain, 0));
        }

        int leaves = 1, maxLeaves = _s.MaxLeafNodes ?? int.MaxValue;
        while (frontier.Count > 0 && leaves < maxLeaves)
        {
            int id = frontier.Dequeue();
            var node = nodes[id];
            var (left, right) = SplitNode(node, index, gh);
            node.LeftChild = nodes.Count;
            nodes.Add(left);
            node.RightChild = nodes.Count;
            nodes.Add(right);
            leaves++;
            foreach (var child in new[] { left, right })
            {
                if (child.Histogram is not null)
                {
                    FindSplit(child);
                    if (child.Split.Gain > 0)
                    {
                        int childId = ReferenceEquals(child, left) ? node.LeftChild : node.RightChild;
                        frontier.Enqueue(childId, (-child.Split.Gain, childId));
                    }
                }
            }

            Return(node);
        }

        foreach (var node in nodes)
        {
            Return(node);
        }

        return Finish(nodes, index, raw, rawStride, rawOffset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private HistTree Finish(List<Node> nodes, int[] index, double[] raw, int rawStride, int rawOffset)
    {
        int m = nodes.Count;
        var left = new int[m];
        var right = new int[m];
        var feature = new int[m];
        var threshold = new double[m];
        var binThreshold = new int[m];
        var missingLeft = new bool[m];
        var categorical = new bool[m];
        var bits = new ulong[m * 4];
        var value = new double[m];
        for (int i = 0; i < m; i++)
        {
            var node = nodes[i];
            if (node.LeftChild < 0)
            {
                left[i] = right[i] = -1;
                feature[i] = -1;
                // scikit-learn's compute_node_value: −G/(H + λ + 1e-15). The 1e-15 keeps a leaf finite when every row in
                // it has a zero hessian (a class whose probability underflowed to 0 in softmax): 0/0 would be NaN and
                // −1/0 an infinite score, after which every later softmax of those rows is NaN.
                double v = -_s.LearningRate * node.SumG / (node.SumH + _s.L2 + LeafHessianEpsilon);
                value[i] = v;
                for (int k = node.Start; k < node.End; k++)
                {
                    raw[(index[k] * rawStride) + rawOffset] += v;
                }

                continue;
            }

            var split = node.Split;
            left[i] = node.LeftChild;
            right[i] = node.RightChild;
            feature[i] = split.Feature;
            binThreshold[i] = split.Bin;
            threshold[i] = split.Categorical ? double.NaN : _s.BinEdge(split.Feature, split.Bin);
            missingLeft[i] = split.MissingLeft;
            categorical[i] = split.Categorical;
            if (split.Categorical)
            {
                split.LeftCategories!.CopyTo(bits, i * 4);
            }
        }

        return new HistTree(left, right, feature, threshold, binThreshold, missingLeft, categorical, bits, value);
    }

    private HistBin[] Rent() => _pool.Count > 0 ? _pool.Pop() : new HistBin[_p * Bins];

    private void Return(Node node)
    {
        if (node.Histogram is { } h)
        {
            _pool.Push(h);
            node.Histogram = null;
        }
    }

    private void BuildHistogram(Node node, int[] index, double[] gh)
    {
        var hist = node.Histogram!;
        HistKernels.Clear(hist, _binCount);
        var rows = index.AsSpan(node.Start, node.End - node.Start);

        // Ordered gradients: one gather per node, then every feature reads them sequentially.
        HistKernels.Gather(rows, gh, _ordered);
        int parts = rows.Length >= MinRowsPerParallelHistogram ? Math.Min(_team.Size, (_p + 3) / 4) : 1;
        if (parts <= 1)
        {
            HistKernels.Accumulate(_bins, _n, rows, _ordered, hist, 0, _p);
            return;
        }

        // Contiguous feature ranges, one per thread: each histogram entry is written by one thread only, so the
        // result is the same for any thread count.
        int start = node.Start, count = rows.Length;
        _team.Run(parts, t =>
        {
            int first = (int)((long)_p * t / parts), last = (int)((long)_p * (t + 1) / parts);
            HistKernels.Accumulate(_bins, _n, index.AsSpan(start, count), _ordered, hist, first, last);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (Node Left, Node Right) SplitNode(Node node, int[] index, double[] gh)
    {
        var split = node.Split;
        var column = _bins.AsSpan(split.Feature * _n, _n);

        // Stable partition: left rows keep their order at the front, right rows follow in order. Branch-free: every
        // row is written to both sides and only the side it belongs to advances (the direction comes from a 256-entry
        // table, so numeric, categorical and missing bins cost the same and nothing is mispredicted).
        var goesLeft = _goesLeft;
        for (int b = 0; b < Bins; b++)
        {
            goesLeft[b] = GoesLeft(split, b) ? (byte)1 : (byte)0;
        }

        int write = node.Start, spill = 0;
        var buffer = _buffer;
        for (int i = node.Start; i < node.End; i++)
        {
            int s = index[i];
            int isLeft = goesLeft[column[s]];
            index[write] = s;
            buffer[spill] = s;
            write += isLeft;
            spill += 1 - isLeft;
        }

        Array.Copy(_buffer, 0, index, write, spill);
        var left = new Node { Start = node.Start, End = write, Depth = node.Depth + 1, SumG = split.LeftG, SumH = split.LeftH };
        var right = new Node { Start = write, End = node.End, Depth = node.Depth + 1, SumG = node.SumG - split.LeftG, SumH = node.SumH - split.LeftH };
        bool leftSplittable = Splittable(left), rightSplittable = Splittable(right);
        if (leftSplittable || rightSplittable)
        {
            // Build the smaller child's histogram; the larger one is the parent's minus it (reusing the parent's array).
            var (small, large) = left.Count <= right.Count ? (left, right) : (right, left);
            small.Histogram = Rent();
            BuildHistogram(small, index, gh);
            var parent = node.Histogram!;
            node.Histogram = null;
            HistKernels.Subtract(parent, small.Histogram, _binCount);

            large.Histogram = parent;
            if (!Splittable(small))
            {
                Return(small);
            }

            if (!Splittable(large))
            {
                Return(large);
            }
        }

        return (left, right);
    }

    private bool Splittable(Node node) =>
        node.Count >= 2 * _s.MinSamplesLeaf && node.Depth < (_s.MaxDepth ?? int.MaxValue) && node.SumH >= 2 * MinHessianToSplit;

    private static bool GoesLeft(in SplitInfo split, int bin) =>
        bin == HistBinner.MissingBin
            ? split.MissingLeft
            : split.Categorical
                ? (split.LeftCategories![bin >> 6] & (1UL << (bin & 63))) != 0
                : bin <= split.Bin;

    private void FindSplit(Node node)
    {
        node.Split = new SplitInfo { Gain = 0, Feature = -1 };
        if (!Splittable(node))
        {
            return;
        }

        var best = _best;
        // A node's split search costs O(features × bins), microseconds: split between the team's threads by
        // contiguous feature ranges when there are enough bins to pay for the hand-off.
        int parts = _splitParts;
        _team.Run(parts, t =>
        {
            for (int f = (int)((long)_p * t / parts), last = (int)((long)_p * (t + 1) / parts); f < last; f++)
            {
                best[f] = !_categorical[f] ? BestNumeric(node, f) : _s.OneVsRest ? BestOneVsRest(node, f) : BestCategorical(node, f);
            }
        });

        // Deterministic choice: the largest gain, the lowest feature on ties.
        var chosen = node.Split;
        foreach (var candidate in best)
        {
            if (candidate.Gain > chosen.Gain)
            {
                chosen = candidate;
            }
        }

        node.Split = chosen;
    }

    private double Score(double g, double h) => g * g / (h + _s.L2);

    private bool ChildrenOk(int leftCount, double leftH, int rightCount, double rightH) =>
        leftCount >= _s.MinSamplesLeaf && rightCount >= _s.MinSamplesLeaf && leftH >= MinHessianToSplit && rightH >= MinHessianToSplit;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SplitInfo BestNumeric(Node node, int f)
    {
        var hist = node.Histogram.AsSpan(f * Bins, Bins);
        int nb = _binCount[f];
        var missing = hist[HistBinner.MissingBin];
        bool hasMissing = missing.Count > 0;
        double parent = Score(node.SumG, node.SumH);
        var best = new SplitInfo { Gain = 0, Feature = -1 };

        // Missing values go right: left = bins 0..b (b = nb-1 separates present from missing).
        double gl = 0, hl = 0;
        int cl = 0;
        int end = nb - 1 + (hasMissing ? 1 : 0);
        for (int b = 0; b < end; b++)
        {
            gl += hist[b].G;
            hl += hist[b].H;
            cl += hist[b].Count;
            int cr = node.Count - cl;
            double hr = node.SumH - hl;
            if (!ChildrenOk(cl, hl, cr, hr))
            {
                continue;
            }

            double gain = Score(gl, hl) + Score(node.SumG - gl, hr) - parent;
            if (gain > best.Gain)
            {
                best = new SplitInfo { Gain = gain, Feature = f, Bin = b, MissingLeft = false, LeftG = gl, LeftH = hl, LeftCount = cl };
            }
        }

        if (hasMissing)
        {
            // Missing values go left: right = bins b+1..nb-1.
            double gr = 0, hr = 0;
            int cr = 0;
            for (int b = nb - 2; b >= 0; b--)
            {
                gr += hist[b + 1].G;
                hr += hist[b + 1].H;
                cr += hist[b + 1].Count;
                int leftCount = node.Count - cr;
                double leftH = node.SumH - hr;
                if (!ChildrenOk(leftCount, leftH, cr, hr))
                {
                    continue;
                }

                double gain = Score(node.SumG - gr, leftH) + Score(gr, hr) - parent;
                if (gain > best.Gain)
                {
                    best = new SplitInfo { Gain = gain, Feature = f, Bin = b, MissingLeft = true, LeftG = node.SumG - gr, LeftH = leftH, LeftCount = leftCount };
                }
            }
        }

        return best;
    }

    // Categories in the scan order: G/(H + smoothing), ties by bin (a total order, so any sort gives the same order).
    private static readonly Comparison<(double Key, int Bin)> CategoryOrder = (a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Bin.CompareTo(b.Bin);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SplitInfo BestCategorical(Node node, int f)
    {
        var hist = node.Histogram.AsSpan(f * Bins, Bins);
        int nb = _binCount[f];
        Span<(double Key, int Bin)> order = stackalloc (double Key, int Bin)[Bins];
        int m = 0;
        for (int b = 0; b < nb; b++)
        {
            if (hist[b].Count >= MinCategorySupport)
            {
                order[m++] = (hist[b].G / (hist[b].H + CategorySmoothing), b);
            }
        }

        // Missing values are a category of their own.
        if (hist[HistBinner.MissingBin].Count >= MinCategorySupport)
        {
            var missing = hist[HistBinner.MissingBin];
            order[m++] = (missing.G / (missing.H + CategorySmoothing), HistBinner.MissingBin);
        }

        var best = new SplitInfo { Gain = 0, Feature = -1 };
        if (m < 2)
        {
            return best;
        }

        order = order[..m];
        order.Sort(CategoryOrder);
        double parent = Score(node.SumG, node.SumH);
        int limit = Math.Min(MaxCategoryThreshold, (m + 1) / 2);
        int bestCount = 0, bestDirection = 0;

        // LightGBM's optional regularisation of categorical splits (feature_histogram.hpp, FindBestThresholdCategorical):
        // the children are scored with λ + cat_l2 against the parent's λ, and a candidate is only evaluated once the
        // categories added since the last candidate hold min_data_per_group rows (and the right side keeps as many).
        // With the defaults (0 and 1) this is scikit-learn 1.2's search exactly.
        double childL2 = _s.L2 + _s.CatL2;
        int minGroup = _s.MinDataPerGroup;
        for (int direction = 0; direction < 2; direction++)
        {
            double gl = 0, hl = 0;
            int cl = 0, group = 0;
            for (int k = 0; k < limit; k++)
            {
                int b = order[direction == 0 ? k : m - 1 - k].Bin;
                gl += hist[b].G;
                hl += hist[b].H;
                cl += hist[b].Count;
                group += hist[b].Count;
                int cr = node.Count - cl;
                double hr = node.SumH - hl;
                if (!ChildrenOk(cl, hl, cr, hr) || group < minGroup)
                {
                    continue;
                }

                if (cr < minGroup)
                {
                    break;
                }

                group = 0;
                double gr = node.SumG - gl;
                double gain = (gl * gl / (hl + childL2)) + (gr * gr / (hr + childL2)) - parent;
                if (gain > best.Gain)
                {
                    best = new SplitInfo { Gain = gain, Feature = f, Categorical = true, LeftG = gl, LeftH = hl, LeftCount = cl };
                    bestCount = k + 1;
                    bestDirection = direction;
                }
            }
        }

        if (best.Feature >= 0)
        {
            // The categories sent left: the first bestCount of the scan order in the winning direction.
            var bits = new ulong[4];
            for (int j = 0; j < bestCount; j++)
            {
                int c = order[bestDirection == 0 ? j : m - 1 - j].Bin;
                if (c == HistBinner.MissingBin)
                {
                    best.MissingLeft = true;
                }
                else
                {
                    bits[c >> 6] |= 1UL << (c & 63);
                }
            }

            best.LeftCategories = bits;
        }

        return best;
    }

    // One category (the missing values counting as one) against all others: the partitions a one-hot encoding offers,
    // so every category with enough rows is a candidate and no G/H order is needed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SplitInfo BestOneVsRest(Node node, int f)
    {
        var hist = node.Histogram.AsSpan(f * Bins, Bins);
        int nb = _binCount[f];
        double parent = Score(node.SumG, node.SumH);
        var best = new SplitInfo { Gain = 0, Feature = -1 };
        int bestBin = -1;
        for (int b = 0; b <= nb; b++)
        {
            int bin = b == nb ? HistBinner.MissingBin : b;
            var left = hist[bin];
            int cr = node.Count - left.Count;
            double hr = node.SumH - left.H;
            if (!ChildrenOk(left.Count, left.H, cr, hr))
            {
                continue;
            }

            double gain = Score(left.G, left.H) + Score(node.SumG - left.G, hr) - parent;
            if (gain > best.Gain)
            {
                best = new SplitInfo { Gain = gain, Feature = f, Categorical = true, LeftG = left.G, LeftH = left.H, LeftCount = left.Count };
                bestBin = bin;
            }
        }

        if (best.Feature >= 0)
        {
            var bits = new ulong[4];
            if (bestBin == HistBinner.MissingBin)
            {
                best.MissingLeft = true;
            }
            else
            {
                bits[bestBin >> 6] |= 1UL << (bestBin & 63);
            }

            best.LeftCategories = bits;
        }

        return best;
    }

    private struct SplitInfo
    {
        public double Gain;
        public int Feature;
        public int Bin;
        public bool MissingLeft;
        public bool Categorical;
        public ulong[]? LeftCategories;
        public double LeftG;
        public double LeftH;
        public int LeftCount;
    }

    private sealed class Node
    {
        public int Start;
        public int End;
        public int Depth;
        public double SumG;
        public double SumH;
        public HistBin[]? Histogram;
        public SplitInfo Split;
        public int LeftChild = -1;
        public int RightChild = -1;

        public int Count => End - Start;
    }
}

/// <summary>Settings of one boosting tree.</summary>
internal sealed record GrowerSettings(double LearningRate, int? MaxLeafNodes, int? MaxDepth, int MinSamplesLeaf, double L2, int Threads, Func<int, int, double> BinEdge)
{
    /// <summary>Extra L2 penalty on the children of a categorical split (LightGBM's <c>cat_l2</c>; 0 = scikit-learn).</summary>
    public double CatL2 { get; init; }

    /// <summary>Rows each group of categories added to a side must bring (LightGBM's <c>min_data_per_group</c>; 1 = scikit-learn).</summary>
    public int MinDataPerGroup { get; init; } = 1;

    /// <summary>Categorical splits send one category left and the rest right (<see cref="HistCategoricalSplit.OneVsRest"/>).</summary>
    public bool OneVsRest { get; init; }
}
