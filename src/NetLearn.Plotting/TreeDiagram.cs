using System.Globalization;
using System.Text;
using NetLearn.Trees;
using SP = ScottPlot;

namespace NetLearn.Plotting;

/// <summary>Draws an <see cref="IDecisionTreeView"/> top-down: leaves side by side, each parent centred over its children.</summary>
internal static class TreeDiagram
{
    private const double BoxWidth = 0.86;
    private const double BoxHeight = 0.62;

    public static Chart Draw(IDecisionTreeView tree, int maxDepth)
    {
        var nodes = tree.Nodes;
        if (nodes.Count == 0)
        {
            throw new DataValidationException("The tree has no nodes to draw");
        }

        var x = new Dictionary<int, double>();
        var depth = new Dictionary<int, int>();
        double nextLeaf = 0;
        int deepest = 0;
        Layout(0, 0);

        var plot = Theme.NewPlot();
        double[] regressionValues = tree.ClassNames is null ? [.. nodes.Where(n => n.Value.Count > 0).Select(n => n.Value[0])] : [];
        foreach (var (id, d) in depth)
        {
            var node = nodes[id];
            if (!node.IsLeaf && d < maxDepth)
            {
                foreach (var (child, label) in new[] { (node.Left, "yes"), (node.Right, "no") })
                {
                    var edge = plot.Add.Line(x[id], -d - (BoxHeight / 2), x[child], -(d + 1) + (BoxHeight / 2));
                    edge.Color = SP.Color.FromHex("#777777");
                    edge.LineWidth = 1.5f;
                    if (id == 0)
                    {
                        var text = plot.Add.Text(label, (x[id] + x[child]) / 2, -0.5);
                        text.LabelFontSize = 11;
                        text.LabelFontName = Theme.FontName;
                        text.LabelFontColor = SP.Color.FromHex("#555555");
                        text.LabelAlignment = SP.Alignment.MiddleCenter;
                        text.LabelBackgroundColor = SP.Colors.White;
                    }
                }
            }
        }

        foreach (var (id, d) in depth)
        {
            var node = nodes[id];
            var rect = plot.Add.Rectangle(x[id] - (BoxWidth / 2), x[id] + (BoxWidth / 2), -d - (BoxHeight / 2), -d + (BoxHeight / 2));
            rect.FillColor = Fill(node, tree, regressionValues);
            rect.LineColor = SP.Color.FromHex("#555555");
            rect.LineWidth = 1;
            var label = plot.Add.Text(Describe(node, tree), x[id], -d);
            label.LabelFontSize = 12;
            label.LabelFontName = Theme.FontName;
            label.LabelAlignment = SP.Alignment.MiddleCenter;
            if (!node.IsLeaf && d >= maxDepth)
            {
                var more = plot.Add.Text("⋯ deeper nodes not shown", x[id], -d - (BoxHeight / 2) - 0.12);
                more.LabelFontSize = 10;
                more.LabelFontName = Theme.FontName;
                more.LabelFontColor = SP.Color.FromHex("#777777");
                more.LabelAlignment = SP.Alignment.UpperCenter;
            }
        }

        plot.Axes.SetLimits(-0.6, Math.Max(0.6, nextLeaf - 0.4), -deepest - 0.75, 0.45);
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title(FormattableString.Invariant($"Decision tree ({nodes.Count} nodes, criterion {tree.Criterion}{(deepest < TreeDepth(nodes) ? $", first {maxDepth} levels" : "")})"));
        int width = Math.Clamp((int)(nextLeaf * 190), 700, 4000);
        int height = Math.Clamp(130 + ((deepest + 1) * 150), 400, 2400);
        return new Chart(plot, width, height);

        void Layout(int id, int d)
        {
            if (id < 0 || id >= nodes.Count)
            {
                throw new DataValidationException(FormattableString.Invariant($"The tree refers to node {id}, but it has {nodes.Count} nodes"));
            }

            if (depth.ContainsKey(id))
            {
                throw new DataValidationException(FormattableString.Invariant($"Node {id} is reached twice: the nodes do not form a tree"));
            }

            depth[id] = d;
            deepest = Math.Max(deepest, d);
            var node = nodes[id];
            if (node.IsLeaf || d >= maxDepth)
            {
                x[id] = nextLeaf++;
                return;
            }

            Layout(node.Left, d + 1);
            Layout(node.Right, d + 1);
            x[id] = (x[node.Left] + x[node.Right]) / 2;
        }
    }

    private static int TreeDepth(IReadOnlyList<TreeNodeView> nodes)
    {
        int Depth(int id) => nodes[id].IsLeaf ? 0 : 1 + Math.Max(Depth(nodes[id].Left), Depth(nodes[id].Right));
        return Depth(0);
    }

    private static string Describe(TreeNodeView node, IDecisionTreeView tree)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        if (!node.IsLeaf)
        {
            text.AppendLine(double.IsNaN(node.Threshold)
                ? $"split on {Plot.Shorten(node.Feature ?? "?", 22)}"
                : $"{Plot.Shorten(node.Feature ?? "?", 18)} ≤ {node.Threshold.ToString("G4", c)}");
        }

        text.AppendLine($"{tree.Criterion} = {node.Impurity.ToString("0.###", c)}");
        text.AppendLine($"samples = {node.Samples.ToString("N0", c)}");
        if (tree.ClassNames is { } classes && node.Value.Count == classes.Count && classes.Count > 0)
        {
            if (classes.Count <= 4)
            {
                text.AppendLine($"value = [{string.Join(", ", node.Value.Select(v => v.ToString("0.##", c)))}]");
            }

            int best = 0;
            for (int k = 1; k < node.Value.Count; k++)
            {
                best = node.Value[k] > node.Value[best] ? k : best;
            }

            text.Append($"class = {Plot.Shorten(classes[best], 18)}");
        }
        else if (node.Value.Count > 0)
        {
            text.Append($"value = {node.Value[0].ToString("G4", c)}");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>As scikit-learn's <c>plot_tree(filled=True)</c>: the majority class's colour, stronger the purer the node.</summary>
    private static SP.Color Fill(TreeNodeView node, IDecisionTreeView tree, double[] regressionValues)
    {
        if (tree.ClassNames is not null && node.Value.Count > 1)
        {
            double total = node.Value.Sum();
            if (total <= 0)
            {
                return SP.Colors.White;
            }

            double[] fractions = [.. node.Value.Select(v => v / total)];
            int best = Array.IndexOf(fractions, fractions.Max());
            double second = fractions.Where((_, k) => k != best).DefaultIfEmpty(0).Max();
            double alpha = second >= 1 ? 0 : (fractions[best] - second) / (1 - second);
            return Blend(Theme.Color(best), alpha * 0.85);
        }

        if (regressionValues.Length > 0 && node.Value.Count > 0)
        {
            double lo = regressionValues.Min(), hi = regressionValues.Max();
            double t = hi > lo ? (node.Value[0] - lo) / (hi - lo) : 0.5;
            return Blend(Theme.Color(1), 0.1 + (0.75 * t));
        }

        return SP.Colors.White;
    }

    private static SP.Color Blend(SP.Color color, double alpha) =>
        new((byte)(255 - ((255 - color.R) * alpha)), (byte)(255 - ((255 - color.G) * alpha)), (byte)(255 - ((255 - color.B) * alpha)));
}
