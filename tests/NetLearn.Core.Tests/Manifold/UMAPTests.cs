using System.Text.Json;
using CsCheck;
using NetLearn.Core.Tests.Clustering;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.LinearAlgebra;
using NetLearn.Manifold;
using NetLearn.Metrics;
using Xunit;

namespace NetLearn.Core.Tests.Manifold;

/// <summary>UMAP against umap-learn 0.5.3 (fixture: unsupervised/umap.json from tests/reference/make_umap_fixtures.py).</summary>
public class UMAPTests
{
    private static readonly JsonElement F = Unsup.Load("umap.json");

    [Fact]
    public void CurveParametersMatchUmapLearn()
    {
        foreach (var c in F.GetProperty("ab").EnumerateArray())
        {
            var (a, b) = UmapCurve.Fit(c.GetProperty("spread").GetDouble(), c.GetProperty("min_dist").GetDouble());
            Assert.True(Math.Abs(a - c.GetProperty("a").GetDouble()) < 1e-4, $"a {a} vs {c}");
            Assert.True(Math.Abs(b - c.GetProperty("b").GetDouble()) < 1e-4, $"b {b} vs {c}");
        }
    }

    [Fact]
    public void FuzzyGraphMatchesUmapLearn()
    {
        var x = F.GetProperty("small_x").ToMatrix();
        var reports = new List<string>();
        bool failed = false;
        foreach (var c in F.GetProperty("graphs").EnumerateArray())
        {
            var options = Options(c.GetProperty("options"));
            // The fixture hands umap-learn's fuzzy_simplicial_set the same exact k-NN. It searches σ in float32 with
            // numba fastmath (a vectorised, reordered sum), so in a few rows the bisection stops one step apart: ρ agrees
            // to float32 precision, σ to 1e-6 in at least 95% of rows (all within 2e-5), memberships within 5e-6.
            var (neighbors, sigmas, rhos, graph) = UMAP.BuildGraph(x, options);
            Assert.Equal(c.GetProperty("knn").EnumerateArray().SelectMany(r => r.Ints()).ToArray(), neighbors.Indices);
            var theirSigmas = c.GetProperty("sigmas").Doubles();
            var theirRhos = c.GetProperty("rhos").Doubles();
            double sigmaError = 0, rhoError = 0, valueError = 0;
            int sigmaExact = 0;
            for (int i = 0; i < sigmas.Length; i++)
            {
                sigmaError = Math.Max(sigmaError, Math.Abs(sigmas[i] - theirSigmas[i]) / theirSigmas[i]);
                rhoError = Math.Max(rhoError, Math.Abs(rhos[i] - theirRhos[i]) / Math.Max(theirRhos[i], 1e-300));
                sigmaExact += Math.Abs(sigmas[i] - theirSigmas[i]) <= 1e-6 * theirSigmas[i] ? 1 : 0;
            }

            var expected = new Dictionary<(int, int), double>();
            var rows = c.GetProperty("rows").Ints();
            var cols = c.GetProperty("cols").Ints();
            var values = c.GetProperty("values").Doubles();
            for (int e = 0; e < rows.Length; e++)
            {
                expected[(rows[e], cols[e])] = values[e];
            }

            Assert.Equal(expected.Count, graph.EdgeCount);
            for (int i = 0; i < graph.Rows; i++)
            {
                for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
                {
                    Assert.True(expected.TryGetValue((i, graph.Column[e]), out double v), $"edge {i}-{graph.Column[e]} not in umap-learn's graph");
                    valueError = Math.Max(valueError, Math.Abs(v - graph.Weight[e]));
                }
            }

            reports.Add($"{options.Metric}: max relative sigma error {sigmaError:G3} ({sigmaExact} of {sigmas.Length} within 1e-6), relative rho error {rhoError:G3}, membership error {valueError:G3}");
            failed |= !(rhoError <= 1e-6 && sigmaExact >= 0.95 * sigmas.Length && sigmaError <= 2e-5 && valueError <= 5e-6);
        }

        Assert.False(failed, string.Join("; ", reports));
    }

    [Fact]
    public void DigitsEmbeddingIsAsGoodAsUmapLearn()
    {
        var (x, y) = Dataset.LoadXy("digits");
        var labels = Labels(y);
        var model = new UMAP(new UMAPOptions { RandomState = 0 }).Fit(x);
        var runs = F.GetProperty("digits").EnumerateArray().ToList();
        double theirTrust = runs.Average(r => r.GetProperty("trustworthiness").GetDouble());
        double theirAccuracy = runs.Min(r => r.GetProperty("knn_accuracy").GetDouble());
        double trust = ClusteringMetrics.Trustworthiness(x.ToMatrix(), model.Embedding, 5);
        double accuracy = KnnAccuracy(model.Embedding, labels, null, null);
        Assert.True(trust >= theirTrust - 0.005, $"trustworthiness {trust} vs umap-learn {theirTrust}");
        Assert.True(accuracy >= theirAccuracy - 0.01, $"5-NN accuracy {accuracy} vs umap-learn {theirAccuracy}");
        Assert.Equal(500, model.Epochs);
    }

    [Fact]
    public void TransformPlacesHeldOutDigitsLikeUmapLearn()
    {
        var (x, y) = Dataset.LoadXy("digits");
        var all = x.ToMatrix();
        var labels = Labels(y);
        int[] train = [.. Enumerable.Range(0, 1500)], test = [.. Enumerable.Range(1500, all.Rows - 1500)];
        var model = new UMAP(new UMAPOptions { RandomState = 0 }).Fit(Table.FromMatrix(all.TakeRows(train), x.Schema.Names.ToList()));
        var placed = model.Transform(all.TakeRows(test));
        double accuracy = KnnAccuracy(model.Embedding, labels[..1500], placed, labels[1500..]);
        double theirs = F.GetProperty("transform_knn_accuracy").GetDouble();
        Assert.True(accuracy >= theirs - 0.02, $"held-out 5-NN accuracy {accuracy} vs umap-learn {theirs}");

        // A training row transforms onto (or very near) its own position.
        var again = model.Transform(all.TakeRows([0, 1, 2]));
        for (int i = 0; i < 3; i++)
        {
            double d = TensorDistance(again.Row(i), model.Embedding.Row(i));
            Assert.True(d < 1.0, $"row {i} moved {d}");
        }
    }

    [Fact]
    public void SeededFitsAreReproducibleAndSurviveSaveLoad()
    {
        var x = F.GetProperty("small_x").ToMatrix();
        var table = Table.FromMatrix(x);
        var options = new UMAPOptions { RandomState = 7, NNeighbors = 10, NEpochs = 60 };
        var a = new UMAP(options).Fit(table);
        var b = new UMAP(options).Fit(table);
        Unsup.SameMatrix(a.Embedding, b.Embedding);
        var c = new UMAP(options with { RandomState = 8 }).Fit(table);
        Assert.False(a.Embedding.AsSpan().SequenceEqual(c.Embedding.AsSpan()));
        Assert.All(a.Embedding.AsSpan().ToArray(), v => Assert.True(double.IsFinite(v)));

        var loaded = Unsup.RoundTrip(a);
        Unsup.SameMatrix(a.Embedding, loaded.Embedding);
        Assert.Equal(a.A, loaded.A);
        Assert.Equal(a.B, loaded.B);
        Assert.Equal(options, loaded.Options);
        var newRows = Table.FromMatrix(x.TakeRows([3, 50, 120]));
        Unsup.SameMatrix(a.Transform(newRows).ToMatrix(), loaded.Transform(newRows).ToMatrix());
        Assert.Equal(["umap0", "umap1"], loaded.FeatureNamesOut);
    }

    [Fact]
    public void DisconnectedDataAndRandomInitGiveFiniteSeparatedLayouts()
    {
        // Two far-apart groups: the k-NN graph has two components (umap-learn's multi-component layout).
        var rng = new Random(3);
        var rows = new double[80][];
        for (int i = 0; i < rows.Length; i++)
        {
            double offset = i < 40 ? 0 : 1000;
            rows[i] = [offset + rng.NextDouble(), offset + rng.NextDouble(), rng.NextDouble()];
        }

        var table = Table.FromMatrix(Matrix.FromRows(rows));
        var graph = UMAP.BuildGraph(Matrix.FromRows(rows), new UMAPOptions { NNeighbors = 5 }).Graph;
        Assert.Equal(2, UmapSpectral.Components(graph).Count);
        foreach (var init in new[] { UMAPInit.Spectral, UMAPInit.Random })
        {
            var model = new UMAP(new UMAPOptions { NNeighbors = 5, RandomState = 1, Init = init, NEpochs = 200 }).Fit(table);
            Assert.All(model.Embedding.AsSpan().ToArray(), v => Assert.True(double.IsFinite(v)));
            double trust = ClusteringMetrics.Trustworthiness(Matrix.FromRows(rows), model.Embedding, 5);
            Assert.True(trust > 0.8, $"{init}: trustworthiness {trust}");
        }
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var x = Table.FromMatrix(Matrix.FromRows([[1.0, 2], [2, 1], [3, 5], [4, 4], [0, 1]]));
        var tooMany = Assert.Throws<HyperparameterException>(() => new UMAP(new UMAPOptions { NNeighbors = 5 }).Fit(x));
        Assert.Equal("n_neighbors", tooMany.Parameter);
        Assert.Contains("number of rows (5)", tooMany.Message, StringComparison.Ordinal);
        var nan = Assert.Throws<DataValidationException>(() => new UMAP(new UMAPOptions { NNeighbors = 2 }).Fit(Table.FromMatrix(Matrix.FromRows([[1.0, double.NaN], [2, 1], [3, 5]]))));
        Assert.Contains("missing value", nan.Message, StringComparison.Ordinal);
        var one = Assert.Throws<DataValidationException>(() => new UMAP().Fit(Table.FromMatrix(Matrix.FromRows([[1.0, 2]]))));
        Assert.Contains("at least 2 rows", one.Message, StringComparison.Ordinal);
        var zero = Assert.Throws<DataValidationException>(() => new UMAP(new UMAPOptions { NNeighbors = 2, Metric = UMAPMetric.Cosine }).Fit(Table.FromMatrix(Matrix.FromRows([[1.0, 2], [0, 0], [3, 5]]))));
        Assert.Contains("all zeros", zero.Message, StringComparison.Ordinal);
        Assert.Equal("min_dist", Assert.Throws<HyperparameterException>(() => new UMAP(new UMAPOptions { MinDist = 2 }).Fit(x)).Parameter);
        Assert.Equal("n_neighbors", Assert.Throws<HyperparameterException>(() => new UMAP(new UMAPOptions { NNeighbors = 1 }).Fit(x)).Parameter);
        var model = new UMAP(new UMAPOptions { NNeighbors = 3, RandomState = 0, NEpochs = 20 }).Fit(x);
        Assert.Throws<DataValidationException>(() => model.Transform(Matrix.FromRows([[double.PositiveInfinity, 1.0]])));
        Assert.Throws<DataValidationException>(() => model.Transform(Matrix.FromRows([[1.0, 2, 3]])));
    }

    [Fact]
    public void FuzzyGraphIsSymmetricWithMembershipsInUnitInterval()
    {
        Gen.Select(Gen.Int[2, 4], Gen.Int[6, 40], Gen.Int[2, 5], Gen.Double[0, 1]).SelectMany((p, n, k, mix) =>
            Gen.Double[-100, 100].Array[p].Array[n].Select(rows => (rows, k, mix))).Sample(data =>
        {
            var x = Matrix.FromRows(data.rows);
            var (_, sigmas, _, graph) = UMAP.BuildGraph(x, new UMAPOptions { NNeighbors = data.k, SetOpMixRatio = data.mix });
            Assert.All(sigmas, s => Assert.True(s > 0 || double.IsNaN(s) == false));
            var weights = new Dictionary<(int, int), double>();
            for (int i = 0; i < graph.Rows; i++)
            {
                for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++)
                {
                    Assert.NotEqual(i, graph.Column[e]);
                    Assert.InRange(graph.Weight[e], 1e-300, 1.0);
                    weights[(i, graph.Column[e])] = graph.Weight[e];
                }
            }

            foreach (var ((i, j), w) in weights)
            {
                Assert.Equal(w, weights[(j, i)]);
            }
        }, iter: 60);
    }

    private static double[] Labels(Column y) => [.. Enumerable.Range(0, y.Length).Select(i => double.Parse(y.FormatValue(i)!, System.Globalization.CultureInfo.InvariantCulture))];

    private static UMAPOptions Options(JsonElement o)
    {
        var options = new UMAPOptions();
        foreach (var p in o.EnumerateObject())
        {
            options = p.Name switch
            {
                "n_neighbors" => options with { NNeighbors = p.Value.GetInt32() },
                "metric" => options with { Metric = Enum.Parse<UMAPMetric>(p.Value.GetString()!, ignoreCase: true) },
                "local_connectivity" => options with { LocalConnectivity = p.Value.GetDouble() },
                "set_op_mix_ratio" => options with { SetOpMixRatio = p.Value.GetDouble() },
                _ => throw new InvalidOperationException(p.Name),
            };
        }

        return options;
    }

    private static double TensorDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Distance<double>(a, b);

    // 5-NN majority vote (ties: the smallest label), leave-one-out when test is null: the fixture script's rule.
    private static double KnnAccuracy(Matrix train, double[] trainLabels, Matrix? test, double[]? testLabels)
    {
        bool loo = test is null;
        test ??= train;
        testLabels ??= trainLabels;
        int correct = 0;
        for (int i = 0; i < test.Rows; i++)
        {
            var order = Enumerable.Range(0, train.Rows)
                .Where(j => !loo || j != i)
                .Select(j => (Distance: SquaredDistance(test.Row(i), train.Row(j)), Index: j))
                .OrderBy(t => t.Distance).ThenBy(t => t.Index).Take(5);
            var votes = order.GroupBy(t => trainLabels[t.Index]).Select(g => (Label: g.Key, Count: g.Count())).ToList();
            int best = votes.Max(v => v.Count);
            double label = votes.Where(v => v.Count == best).Min(v => v.Label);
            correct += label == testLabels[i] ? 1 : 0;
        }

        return (double)correct / test.Rows;
    }

    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double d = System.Numerics.Tensors.TensorPrimitives.Distance<double>(a, b);
        return d * d;
    }
}
