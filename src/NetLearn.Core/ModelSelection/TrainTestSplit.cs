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
    /// proportion in both parts (largest-remainder allocation). The rows are scikit-learn's <c>train_test_split</c>'s
    /// for <c>random_state=seed</c> (NumPy's generator), returned in ascending order.
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

        if (stratifyBy is null)
        {
            // scikit-learn's ShuffleSplit: the first ⌈test_size·n⌉ rows of NumPy's permutation are the test part.
            int[] order = NumPyRandomState.For(seed).Permutation(rows);
            return (Sorted(order[nTest..]), Sorted(order[..nTest]));
        }

        // scikit-learn's train_test_split(stratify=y) is one StratifiedShuffleSplit.
        var fold = new StratifiedShuffleSplit(1, testSize, Seed: seed).Split(rows, stratifyBy).First();
        return (fold.Train, fold.Test);
    }

    // Rows keep their original order within each part, so a split is easy to read and compare.
    private static int[] Sorted(int[] rows)
    {
        Array.Sort(rows);
        return rows;
    }
}
