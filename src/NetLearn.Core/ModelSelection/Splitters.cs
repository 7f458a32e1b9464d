using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.ModelSelection;

/// <summary>One cross-validation split: the row indices to fit on and to score on.</summary>
/// <param name="Train">Training rows, ascending.</param>
/// <param name="Test">Test rows, ascending.</param>
public sealed record Fold(int[] Train, int[] Test);

/// <summary>
/// A cross-validation splitter (scikit-learn's <c>KFold</c>, <c>StratifiedKFold</c>, ...). Splitters are immutable; a
/// seeded splitter gives the same folds every time.
/// </summary>
public interface ICrossValidator
{
    /// <summary>Number of splits <see cref="Split"/> yields for this data.</summary>
    int SplitCount(int rows, Column? target = null, Column? groups = null);

    /// <summary>The splits of <paramref name="rows"/> rows; stratified splitters need <paramref name="target"/>, group splitters <paramref name="groups"/>.</summary>
    /// <exception cref="DataValidationException">The data cannot be split this way (too few rows, classes or groups); the message says what to change.</exception>
    IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null);
}

/// <summary>Shared checks and helpers of the splitters.</summary>
internal static class SplitHelpers
{
    public static void CheckSplits(int splits, string parameter = "n_splits")
    {
        if (splits < 2)
        {
            throw new HyperparameterException(parameter, string.Create(CultureInfo.InvariantCulture, $"must be at least 2 (got {splits})"));
        }
    }

    public static void CheckRows(int rows, int splits, string what = "rows")
    {
        if (splits > rows)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Cannot make {splits} folds from {rows} {what}. Use fewer folds or more data"));
        }
    }

    public static Column Require(Column? column, int rows, string what, string splitter)
    {
        if (column is null)
        {
            throw new ArgumentException($"{splitter} needs the {what} (pass it to Split).", what);
        }

        if (column.Length != rows)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The {what} column has {column.Length} rows but the data have {rows}"), column: column.Name);
        }

        return column;
    }

    /// <summary>Codes of a label or group column in np.unique order (sorted), and the number of distinct values.</summary>
    public static (int[] Codes, int Count, Column Labels) Encode(Column column)
    {
        var labels = ClassLabels.FromTarget(column);
        return (labels.Encode(column), labels.Count, labels.Classes);
    }

    public static Fold FromTestMask(int rows, IEnumerable<int> test)
    {
        var isTest = new bool[rows];
        foreach (int i in test)
        {
            isTest[i] = true;
        }

        var train = new List<int>(rows);
        var testRows = new List<int>();
        for (int i = 0; i < rows; i++)
        {
            (isTest[i] ? testRows : train).Add(i);
        }

        return new Fold([.. train], [.. testRows]);
    }

    /// <summary>NumPy's generator as scikit-learn's <c>check_random_state(random_state)</c> makes it, so shuffled folds match scikit-learn's.</summary>
    public static NumPyRandomState Random(int? seed) => NumPyRandomState.For(seed);
}

/// <summary>
/// K consecutive folds (scikit-learn's <c>KFold</c>): the first n mod k folds have one extra row. Without shuffling the
/// folds are identical to scikit-learn's; with <see cref="Shuffle"/> the rows are permuted first by NumPy's generator
/// seeded with <see cref="Seed"/>, so the folds are scikit-learn's for <c>random_state=Seed</c> too.
/// </summary>
/// <param name="Splits">Number of folds (at least 2).</param>
/// <param name="Shuffle">Whether to shuffle rows before splitting.</param>
/// <param name="Seed">Seed of the shuffle.</param>
public sealed record KFold(int Splits = 5, bool Shuffle = false, int? Seed = null) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckSplits(Splits);
        SplitHelpers.CheckRows(rows, Splits);
        int[] order = [.. Enumerable.Range(0, rows)];
        if (Shuffle)
        {
            SplitHelpers.Random(Seed).Shuffle<int>(order);
        }

        return Consecutive(order, Splits);
    }

    internal static IEnumerable<Fold> Consecutive(int[] order, int splits)
    {
        int rows = order.Length;
        int start = 0;
        for (int f = 0; f < splits; f++)
        {
            int size = (rows / splits) + (f < rows % splits ? 1 : 0);
            yield return SplitHelpers.FromTestMask(rows, order[start..(start + size)]);
            start += size;
        }
    }
}

/// <summary>
/// Stratified K folds (scikit-learn 1.2's <c>StratifiedKFold</c>): each class's rows are dealt to the folds so that every
/// fold keeps the class proportions. The folds are identical to scikit-learn's, shuffled or not (with shuffling, the
/// per-class fold assignment is permuted by NumPy's generator seeded with <see cref="Seed"/>).
/// </summary>
/// <param name="Splits">Number of folds (at least 2).</param>
/// <param name="Shuffle">Whether to shuffle each class's rows.</param>
/// <param name="Seed">Seed of the shuffle.</param>
public sealed record StratifiedKFold(int Splits = 5, bool Shuffle = false, int? Seed = null) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckSplits(Splits);
        var y = SplitHelpers.Require(target, rows, "target", nameof(StratifiedKFold));
        int[] testFold = TestFolds(y, Splits, Shuffle ? SplitHelpers.Random(Seed) : null);
        for (int f = 0; f < Splits; f++)
        {
            int fold = f;
            yield return SplitHelpers.FromTestMask(rows, Enumerable.Range(0, rows).Where(i => testFold[i] == fold));
        }
    }

    /// <summary>The test fold of every row (scikit-learn's <c>_make_test_folds</c>).</summary>
    internal static int[] TestFolds(Column y, int splits, NumPyRandomState? shuffle)
    {
        var (sortedCodes, classCount, _) = SplitHelpers.Encode(y);

        // Classes are numbered in order of first appearance, as scikit-learn does.
        var firstSeen = new int[classCount];
        Array.Fill(firstSeen, -1);
        var appearance = new List<int>();
        foreach (int c in sortedCodes)
        {
            if (firstSeen[c] < 0)
            {
                firstSeen[c] = appearance.Count;
                appearance.Add(c);
            }
        }

        int[] codes = [.. sortedCodes.Select(c => firstSeen[c])];
        var counts = new int[classCount];
        foreach (int c in codes)
        {
            counts[c]++;
        }

        if (counts.All(c => c < splits))
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"n_splits={splits} is greater than the number of rows of every class (largest {counts.Max()}). Use fewer folds"), column: y.Name);
        }

        // Deal the rows, sorted by class, round-robin to the folds: allocation[f, c] rows of class c go to fold f.
        int[] sorted = [.. codes.Order()];
        var allocation = new int[splits, classCount];
        for (int i = 0; i < sorted.Length; i++)
        {
            allocation[i % splits, sorted[i]]++;
        }

        var testFold = new int[codes.Length];
        for (int c = 0; c < classCount; c++)
        {
            var folds = new List<int>();
            for (int f = 0; f < splits; f++)
            {
                folds.AddRange(Enumerable.Repeat(f, allocation[f, c]));
            }

            int[] foldsForClass = [.. folds];
            shuffle?.Shuffle<int>(foldsForClass);
            int next = 0;
            for (int i = 0; i < codes.Length; i++)
            {
                if (codes[i] == c)
                {
                    testFold[i] = foldsForClass[next++];
                }
            }
        }

        return testFold;
    }
}

/// <summary>
/// K folds with non-overlapping groups (scikit-learn 1.2's <c>GroupKFold</c>): the largest groups first, each to the fold
/// with the fewest rows so far. Identical to scikit-learn's folds when group sizes are distinct or there are at most 16
/// groups (ties between equal-sized groups are taken in descending group order, what NumPy's sort does for small arrays).
/// </summary>
/// <param name="Splits">Number of folds (at least 2, at most the number of groups).</param>
public sealed record GroupKFold(int Splits = 5) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckSplits(Splits);
        var g = SplitHelpers.Require(groups, rows, "groups", nameof(GroupKFold));
        var (codes, count, _) = SplitHelpers.Encode(g);
        SplitHelpers.CheckRows(count, Splits, "groups");
        var sizes = new int[count];
        foreach (int c in codes)
        {
            sizes[c]++;
        }

        // Stable ascending sort, reversed: largest first, ties in descending group order.
        int[] byDescendingSize = [.. Enumerable.Range(0, count).OrderBy(i => sizes[i]).Reverse()];
        var foldRows = new long[Splits];
        var groupFold = new int[count];
        foreach (int group in byDescendingSize)
        {
            int lightest = 0;
            for (int f = 1; f < Splits; f++)
            {
                if (foldRows[f] < foldRows[lightest])
                {
                    lightest = f;
                }
            }

            foldRows[lightest] += sizes[group];
            groupFold[group] = lightest;
        }

        for (int f = 0; f < Splits; f++)
        {
            int fold = f;
            yield return SplitHelpers.FromTestMask(rows, Enumerable.Range(0, rows).Where(i => groupFold[codes[i]] == fold));
        }
    }
}

/// <summary>
/// Stratified folds with non-overlapping groups (scikit-learn 1.2's <c>StratifiedGroupKFold</c>): groups sorted by the
/// spread of their class counts go one by one to the fold that keeps the class distribution most even. Without
/// shuffling, identical to scikit-learn's folds.
/// </summary>
/// <param name="Splits">Number of folds (at least 2).</param>
/// <param name="Shuffle">Whether to shuffle the groups first (NumPy's generator, as scikit-learn).</param>
/// <param name="Seed">Seed of the shuffle.</param>
public sealed record StratifiedGroupKFold(int Splits = 5, bool Shuffle = false, int? Seed = null) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckSplits(Splits);
        var y = SplitHelpers.Require(target, rows, "target", nameof(StratifiedGroupKFold));
        var g = SplitHelpers.Require(groups, rows, "groups", nameof(StratifiedGroupKFold));
        var (yCodes, classes, _) = SplitHelpers.Encode(y);
        var (gCodes, groupCount, _) = SplitHelpers.Encode(g);
        var classCounts = new double[classes];
        foreach (int c in yCodes)
        {
            classCounts[c]++;
        }

        if (classCounts.All(c => c < Splits))
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"n_splits={Splits} is greater than the number of rows of every class. Use fewer folds"), column: y.Name);
        }

        var perGroup = new double[groupCount][];
        for (int i = 0; i < groupCount; i++)
        {
            perGroup[i] = new double[classes];
        }

        for (int i = 0; i < rows; i++)
        {
            perGroup[gCodes[i]][yCodes[i]]++;
        }

        int[] groupOrder = [.. Enumerable.Range(0, groupCount)];
        if (Shuffle)
        {
            SplitHelpers.Random(Seed).Shuffle<int>(groupOrder);
        }

        // Largest spread of class counts first; a stable sort keeps the (shuffled) order among equals.
        int[] sortedGroups = [.. groupOrder.OrderBy(i => -Std(perGroup[i]))];
        var perFold = new double[Splits][];
        for (int f = 0; f < Splits; f++)
        {
            perFold[f] = new double[classes];
        }

        var groupFold = new int[groupCount];
        foreach (int group in sortedGroups)
        {
            int best = BestFold(perFold, classCounts, perGroup[group]);
            for (int c = 0; c < classes; c++)
            {
                perFold[best][c] += perGroup[group][c];
            }

            groupFold[group] = best;
        }

        for (int f = 0; f < Splits; f++)
        {
            int fold = f;
            yield return SplitHelpers.FromTestMask(rows, Enumerable.Range(0, rows).Where(i => groupFold[gCodes[i]] == fold));
        }
    }

    private int BestFold(double[][] perFold, double[] classCounts, double[] groupCounts)
    {
        int best = -1;
        double minEval = double.PositiveInfinity, minSamples = double.PositiveInfinity;
        int classes = classCounts.Length;
        var column = new double[Splits];
        for (int i = 0; i < Splits; i++)
        {
            double eval = 0;
            for (int c = 0; c < classes; c++)
            {
                for (int f = 0; f < Splits; f++)
                {
                    column[f] = (perFold[f][c] + (f == i ? groupCounts[c] : 0)) / classCounts[c];
                }

                eval += Std(column);
            }

            eval /= classes;
            double samples = perFold[i].Sum();
            bool isClose = Math.Abs(eval - minEval) <= 1e-8 + (1e-5 * Math.Abs(minEval));
            if (eval < minEval || (isClose && samples < minSamples))
            {
                minEval = eval;
                minSamples = samples;
                best = i;
            }
        }

        return best;
    }

    // Population standard deviation with sequential sums, as NumPy computes it for short vectors.
    private static double Std(double[] values)
    {
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double sum = 0;
        foreach (double v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return Math.Sqrt(sum / values.Length);
    }
}

/// <summary>K-fold repeated with different shuffles (scikit-learn's <c>RepeatedKFold</c>; the same folds for the same seed).</summary>
/// <param name="Splits">Folds per repetition.</param>
/// <param name="Repeats">Number of repetitions.</param>
/// <param name="Seed">Seed of the shuffles.</param>
public sealed record RepeatedKFold(int Splits = 5, int Repeats = 10, int? Seed = null) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits * Repeats;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckSplits(Splits);
        if (Repeats < 1)
        {
            throw new HyperparameterException("n_repeats", "must be at least 1");
        }

        SplitHelpers.CheckRows(rows, Splits);
        var random = SplitHelpers.Random(Seed);
        for (int r = 0; r < Repeats; r++)
        {
            int[] order = [.. Enumerable.Range(0, rows)];
            random.Shuffle<int>(order);
            foreach (var fold in KFold.Consecutive(order, Splits))
            {
                yield return fold;
            }
        }
    }
}

/// <summary>Stratified K-fold repeated with different shuffles (scikit-learn's <c>RepeatedStratifiedKFold</c>; the same folds for the same seed).</summary>
/// <param name="Splits">Folds per repetition.</param>
/// <param name="Repeats">Number of repetitions.</param>
/// <param name="Seed">Seed of the shuffles.</param>
public sealed record RepeatedStratifiedKFold(int Splits = 5, int Repeats = 10, int? Seed = null) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits * Repeats;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckSplits(Splits);
        if (Repeats < 1)
        {
            throw new HyperparameterException("n_repeats", "must be at least 1");
        }

        var y = SplitHelpers.Require(target, rows, "target", nameof(RepeatedStratifiedKFold));
        var random = SplitHelpers.Random(Seed);
        for (int r = 0; r < Repeats; r++)
        {
            int[] testFold = StratifiedKFold.TestFolds(y, Splits, random);
            for (int f = 0; f < Splits; f++)
            {
                int fold = f;
                yield return SplitHelpers.FromTestMask(rows, Enumerable.Range(0, rows).Where(i => testFold[i] == fold));
            }
        }
    }
}

/// <summary>
/// Independent random train/test splits (scikit-learn's <c>ShuffleSplit</c>): ⌈test_size·n⌉ test rows and the rest (or
/// ⌊train_size·n⌋) for training, per split; the same splits as scikit-learn's for the same seed.
/// </summary>
/// <param name="Splits">Number of splits.</param>
/// <param name="TestSize">Fraction of rows in each test part.</param>
/// <param name="TrainSize">Fraction of rows in each training part (null: all rows not in the test part).</param>
/// <param name="Seed">Seed.</param>
public sealed record ShuffleSplit(int Splits = 10, double TestSize = 0.1, double? TrainSize = null, int? Seed = null) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        var (nTrain, nTest) = Sizes(rows, TestSize, TrainSize);
        var random = SplitHelpers.Random(Seed);
        for (int s = 0; s < Splits; s++)
        {
            int[] order = [.. Enumerable.Range(0, rows)];
            random.Shuffle<int>(order);
            int[] test = order[..nTest];
            int[] train = order[nTest..(nTest + nTrain)];
            Array.Sort(test);
            Array.Sort(train);
            yield return new Fold(train, test);
        }
    }

    internal static (int Train, int Test) Sizes(int rows, double testSize, double? trainSize)
    {
        if (!(testSize > 0 && testSize < 1))
        {
            throw new HyperparameterException("test_size", string.Create(CultureInfo.InvariantCulture, $"must be between 0 and 1 (got {testSize})"));
        }

        int nTest = (int)Math.Ceiling(testSize * rows);
        int nTrain = trainSize is { } t ? (int)Math.Floor(t * rows) : rows - nTest;
        if (nTest < 1 || nTrain < 1 || nTrain + nTest > rows)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Cannot split {rows} rows into {nTrain} training and {nTest} test rows. Change test_size/train_size or use more data"));
        }

        return (nTrain, nTest);
    }
}

/// <summary>
/// Random splits that keep class proportions (scikit-learn's <c>StratifiedShuffleSplit</c>): the test and training
/// counts per class follow the class proportions (largest remainders, ties broken at random as scikit-learn does); the
/// same splits as scikit-learn's for the same seed.
/// </summary>
/// <param name="Splits">Number of splits.</param>
/// <param name="TestSize">Fraction of rows in each test part.</param>
/// <param name="TrainSize">Fraction in each training part (null: the rest).</param>
/// <param name="Seed">Seed.</param>
public sealed record StratifiedShuffleSplit(int Splits = 10, double TestSize = 0.1, double? TrainSize = null, int? Seed = null) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        var y = SplitHelpers.Require(target, rows, "target", nameof(StratifiedShuffleSplit));
        var (nTrain, nTest) = ShuffleSplit.Sizes(rows, TestSize, TrainSize);
        var (codes, classes, labels) = SplitHelpers.Encode(y);
        var members = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < rows; i++)
        {
            members[codes[i]].Add(i);
        }

        for (int c = 0; c < classes; c++)
        {
            if (members[c].Count < 2)
            {
                throw new DataValidationException($"Class '{labels.FormatValue(c)}' has only {members[c].Count} row; stratified splitting needs at least 2 per class", column: y.Name);
            }
        }

        if (nTest < classes || nTrain < classes)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The test ({nTest}) and training ({nTrain}) parts must each have at least one row per class ({classes} classes). Use a larger test_size"), column: y.Name);
        }

        int[] sizes = [.. members.Select(m => m.Count)];
        var random = SplitHelpers.Random(Seed);
        for (int s = 0; s < Splits; s++)
        {
            // scikit-learn's order of draws: both allocations, a permutation per class, then the two parts are
            // permuted (NetLearn returns them sorted, but the draws keep the generator in step for the next split).
            int[] trainCounts = ApproximateMode(sizes, nTrain, random);
            int[] left = [.. sizes.Select((size, c) => size - trainCounts[c])];
            int[] testCounts = ApproximateMode(left, nTest, random);
            var train = new List<int>(nTrain);
            var test = new List<int>(nTest);
            for (int c = 0; c < classes; c++)
            {
                int[] shuffled = [.. members[c]];
                random.Shuffle<int>(shuffled);
                train.AddRange(shuffled[..trainCounts[c]]);
                test.AddRange(shuffled[trainCounts[c]..(trainCounts[c] + testCounts[c])]);
            }

            random.Permutation(train.Count);
            random.Permutation(test.Count);
            train.Sort();
            test.Sort();
            yield return new Fold([.. train], [.. test]);
        }
    }

    /// <summary>
    /// Draws <paramref name="draws"/> of <c>sizes.Sum()</c> items proportionally to the class sizes (scikit-learn's
    /// <c>_approximate_mode</c>): floors, then one more for the largest remainders, equal remainders in random order.
    /// </summary>
    internal static int[] ApproximateMode(int[] sizes, int draws, NumPyRandomState random)
    {
        double total = sizes.Sum();
        double[] exact = [.. sizes.Select(size => size / total * draws)];
        int[] take = [.. exact.Select(e => (int)Math.Floor(e))];
        int needed = (int)(draws - take.Sum(t => (double)t));
        if (needed <= 0)
        {
            return take;
        }

        double[] remainder = [.. exact.Select((e, c) => e - Math.Floor(e))];
        foreach (double value in remainder.Distinct().OrderDescending())
        {
            int[] tied = [.. Enumerable.Range(0, remainder.Length).Where(c => remainder[c] == value)];
            int now = Math.Min(tied.Length, needed);

            // RandomState.choice(tied, now, replace=False) = tied[permutation(len(tied))[:now]].
            int[] order = random.Permutation(tied.Length);
            for (int k = 0; k < now; k++)
            {
                take[tied[order[k]]]++;
            }

            needed -= now;
            if (needed == 0)
            {
                break;
            }
        }

        return take;
    }
}

/// <summary>
/// Expanding-window splits for time-ordered rows (scikit-learn's <c>TimeSeriesSplit</c>): each test part follows its
/// training part; identical to scikit-learn's splits.
/// </summary>
/// <param name="Splits">Number of splits.</param>
/// <param name="MaxTrainSize">Most training rows (the latest ones) per split, or null for all earlier rows.</param>
/// <param name="TestSize">Rows per test part (null: n / (splits + 1)).</param>
/// <param name="Gap">Rows left out between the end of training and the test part.</param>
public sealed record TimeSeriesSplit(int Splits = 5, int? MaxTrainSize = null, int? TestSize = null, int Gap = 0) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => Splits;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckSplits(Splits);
        int folds = Splits + 1;
        int testSize = TestSize ?? (rows / folds);
        if (folds > rows)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Cannot make {folds} folds (n_splits + 1) from {rows} rows. Use fewer splits"));
        }

        if (rows - Gap - (testSize * Splits) <= 0)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Too many splits ({Splits}) for {rows} rows with test_size={testSize} and gap={Gap}. Use fewer splits, a smaller test size or gap"));
        }

        for (int testStart = rows - (Splits * testSize); testStart < rows; testStart += testSize)
        {
            int trainEnd = testStart - Gap;
            int trainStart = MaxTrainSize is { } max && max < trainEnd ? trainEnd - max : 0;
            yield return new Fold([.. Enumerable.Range(trainStart, trainEnd - trainStart)], [.. Enumerable.Range(testStart, Math.Min(testSize, rows - testStart))]);
        }
    }
}

/// <summary>Each row is the test part once (scikit-learn's <c>LeaveOneOut</c>).</summary>
public sealed record LeaveOneOut : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null) => rows;

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        SplitHelpers.CheckRows(rows, 2);
        for (int i = 0; i < rows; i++)
        {
            yield return SplitHelpers.FromTestMask(rows, [i]);
        }
    }
}

/// <summary>
/// Every combination of <see cref="Groups"/> groups is the test part once (scikit-learn's <c>LeavePGroupsOut</c>; with 1,
/// <c>LeaveOneGroupOut</c>). Combinations in lexicographic order of the sorted groups, as scikit-learn.
/// </summary>
/// <param name="Groups">Number of groups left out per split.</param>
public sealed record LeavePGroupsOut(int Groups = 1) : ICrossValidator
{
    /// <inheritdoc />
    public int SplitCount(int rows, Column? target = null, Column? groups = null)
    {
        var g = SplitHelpers.Require(groups, rows, "groups", nameof(LeavePGroupsOut));
        int n = SplitHelpers.Encode(g).Count;
        double count = 1;
        for (int i = 0; i < Groups; i++)
        {
            count = count * (n - i) / (i + 1);
        }

        return (int)Math.Round(count);
    }

    /// <inheritdoc />
    public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
    {
        if (Groups < 1)
        {
            throw new HyperparameterException("n_groups", "must be at least 1");
        }

        var g = SplitHelpers.Require(groups, rows, "groups", nameof(LeavePGroupsOut));
        var (codes, count, _) = SplitHelpers.Encode(g);
        if (count <= Groups)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Leaving {Groups} groups out needs more than {Groups} groups; the data have {count}"), column: g.Name);
        }

        int[] combination = [.. Enumerable.Range(0, Groups)];
        while (true)
        {
            var chosen = new HashSet<int>(combination);
            yield return SplitHelpers.FromTestMask(rows, Enumerable.Range(0, rows).Where(i => chosen.Contains(codes[i])));
            int k = Groups - 1;
            while (k >= 0 && combination[k] == count - Groups + k)
            {
                k--;
            }

            if (k < 0)
            {
                yield break;
            }

            combination[k]++;
            for (int j = k + 1; j < Groups; j++)
            {
                combination[j] = combination[j - 1] + 1;
            }
        }
    }
}
