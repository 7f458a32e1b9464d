using System.Globalization;
using NetLearn.Data;

namespace NetLearn.Deep.Data;

/// <summary>Where padding goes.</summary>
public enum PadSide
{
    /// <summary>Before the sequence (the default: a recurrent network then ends on real data).</summary>
    Pre,

    /// <summary>After the sequence.</summary>
    Post,
}

/// <summary>Sequence helpers: padding token sequences to one length, and sliding windows over time series.</summary>
public static class Sequences
{
    /// <summary>
    /// Pads (with id 0) or truncates each sequence to <paramref name="length"/> and returns a table of token-id columns
    /// <c>t0</c> … <c>t{length-1}</c>, as <see cref="Estimators.RecurrentClassifier"/> with <c>vocab_size</c> reads them.
    /// Truncation keeps the end of long sequences when padding is <see cref="PadSide.Pre"/>, the start otherwise.
    /// </summary>
    public static Table Pad(IReadOnlyList<IReadOnlyList<int>> sequences, int length, PadSide side = PadSide.Pre)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var columns = new double[length][];
        for (int t = 0; t < length; t++)
        {
            columns[t] = new double[sequences.Count];
        }

        for (int i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            int take = Math.Min(length, s.Count);
            int from = side == PadSide.Pre ? s.Count - take : 0;
            int to = side == PadSide.Pre ? length - take : 0;
            for (int k = 0; k < take; k++)
            {
                columns[to + k][i] = s[from + k];
            }
        }

        return new Table(columns.Select((v, t) => (Column)new NumericColumn(string.Create(CultureInfo.InvariantCulture, $"t{t}"), v)));
    }

    /// <summary>
    /// Sliding windows over a time series for forecasting: row i holds the <paramref name="window"/> values
    /// <c>series[i .. i+window-1]</c> (columns <c>t0</c> oldest … <c>t{window-1}</c> newest) and the target column
    /// <paramref name="targetName"/> = <c>series[i+window-1+horizon]</c>.
    /// </summary>
    public static Table SlidingWindow(IReadOnlyList<double> series, int window, int horizon = 1, string targetName = "target")
    {
        ArgumentNullException.ThrowIfNull(series);
        return SlidingWindow(new Table(new NumericColumn("value", [.. series])), ["value"], "value", window, horizon, targetName);
    }

    /// <summary>
    /// Multivariate sliding windows: row i holds, for each step k of the window, the <paramref name="features"/> at time
    /// i+k (step-major columns <c>t{k}_{feature}</c>, so <c>features_per_step</c> = the number of features), and the
    /// target column = <paramref name="target"/> at time i+window-1+horizon.
    /// </summary>
    /// <exception cref="DataValidationException">The series is too short or has missing values.</exception>
    public static Table SlidingWindow(Table data, IReadOnlyList<string> features, string target, int window, int horizon = 1, string targetName = "target")
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        int rows = data.RowCount - window - horizon + 1;
        if (rows < 1)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The series has {data.RowCount} values, too few for a window of {window} and horizon {horizon}. Use a shorter window"));
        }

        var values = features.Select(f => data.Select(f).ToMatrix().Column(0)).ToArray();
        double[] y = data.Select(target).ToMatrix().Column(0);
        var columns = new List<Column>();
        for (int k = 0; k < window; k++)
        {
            for (int f = 0; f < features.Count; f++)
            {
                var column = new double[rows];
                for (int i = 0; i < rows; i++)
                {
                    column[i] = values[f][i + k];
                }

                string name = features.Count == 1 ? string.Create(CultureInfo.InvariantCulture, $"t{k}") : string.Create(CultureInfo.InvariantCulture, $"t{k}_{features[f]}");
                columns.Add(new NumericColumn(name, column));
            }
        }

        columns.Add(new NumericColumn(targetName, [.. Enumerable.Range(0, rows).Select(i => y[i + window - 1 + horizon])]));
        return new Table(columns);
    }
}
