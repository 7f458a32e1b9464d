using NetLearn.Data;
using NetLearn.Estimators;

namespace NetLearn.FeatureSelection;

/// <summary>
/// Cross-validation folds as scikit-learn's <c>KFold</c> and <c>StratifiedKFold</c> make them without shuffling (the
/// first <c>n mod k</c> folds one row larger; stratified folds allocate each class's rows in order), or shuffled with a
/// seeded generator. Used by <see cref="Rfecv"/> and the target encoder's cross-fitting.
/// </summary>
public static class Folds
{
    /// <summary>The test rows of each fold: contiguous blocks (or blocks of a seeded permutation when <paramref name="seed"/> is given).</summary>
    public static int[][] KFold(int rows, int folds, int? seed = null)
    {
        Check(rows, folds);
        int[] order = [.. Enumerable.Range(0, rows)];
        if (seed is { } s)
        {
            new Random(s).Shuffle(order);
        }

        var result = new int[folds][];
        int start = 0;
        for (int f = 0; f < folds; f++)
        {
            int size = (rows / folds) + (f < rows % folds ? 1 : 0);
            result[f] = [.. order[start..(start + size)].Order()];
            start += size;
        }

        return result;
    }

    /// <summary>
    /// Stratified test folds (scikit-learn 1.2's allocation: the sorted labels are dealt round-robin to the folds, and
    /// each class's rows fill its folds in order; with <paramref name="seed"/> each class's fold assignment is shuffled).
    /// </summary>
    public static int[][] Stratified(Column labels, int folds, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int n = labels.Length;
        Check(n, folds);
        int[] y = ClassLabels.FromTarget(labels).Encode(labels);

        // Re-code classes by order of first appearance, as scikit-learn does before allocating.
        var firstSeen = new Dictionary<int, int>();
        foreach (int v in y)
        {
            firstSeen.TryAdd(v, firstSeen.Count);
        }

        int[] encoded = [.. y.Select(v => firstSeen[v])];
        int classes = firstSeen.Count;
        int[] counts = new int[classes];
        foreach (int v in encoded)
        {
            counts[v]++;
        }

        if (counts.Max() < folds)
        {
            throw new DataValidationException($"Every class has fewer rows than the {folds} folds. Use fewer folds", column: labels.Name);
        }

        int[] yOrder = [.. encoded.Order()];
        var allocation = new int[folds, classes];
        for (int f = 0; f < folds; f++)
        {
            for (int i = f; i < n; i += folds)
            {
                allocation[f, yOrder[i]]++;
            }
        }

        var testFold = new int[n];
        var rng = seed is { } s ? new Random(s) : null;
        for (int k = 0; k < classes; k++)
        {
            var assignment = new List<int>();
            for (int f = 0; f < folds; f++)
            {
                assignment.AddRange(Enumerable.Repeat(f, allocation[f, k]));
            }

            int[] forClass = [.. assignment];
            rng?.Shuffle(forClass);
            int t = 0;
            for (int i = 0; i < n; i++)
            {
                if (encoded[i] == k)
                {
                    testFold[i] = forClass[t++];
                }
            }
        }

        return [.. Enumerable.Range(0, folds).Select(f => Enumerable.Range(0, n).Where(i => testFold[i] == f).ToArray())];
    }

    /// <summary>The training rows complementing <paramref name="test"/>.</summary>
    public static int[] Complement(int rows, int[] test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var inTest = new bool[rows];
        foreach (int i in test)
        {
            inTest[i] = true;
        }

        return [.. Enumerable.Range(0, rows).Where(i => !inTest[i])];
    }

    private static void Check(int rows, int folds)
    {
        if (folds < 2)
        {
            throw new HyperparameterException("cv", "give at least 2 folds");
        }

        if (rows < folds)
        {
            throw new DataValidationException($"Cannot make {folds} folds from {rows} rows. Use fewer folds or more data");
        }
    }
}
