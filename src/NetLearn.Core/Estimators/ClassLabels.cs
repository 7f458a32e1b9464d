using NetLearn.Data;

namespace NetLearn.Estimators;

/// <summary>
/// The sorted set of class labels of a classification target and the mapping between labels and class indices.
/// Labels sort like scikit-learn's <c>np.unique</c>: numbers numerically, text ordinally.
/// </summary>
public sealed class ClassLabels
{
    private readonly Dictionary<string, int> _index;

    private ClassLabels(Column classes)
    {
        Classes = classes;
        _index = new Dictionary<string, int>(classes.Length, StringComparer.Ordinal);
        for (int i = 0; i < classes.Length; i++)
        {
            _index[classes.FormatValue(i)!] = i;
        }
    }

    /// <summary>The distinct labels in sorted order, as a column of the target's kind.</summary>
    public Column Classes { get; }

    /// <summary>Number of classes.</summary>
    public int Count => Classes.Length;

    /// <summary>Finds the classes of <paramref name="target"/> (which must have no missing values).</summary>
    public static ClassLabels FromTarget(Column target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var firstRow = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < target.Length; i++)
        {
            if (target.FormatValue(i) is { } key)
            {
                firstRow.TryAdd(key, i);
            }
        }

        int[] rows = [.. firstRow.Values];
        if (target is NumericColumn numeric)
        {
            Array.Sort(rows, (a, b) => numeric[a].CompareTo(numeric[b]));
        }
        else
        {
            Array.Sort(rows, (a, b) => string.CompareOrdinal(target.FormatValue(a), target.FormatValue(b)));
        }

        return new ClassLabels(target.Take(rows));
    }

    /// <summary>Rebuilds the mapping from a stored classes column.</summary>
    public static ClassLabels FromClasses(Column classes) => new(classes ?? throw new ArgumentNullException(nameof(classes)));

    /// <summary>The class index of every row; a label not among the classes throws.</summary>
    public int[] Encode(Column labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var codes = new int[labels.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            string? key = labels.FormatValue(i);
            if (key is null || !_index.TryGetValue(key, out codes[i]))
            {
                throw new DataValidationException(
                    key is null ? "The label is missing" : $"The label '{key}' is not one of the classes ({string.Join(", ", _index.Keys.Take(20))})",
                    column: labels.Name,
                    row: i);
            }
        }

        return codes;
    }

    /// <summary>The index of <paramref name="label"/>'s text form, or -1.</summary>
    public int IndexOf(string label) => _index.TryGetValue(label, out int i) ? i : -1;

    /// <summary>The labels of class indices, as a column named <paramref name="name"/>.</summary>
    public Column Decode(ReadOnlySpan<int> classIndices, string name) => Classes.Take(classIndices).WithName(name);
}
