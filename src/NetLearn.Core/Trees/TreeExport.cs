using System.Globalization;
using System.Text;
using NetLearn.ModelFiles;

namespace NetLearn.Trees;

/// <summary>Node views of the internal tree arrays.</summary>
internal static class TreeViews
{
    public static IReadOnlyList<TreeNodeView> Nodes(TreeStructure tree, IReadOnlyList<string> featureNames)
    {
        var nodes = new TreeNodeView[tree.NodeCount];
        for (int i = 0; i < nodes.Length; i++)
        {
            bool leaf = tree.Left[i] < 0;
            nodes[i] = new TreeNodeView(
                i,
                tree.Left[i],
                tree.Right[i],
                leaf ? null : featureNames[tree.Feature[i]],
                leaf ? double.NaN : tree.Threshold[i],
                tree.Impurity[i],
                tree.Samples[i],
                tree.WeightedSamples[i],
                tree.LeafValue(i).ToArray());
        }

        return nodes;
    }

    public static void CheckFeatures(TreeStructure tree, int features, ModelReader reader)
    {
        for (int i = 0; i < tree.NodeCount; i++)
        {
            if (tree.Left[i] >= 0 && (uint)tree.Feature[i] >= (uint)features)
            {
                throw reader.Corrupt("A tree node splits on a feature the model does not have");
            }
        }
    }
}

/// <summary>Text and Graphviz renderings of any <see cref="IDecisionTreeView"/> (scikit-learn's <c>export_text</c> and <c>export_graphviz</c>).</summary>
public static class TreeExport
{
    /// <summary>
    /// The tree as indented rules, in scikit-learn's <c>export_text</c> layout:
    /// <c>|--- feature &lt;= 0.80</c>, <c>|   |--- class: setosa</c>; branches deeper than <paramref name="maxDepth"/> are truncated.
    /// </summary>
    public static string Text(IDecisionTreeView tree, int maxDepth = 10, int decimals = 2, bool showWeights = false)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var text = new StringBuilder();
        var nodes = tree.Nodes;
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        void Leaf(TreeNodeView node, int depth)
        {
            text.Append(Indent(depth));
            if (tree.ClassNames is { } classes)
            {
                if (showWeights)
                {
                    text.Append("weights: [").Append(string.Join(", ", node.Value.Select(v => v.ToString(format, CultureInfo.InvariantCulture)))).Append("] ");
                }

                text.Append("class: ").Append(classes[ArgMax(node.Value)]).Append('\n');
            }
            else
            {
                text.Append("value: [").Append(node.Value[0].ToString(format, CultureInfo.InvariantCulture)).Append("]\n");
            }
        }

        void Walk(int id, int depth)
        {
            var node = nodes[id];
            if (node.IsLeaf)
            {
                Leaf(node, depth);
                return;
            }

            if (depth > maxDepth)
            {
                text.Append(Indent(depth)).Append("truncated branch of depth ").Append(SubtreeDepth(nodes, id).ToString(CultureInfo.InvariantCulture)).Append('\n');
                return;
            }

            string threshold = node.Threshold.ToString(format, CultureInfo.InvariantCulture);
            text.Append(Indent(depth)).Append(node.Feature).Append(" <= ").Append(threshold).Append('\n');
            Walk(node.Left, depth + 1);
            text.Append(Indent(depth)).Append(node.Feature).Append(" >  ").Append(threshold).Append('\n');
            Walk(node.Right, depth + 1);
        }

        Walk(0, 0);
        return text.ToString();
    }

    /// <summary>The tree in Graphviz DOT (render with <c>dot -Tsvg</c>), laid out like scikit-learn's <c>export_graphviz</c>.</summary>
    public static string Graphviz(IDecisionTreeView tree, int decimals = 3)
    {
        ArgumentNullException.ThrowIfNull(tree);
        string format = "0." + new string('#', Math.Max(1, decimals));
        string Number(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        var dot = new StringBuilder();
        dot.Append("digraph Tree {\nnode [shape=box, fontname=\"helvetica\"] ;\nedge [fontname=\"helvetica\"] ;\n");
        foreach (var node in tree.Nodes)
        {
            var label = new StringBuilder();
            if (!node.IsLeaf)
            {
                label.Append(Escape(node.Feature!)).Append(" <= ").Append(Number(node.Threshold)).Append("\\n");
            }

            label.Append(tree.Criterion).Append(" = ").Append(Number(node.Impurity)).Append("\\n");
            label.Append("samples = ").Append(node.Samples.ToString(CultureInfo.InvariantCulture)).Append("\\n");
            if (tree.ClassNames is { } classes)
            {
                label.Append("value = [").Append(string.Join(", ", node.Value.Select(Number))).Append("]\\n");
                label.Append("class = ").Append(Escape(classes[ArgMax(node.Value)]));
            }
            else
            {
                label.Append("value = ").Append(Number(node.Value[0]));
            }

            dot.Append(node.Id.ToString(CultureInfo.InvariantCulture)).Append(" [label=\"").Append(label).Append("\"] ;\n");
        }

        foreach (var node in tree.Nodes)
        {
            if (node.IsLeaf)
            {
                continue;
            }

            string id = node.Id.ToString(CultureInfo.InvariantCulture);
            dot.Append(id).Append(" -> ").Append(node.Left.ToString(CultureInfo.InvariantCulture));
            dot.Append(node.Id == 0 ? " [labeldistance=2.5, labelangle=45, headlabel=\"True\"] ;\n" : " ;\n");
            dot.Append(id).Append(" -> ").Append(node.Right.ToString(CultureInfo.InvariantCulture));
            dot.Append(node.Id == 0 ? " [labeldistance=2.5, labelangle=-45, headlabel=\"False\"] ;\n" : " ;\n");
        }

        dot.Append("}\n");
        return dot.ToString();
    }

    private static string Indent(int depth) => string.Concat(Enumerable.Repeat("|   ", depth)) + "|--- ";

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static int ArgMax(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int k = 1; k < values.Count; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }

    private static int SubtreeDepth(IReadOnlyList<TreeNodeView> nodes, int id)
    {
        var node = nodes[id];
        return node.IsLeaf ? 0 : 1 + Math.Max(SubtreeDepth(nodes, node.Left), SubtreeDepth(nodes, node.Right));
    }
}
