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
        int[] rows;
        if (target is NumericColumn values)
        {
            // Round-trip formatting is one-to-one on non-missing doubles, so the bit pattern is the same key as the text
            // (0 and −0 stay distinct), without formatting every row.
            var firstByBits = new Dictionary<long, int>();
            for (int i = 0; i < target.Length; i++)
            {
                if (!values.IsMissing(i))
                {
                    firstByBits.TryAdd(BitConverter.DoubleToInt64Bits(values[i]), i);
                }
            }

            rows = [.. firstByBits.Values];
        }
        else
        {
            var firstRow = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < target.Length; i++)
            {
                if (target.FormatValue(i) is { } key)
                {
                    firstRow.TryAdd(key, i);
                }
            }

            rows = [.. firstRow.Values];
        }

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
        if (labels is NumericColumn values && Classes is NumericColumn classes && EncodeNumeric(values, classes, codes))
        {
            return codes;
        }

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

    // Numeric labels against numeric classes by bit pattern (the same key as the round-trip text); false when a label
    // is missing or unknown, so that the text path reports it.
    private static bool EncodeNumeric(NumericColumn labels, NumericColumn classes, int[] codes)
    {
        var index = new Dictionary<long, int>(classes.Length);
        for (int c = 0; c < classes.Length; c++)
        {
            if (classes.IsMissing(c))
            {
                return false;
            }

            index[BitConverter.DoubleToInt64Bits(classes[c])] = c;
        }

        for (int i = 0; i < codes.Length; i++)
        {
            if (labels.IsMissing(i) || !index.TryGetValue(BitConverter.DoubleToInt64Bits(labels[i]), out codes[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index of <paramref name="label"/>'s text form, or -1.</summary>
    public int IndexOf(string label) => _index.TryGetValue(label, out int i) ? i : -1;

    /// <summary>The labels of class indices, as a column named <paramref name="name"/>.</summary>
    public Column Decode(ReadOnlySpan<int> classIndices, string name) => Classes.Take(classIndices).WithName(name);
}
