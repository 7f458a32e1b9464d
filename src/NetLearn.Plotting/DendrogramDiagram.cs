using System.Globalization;
using SP = ScottPlot;

namespace NetLearn.Plotting;

/// <summary>
/// Draws a dendrogram from a SciPy linkage matrix (<c>scipy.cluster.hierarchy.linkage</c>): row i merges clusters
/// Z[i,0] and Z[i,1] (ids below n are leaves, n + j is the cluster made by row j) at height Z[i,2]; Z[i,3] is its size.
/// Leaf order and link positions follow <c>scipy.cluster.hierarchy.dendrogram</c>'s defaults.
/// </summary>
internal static class DendrogramDiagram
{
    /// <summary>
    /// Validates a linkage matrix and lays it out as SciPy does: leaf order (depth-first, left child first), leaf k at
    /// x = k, each link as a U of four points from the children's tops to the merge height, coloured by cluster below
    /// 70 % of the largest distance.
    /// </summary>
    internal static (int[] Leaves, List<(double[] X, double[] Y, SP.Color Color)> Links) Layout(double[,] z)
    {
        ArgumentNullException.ThrowIfNull(z);
        int merges = z.GetLength(0);
        int n = merges + 1;
        if (z.GetLength(1) != 4 || merges < 1)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"A linkage matrix has n-1 rows and 4 columns (left id, right id, distance, size); got {merges} x {z.GetLength(1)}"));
        }

        var used = new bool[n + merges];
        for (int i = 0; i < merges; i++)
        {
            for (int side = 0; side < 2; side++)
            {
                double id = z[i, side];
                if (id != Math.Floor(id) || id < 0 || id >= n + i || used[(int)id])
                {
                    throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Row {i + 1} of the linkage matrix merges cluster {id}, which is not a leaf or an earlier cluster still unmerged; is it a SciPy linkage matrix?"));
                }

                used[(int)id] = true;
            }

            if (!double.IsFinite(z[i, 2]) || z[i, 2] < 0)
            {
                throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"Row {i + 1} of the linkage matrix has distance {z[i, 2]}; distances must be finite and non-negative"));
            }
        }

        // Leaf order: depth-first from the root, left child first.
        var x = new double[n + merges];
        var height = new double[n + merges];
        var order = new List<int>();
        Place(n + merges - 1);

        double maxHeight = Enumerable.Range(0, merges).Max(i => z[i, 2]);
        double threshold = 0.7 * maxHeight;
        var color = new SP.Color[n + merges];
        int nextColor = 0;
        var above = SP.Color.FromHex("#555555");
        ColorLinks(n + merges - 1, null);

        var links = new List<(double[] X, double[] Y, SP.Color Color)>();
        for (int i = 0; i < merges; i++)
        {
            int id = n + i, a = (int)z[i, 0], b = (int)z[i, 1];
            links.Add(([x[a], x[a], x[b], x[b]], [height[a], height[id], height[id], height[b]], color[id]));
        }

        return ([.. order], links);

        void Place(int id)
        {
            var stack = new Stack<(int Id, bool Expanded)>();
            stack.Push((id, false));
            while (stack.Count > 0)
            {
                var (current, expanded) = stack.Pop();
                if (current < n)
                {
                    x[current] = order.Count;
                    order.Add(current);
                    continue;
                }

                int row = current - n;
                int left = (int)z[row, 0], right = (int)z[row, 1];
                if (!expanded)
                {
                    stack.Push((current, true));
                    stack.Push((right, false));
                    stack.Push((left, false));
                }
                else
                {
                    x[current] = (x[left] + x[right]) / 2;
                    height[current] = z[row, 2];
                }
            }
        }

        void ColorLinks(int root, SP.Color? inherited)
        {
            var stack = new Stack<(int Id, SP.Color? Color)>();
            stack.Push((root, inherited));
            while (stack.Count > 0)
            {
                var (id, c) = stack.Pop();
                if (id < n)
                {
                    continue;
                }

                int row = id - n;
                SP.Color? mine = c;
                if (mine is null && z[row, 2] < threshold)
                {
                    mine = Theme.Color(nextColor++);
                }

                color[id] = mine ?? above;
                stack.Push(((int)z[row, 1], mine));
                stack.Push(((int)z[row, 0], mine));
            }
        }
    }

    /// <summary>Draws the dendrogram, leaves labelled by <paramref name="labels"/> or their row numbers.</summary>
    public static Chart Draw(double[,] z, IReadOnlyList<string>? labels)
    {
        var layout = Layout(z);
        int n = layout.Leaves.Length;
        if (labels is not null && labels.Count != n)
        {
            throw new DataValidationException(string.Create(CultureInfo.InvariantCulture, $"The linkage matrix joins {n} leaves but {labels.Count} labels were given"));
        }

        var order = layout.Leaves;
        double maxHeight = layout.Links.Max(l => l.Y[1]);
        var plot = Theme.NewPlot();
        foreach (var (xs, ys, color) in layout.Links)
        {
            var link = plot.Add.Scatter(xs, ys, color);
            link.MarkerSize = 0;
            link.LineWidth = 1.8f;
        }

        if (n <= 80)
        {
            double[] positions = [.. order.Select((_, k) => (double)k)];
            string[] names = [.. order.Select(leaf => labels?[leaf] ?? leaf.ToString(CultureInfo.InvariantCulture))];
            plot.Axes.Bottom.SetTicks(positions, [.. names.Select(s => Plot.Shorten(s, 16))]);
            if (n > 12 || names.Any(s => s.Length > 6))
            {
                plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
                plot.Axes.Bottom.TickLabelStyle.Alignment = SP.Alignment.MiddleLeft;
                plot.Axes.Bottom.MinimumSize = 20 + (7 * Math.Min(16, names.Max(s => s.Length)));
            }
        }
        else
        {
            plot.Axes.Bottom.SetTicks([], []);
            plot.XLabel(string.Create(CultureInfo.InvariantCulture, $"{n} leaves"));
        }

        plot.Axes.SetLimits(-0.5, n - 0.5, 0, maxHeight * 1.05 + (maxHeight == 0 ? 1 : 0));
        plot.Grid.XAxisStyle.IsVisible = false;
        plot.Title("Dendrogram");
        plot.YLabel("Distance");
        return new Chart(plot, Math.Clamp(200 + (n * 18), 700, 2400), 600);
    }
}
