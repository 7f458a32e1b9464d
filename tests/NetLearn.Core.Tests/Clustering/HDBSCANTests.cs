using CsCheck;
using NetLearn.Clustering;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using Xunit;

namespace NetLearn.Core.Tests.Clustering;

/// <summary>
/// HDBSCAN against R's dbscan::hdbscan 1.1-11 (fixture: unsupervised/hdbscan.json from tests/reference/make_hdbscan_fixtures.R):
/// core distances, merge heights, labels up to a permutation, GLOSH outlier scores.
/// </summary>
public class HDBSCANTests
{
    private static readonly System.Text.Json.JsonElement F = Unsup.Load("hdbscan.json");

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, F.GetProperty("cases").GetArrayLength())];

    private static (HDBSCANModel Model, System.Text.Json.JsonElement Case) Fit(int index)
    {
        var c = F.GetProperty("cases")[index];
        var x = F.GetProperty("data").GetProperty(c.GetProperty("data").GetString()!).Table();
        int minPts = c.GetProperty("min_pts").GetInt32();
        return (new HDBSCAN(new HDBSCANOptions { MinClusterSize = minPts, MinSamples = minPts }).Fit(x), c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CoreDistancesAndMergeHeightsMatchR(int index)
    {
        var (model, c) = Fit(index);
        double[] core = c.GetProperty("core_distances").Doubles();
        double[] heights = c.GetProperty("merge_heights").Doubles();
        for (int i = 0; i < core.Length; i++)
        {
            Assert.Equal(core[i], model.CoreDistances[i], 1e-12);
        }

        var ours = model.SingleLinkageTree.Column(2);
        for (int i = 0; i < heights.Length; i++)
        {
            Assert.Equal(heights[i], ours[i], 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LabelsMatchRUpToPermutation(int index)
    {
        var (model, c) = Fit(index);
        int[] expected = [.. c.GetProperty("labels").Ints().Select(l => l - 1)];
        AssertSamePartition(expected, [.. model.Labels]);
        Assert.Equal(expected.Where(l => l >= 0).Distinct().Count(), model.ClusterCount);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutlierScoresMatchR(int index)
    {
        var (model, c) = Fit(index);
        double[] expected = c.GetProperty("outlier_scores").Doubles();
        double rho = Spearman(expected, [.. model.OutlierScores]);
        Assert.True(rho > 0.93, $"Spearman correlation with R's GLOSH scores {rho}");
        Assert.All(model.OutlierScores, v => Assert.InRange(v, 0.0, 1.0));
    }

    [Fact]
    public void ProbabilitiesAreMembershipStrengths()
    {
        var (model, _) = Fit(0);
        for (int i = 0; i < model.Labels.Count; i++)
        {
            double p = model.Probabilities[i];
            Assert.InRange(p, 0.0, 1.0);
            if (model.Labels[i] == -1)
            {
                Assert.Equal(0.0, p);
            }
            else
            {
                Assert.True(p > 0);
            }
        }

        // The densest rows of every cluster have strength 1.
        for (int k = 0; k < model.ClusterCount; k++)
        {
            Assert.Equal(1.0, Enumerable.Range(0, model.Labels.Count).Where(i => model.Labels[i] == k).Max(i => model.Probabilities[i]));
        }
    }

    [Fact]
    public void LeafSelectionRefinesExcessOfMass()
    {
        var x = F.GetProperty("data").GetProperty("moons").Table();
        var eom = new HDBSCAN(new HDBSCANOptions { MinClusterSize = 5 }).Fit(x);
        var leaf = new HDBSCAN(new HDBSCANOptions { MinClusterSize = 5, ClusterSelectionMethod = ClusterSelectionMethod.Leaf }).Fit(x);
        Assert.True(leaf.ClusterCount >= eom.ClusterCount);

        // Every leaf cluster lies inside one EOM cluster or in noise: leaves refine the EOM partition.
        for (int k = 0; k < leaf.ClusterCount; k++)
        {
            var parents = Enumerable.Range(0, x.RowCount).Where(i => leaf.Labels[i] == k).Select(i => eom.Labels[i]).Where(l => l >= 0).Distinct().ToArray();
            Assert.True(parents.Length <= 1);
        }
    }

    [Fact]
    public void SelectionEpsilonMergesClustersBornBelowIt()
    {
        var x = F.GetProperty("data").GetProperty("moons").Table();
        var leaf = new HDBSCAN(new HDBSCANOptions { MinClusterSize = 5, ClusterSelectionMethod = ClusterSelectionMethod.Leaf }).Fit(x);
        var tree = leaf.CondensedTree;
        int[] clusterRows = [.. Enumerable.Range(0, tree.Rows).Where(r => tree[r, 3] > 1)];
        double epsilon = 1.01 * clusterRows.Max(r => 1.0 / tree[r, 2]);
        var merged = new HDBSCAN(new HDBSCANOptions { MinClusterSize = 5, ClusterSelectionMethod = ClusterSelectionMethod.Leaf, ClusterSelectionEpsilon = epsilon }).Fit(x);

        // Every cluster is born below epsilon, so each leaf climbs to its top-level ancestor (a child of the root).
        Assert.Equal(clusterRows.Count(r => (int)tree[r, 0] == x.RowCount), merged.ClusterCount);
        Assert.True(merged.ClusterCount < leaf.ClusterCount, $"leaf {leaf.ClusterCount}, merged {merged.ClusterCount}");

        // Merging coarsens: every leaf cluster lies inside one merged cluster.
        for (int k = 0; k < leaf.ClusterCount; k++)
        {
            var owners = Enumerable.Range(0, x.RowCount).Where(i => leaf.Labels[i] == k).Select(i => merged.Labels[i]).Distinct().ToArray();
            Assert.Single(owners);
        }
    }

    [Fact]
    public void OneBlobIsNoiseUnlessSingleClusterIsAllowed()
    {
        var rng = new Random(3);
        var x = Table.FromMatrix(Matrix.FromRows([.. Enumerable.Range(0, 80).Select(_ => new[] { rng.NextDouble() + rng.NextDouble(), rng.NextDouble() + rng.NextDouble() })]));
        var single = new HDBSCAN(new HDBSCANOptions { MinClusterSize = 40, AllowSingleCluster = true }).Fit(x);
        Assert.Equal(1, single.ClusterCount);
        Assert.True(single.Labels.Count(l => l == 0) >= 1);
        var plain = new HDBSCAN(new HDBSCANOptions { MinClusterSize = 40 }).Fit(x);
        Assert.Equal(0, plain.ClusterCount);
        Assert.All(plain.Labels, l => Assert.Equal(-1, l));
    }

    [Fact]
    public void SavesAndLoadsBitExactly()
    {
        var (model, _) = Fit(3);
        var loaded = Unsup.RoundTrip(model);
        Assert.Equal(model.Labels, loaded.Labels);
        Assert.Equal(model.Probabilities, loaded.Probabilities);
        Assert.Equal(model.OutlierScores, loaded.OutlierScores);
        Assert.Equal(model.ClusterCount, loaded.ClusterCount);
        Unsup.SameMatrix(model.CondensedTree, loaded.CondensedTree);
        Unsup.SameMatrix(model.SingleLinkageTree, loaded.SingleLinkageTree);
    }

    [Fact]
    public void BadInputIsRefusedClearly()
    {
        var x = Table.FromMatrix(Matrix.FromRows([[0.0, 1.0], [1.0, 2.0], [2.0, 0.5]]));
        var e = Assert.Throws<DataValidationException>(() => new HDBSCAN(new HDBSCANOptions { MinClusterSize = 5 }).Fit(x));
        Assert.Contains("min_samples=5", e.Message);
        Assert.Throws<HyperparameterException>(() => new HDBSCAN(new HDBSCANOptions { MinClusterSize = 1 }).Fit(x));
        Assert.Throws<HyperparameterException>(() => new HDBSCAN(new HDBSCANOptions { ClusterSelectionEpsilon = -1 }).Fit(x));
        var nan = Table.FromMatrix(Matrix.FromRows([[0.0, double.NaN], [1.0, 2.0], [2.0, 0.5]]));
        Assert.Throws<DataValidationException>(() => new HDBSCAN(new HDBSCANOptions { MinClusterSize = 2 }).Fit(nan));
    }

    [Fact]
    public void LabelsDoNotDependOnRowOrder()
    {
        Gen.Int[0, 1000].Sample(seed =>
        {
            var x = F.GetProperty("data").GetProperty("blobs5d").ToMatrix();
            var rng = new Random(seed);
            int[] order = [.. Enumerable.Range(0, x.Rows).OrderBy(_ => rng.Next())];
            var options = new HDBSCANOptions { MinClusterSize = 8 };
            var a = new HDBSCAN(options).Fit(Table.FromMatrix(x));
            var b = new HDBSCAN(options).Fit(Table.FromMatrix(x.TakeRows(order)));
            AssertSamePartition([.. order.Select(i => a.Labels[i])], [.. b.Labels]);
        }, iter: 5);
    }

    private static double Spearman(double[] a, double[] b)
    {
        double[] ra = Ranks(a), rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }

        return sab / Math.Sqrt(saa * sbb);
    }

    private static double[] Ranks(double[] v)
    {
        int[] order = [.. Enumerable.Range(0, v.Length).OrderBy(i => v[i])];
        var ranks = new double[v.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]])
            {
                j++;
            }

            for (int t = i; t <= j; t++)
            {
                ranks[order[t]] = (i + j) / 2.0;
            }

            i = j + 1;
        }

        return ranks;
    }

    /// <summary>Same noise rows and a one-to-one map between the cluster labels.</summary>
    internal static void AssertSamePartition(int[] expected, int[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var forward = new Dictionary<int, int>();
        var backward = new Dictionary<int, int>();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == -1 == (actual[i] == -1), $"row {i}: expected label {expected[i]}, got {actual[i]}");
            if (expected[i] == -1)
            {
                continue;
            }

            Assert.Equal(forward.GetValueOrDefault(expected[i], actual[i]), actual[i]);
            Assert.Equal(backward.GetValueOrDefault(actual[i], expected[i]), expected[i]);
            forward[expected[i]] = actual[i];
            backward[actual[i]] = expected[i];
        }
    }
}
