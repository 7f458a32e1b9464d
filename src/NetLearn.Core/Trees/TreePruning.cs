namespace NetLearn.Trees;

/// <summary>
/// Minimal cost-complexity pruning (Breiman et al. 1984, ch. 3; scikit-learn's <c>ccp_alpha</c>): repeatedly collapse the
/// internal node with the smallest effective α = (R(t) − R(Tₜ)) / (|leaves(Tₜ)| − 1), where R is the weighted impurity
/// share of the root, while that α is at most the requested one.
/// </summary>
internal static class TreePruning
{
    /// <summary>The tree pruned at <paramref name="alpha"/> (the same tree when nothing is pruned).</summary>
    public static TreeStructure Prune(TreeStructure tree, double alpha)
    {
        var (leaf, _) = Run(tree, alpha);
        return leaf is null ? tree : Rebuild(tree, leaf);
    }

    /// <summary>The effective alphas at which the tree loses nodes and the total leaf impurity after each step (scikit-learn's <c>cost_complexity_pruning_path</c>).</summary>
    public static (double[] Alphas, double[] Impurities) Path(TreeStructure tree)
    {
        var (_, path) = Run(tree, double.PositiveInfinity);
        return ([.. path.Select(p => p.Alpha)], [.. path.Select(p => p.Impurity)]);
    }

    private static (bool[]? Leaf, List<(double Alpha, double Impurity)> Path) Run(TreeStructure tree, double alpha)
    {
        int n = tree.NodeCount;
        double total = tree.WeightedSamples[0];
        var r = new double[n];
        var branch = new double[n];
        var leaves = new int[n];
        var parent = new int[n];
        parent[0] = -1;
        for (int i = 0; i < n; i++)
        {
            r[i] = tree.WeightedSamples[i] / total * tree.Impurity[i];
            if (tree.Left[i] >= 0)
            {
                parent[tree.Left[i]] = i;
                parent[tree.Right[i]] = i;
            }
        }

        // Children have larger indices than parents: a backwards pass sums the subtrees.
        for (int i = n - 1; i >= 0; i--)
        {
            if (tree.Left[i] < 0)
            {
                branch[i] = r[i];
                leaves[i] = 1;
            }
            else
            {
                branch[i] = branch[tree.Left[i]] + branch[tree.Right[i]];
                leaves[i] = leaves[tree.Left[i]] + leaves[tree.Right[i]];
            }
        }

        var candidate = new bool[n];
        var inTree = new bool[n];
        for (int i = 0; i < n; i++)
        {
            candidate[i] = tree.Left[i] >= 0;
            inTree[i] = true;
        }

        var path = new List<(double, double)> { (0.0, branch[0]) };
        bool[]? leaf = null;
        while (candidate[0])
        {
            double effective = double.MaxValue;
            int prune = -1;
            for (int i = 0; i < n; i++)
            {
                if (!candidate[i])
                {
                    continue;
                }

                double current = (r[i] - branch[i]) / (leaves[i] - 1);
                if (current < effective)
                {
                    effective = current;
                    prune = i;
                }
            }

            if (effective > alpha)
            {
                break;
            }

            leaf ??= new bool[n];
            leaf[prune] = true;
            candidate[prune] = false;
            var stack = new Stack<int>();
            stack.Push(tree.Left[prune]);
            stack.Push(tree.Right[prune]);
            while (stack.Count > 0)
            {
                int node = stack.Pop();
                if (!inTree[node])
                {
                    continue;
                }

                inTree[node] = false;
                candidate[node] = false;
                if (tree.Left[node] >= 0)
                {
                    stack.Push(tree.Left[node]);
                    stack.Push(tree.Right[node]);
                }
            }

            double deltaBranch = r[prune] - branch[prune];
            int deltaLeaves = leaves[prune] - 1;
            for (int node = prune; node >= 0; node = parent[node])
            {
                branch[node] += deltaBranch;
                leaves[node] -= deltaLeaves;
            }

            path.Add((effective, branch[0]));
        }

        return (leaf, path);
    }

    private static TreeStructure Rebuild(TreeStructure tree, bool[] leaf)
    {
        var order = new List<int>();
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            int node = stack.Pop();
            order.Add(node);
            if (tree.Left[node] >= 0 && !leaf[node])
            {
                stack.Push(tree.Right[node]);
                stack.Push(tree.Left[node]);
            }
        }

        var newId = new Dictionary<int, int>(order.Count);
        for (int i = 0; i < order.Count; i++)
        {
            newId[order[i]] = i;
        }

        int m = order.Count, w = tree.ValueWidth;
        var left = new int[m];
        var right = new int[m];
        var feature = new int[m];
        var threshold = new double[m];
        var impurity = new double[m];
        var samples = new int[m];
        var weighted = new double[m];
        var value = new double[m * w];
        for (int i = 0; i < m; i++)
        {
            int old = order[i];
            bool isLeaf = tree.Left[old] < 0 || leaf[old];
            left[i] = isLeaf ? -1 : newId[tree.Left[old]];
            right[i] = isLeaf ? -1 : newId[tree.Right[old]];
            feature[i] = isLeaf ? -1 : tree.Feature[old];
            threshold[i] = isLeaf ? -2 : tree.Threshold[old];
            impurity[i] = tree.Impurity[old];
            samples[i] = tree.Samples[old];
            weighted[i] = tree.WeightedSamples[old];
            tree.LeafValue(old).CopyTo(value.AsSpan(i * w, w));
        }

        return new TreeStructure(left, right, feature, threshold, impurity, samples, weighted, value, w);
    }
}
