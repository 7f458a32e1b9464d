// The ML.NET side of the PCA case: ML.NET 5.0.1's RandomizedPca trainer (Microsoft.ML.PCA) fitted on the same rows.
// ML.NET works in float32 and makes one pass for the mean, one for Y = X·Ω and one for B = QᵀX (no power iterations),
// so its subspace is cheaper and usually less accurate; the explained variance ratio of its components is computed
// afterwards (outside the timing) from the same data so the quality can be compared with NetLearn's and scikit-learn's.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using NetLearn.Data;

internal static class MlNetPeer
{
    /// <summary>Fits ML.NET's RandomizedPca with <paramref name="rank"/> components; returns wall and CPU seconds and the explained variance ratio of its components.</summary>
    public static (double Seconds, double CpuSeconds, string Quality) RandomizedPca(Table table, int rank)
    {
        var x = table.ToMatrix();
        int n = x.Rows, p = x.Columns;
        var rows = new List<FeatureRow>(n);
        for (int i = 0; i < n; i++)
        {
            var row = new float[p];
            for (int j = 0; j < p; j++)
            {
                row[j] = (float)x[i, j];
            }

            rows.Add(new FeatureRow { Features = row });
        }

        var ml = new MLContext(seed: 0);
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, p);
        var trainer = ml.AnomalyDetection.Trainers.RandomizedPca(nameof(FeatureRow.Features), rank: rank, oversampling: 20, ensureZeroMean: true, seed: 0);

        // JIT warm-up on a small slice, as for NetLearn.
        trainer.Fit(ml.Data.LoadFromEnumerable(rows.Take(2000), schema));
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var model = trainer.Fit(data);
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        VBuffer<float>[] vectors = [];
        model.Model.GetEigenVectors(ref vectors, out int found);
        return (seconds, cpuSeconds, string.Create(CultureInfo.InvariantCulture, $"explained {ExplainedRatio(x, vectors, found):F6}"));
    }

    // Σ_c var(X·v_c) / total variance, with X centred by its column means.
    private static double ExplainedRatio(NetLearn.LinearAlgebra.Matrix x, VBuffer<float>[] vectors, int count)
    {
        int n = x.Rows, p = x.Columns;
        var mean = new double[p];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++)
            {
                mean[j] += x[i, j] / n;
            }
        }

        var v = new double[count][];
        for (int c = 0; c < count; c++)
        {
            var dense = vectors[c].DenseValues().Select(f => (double)f).ToArray();
            double norm = Math.Sqrt(dense.Sum(d => d * d));
            v[c] = dense.Select(d => d / norm).ToArray();
        }

        double total = 0, explained = 0;
        var centred = new double[p];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++)
            {
                centred[j] = x[i, j] - mean[j];
                total += centred[j] * centred[j];
            }

            for (int c = 0; c < count; c++)
            {
                double score = 0;
                for (int j = 0; j < p; j++)
                {
                    score += centred[j] * v[c][j];
                }

                explained += score * score;
            }
        }

        return explained / total;
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
