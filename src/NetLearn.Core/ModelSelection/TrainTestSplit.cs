using System.Globalization;
using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.ModelSelection;

/// <summary>The result of <see cref="TrainTestSplit.Split(Table, Column, double, int?, bool)"/>.</summary>
/// <param name="XTrain">Training features.</param>
/// <param name="XTest">Test features.</param>
/// <param name="YTrain">Training target.</param>
/// <param name="YTest">Test target.</param>
/// <param name="TrainRows">Row indices of the training part, in the original table.</param>
/// <param name="TestRows">Row indices of the test part.</param>
public sealed record TrainTestSplitResult(Table XTrain, Table XTest, Column YTrain, Column YTest, int[] TrainRows, int[] TestRows);

/// <summary>Splits data into training and test parts (scikit-learn's <c>train_test_split</c>).</summary>
public static class TrainTestSplit
{
    /// <summary>
    /// Shuffles (with <paramref name="seed"/>, so a fixed seed gives the same split every time) and splits features and
    /// target. The test part has ⌈testSize·n⌉ rows. With <paramref name="stratify"/>, each class of the target keeps its
    /// proportion in both parts (largest-remainder allocation).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testSize"/> is not in (0, 1).</exception>
    /// <exception cref="DataValidationException">Too few rows for a non-empty training and test part, or a class too small to stratify.</exception>
    public static TrainTestSplitResult Split(Table features, Column target, double testSize = 0.25, int? seed = null, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length != features.RowCount)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The target has {target.Length} rows but the features have {features.RowCount}"), column: target.Name);
        }

        var (train, test) = Indices(features.RowCount, testSize, seed, stratify ? target : null);
        return new TrainTestSplitResult(features.Take(train), features.Take(test), target.Take(train), target.Take(test), train, test);
    }

    /// <summary>Splits a whole table (features and target together) into training and test rows.</summary>
    public static (Table Train, Table Test) Split(Table data, double testSize = 0.25, int? seed = null, string? stratifyColumn = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (train, test) = Indices(data.RowCount, testSize, seed, stratifyColumn is null ? null : data[stratifyColumn]);
        return (data.Take(train), data.Take(test));
    }

    /// <summary>The shuffled training and test row indices.</summary>
    public static (int[] Train, int[] Test) Indices(int rows, double testSize, int? seed, Column? stratifyBy = null)
    {
        if (!(testSize > 0 && testSize < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSize), testSize, "test_size must be between 0 and 1 (exclusive), for example 0.2.");
        }

        int nTest = (int)Math.Ceiling(testSize * rows);
        if (nTest < 1 || rows - nTest < 1)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Cannot split {rows} rows with test_size={testSize}: both parts need at least one row. Use more data or another test size"));
        }

        var random = seed is { } s ? new Random(s) : new Random();
        if (stratifyBy is null)
        {
            int[] order = Enumerable.Range(0, rows).ToArray();
            random.Shuffle(order);
            return (Sorted(order[nTest..]), Sorted(order[..nTest]));
        }

        return Stratified(stratifyBy, nTest, random);
    }

    private static (int[] Train, int[] Test) Stratified(Column y, int nTest, Random random)
    {
        var labels = ClassLabels.FromTarget(y);
        int[] codes = labels.Encode(y);
        var byClass = Enumerable.Range(0, labels.Count).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < codes.Length; i++)
        {
            byClass[codes[i]].Add(i);
        }

        foreach (var (members, k) in byClass.Select((m, k) => (m, k)))
        {
            if (members.Count < 2)
            {
                throw new DataValidationException($"Class '{labels.Classes.FormatValue(k)}' has only {members.Count} row; stratified splitting needs at least 2 per class. Remove the class or split without stratification", column: y.Name);
            }
        }

        // Largest-remainder allocation of the test rows to classes, proportional to class sizes.
        double[] exact = [.. byClass.Select(m => (double)m.Count * nTest / y.Length)];
        int[] take = [.. exact.Select(e => (int)Math.Floor(e))];
        int left = nTest - take.Sum();
        foreach (int k in Enumerable.Range(0, take.Length).OrderByDescending(k => exact[k] - take[k]).ThenBy(k => k).Take(left))
        {
            take[k]++;
        }

        var train = new List<int>();
        var test = new List<int>();
        for (int k = 0; k < byClass.Length; k++)
        {
            int[] members = [.. byClass[k]];
            random.Shuffle(members);
            int count = Math.Clamp(take[k], 1, members.Length - 1);
            test.AddRange(members[..count]);
            train.AddRange(members[count..]);
        }

        return (Sorted([.. train]), Sorted([.. test]));
    }

    // Rows keep their original order within each part, so a split is easy to read and compare.
    private static int[] Sorted(int[] rows)
    {
        Array.Sort(rows);
        return rows;
    }
}
