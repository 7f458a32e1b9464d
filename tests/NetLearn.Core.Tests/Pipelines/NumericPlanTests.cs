using CsCheck;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Linear;
using NetLearn.LinearAlgebra;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;

namespace NetLearn.Core.Tests.Pipelines;

/// <summary>
/// The compiled numeric path of pipelines (imputer/scaler/column transformer before a logistic regression) against the
/// step-by-step table path it replaces: bit-identical probabilities and identical labels and errors.
/// </summary>
public class NumericPlanTests
{
    // Columns of random numbers (some missing), a 3-class target that depends on them, and rows to predict.
    private static readonly Gen<(double[][] Train, string[] Target, double[][] Rows)> Data =
        Gen.Select(Gen.Int[2, 6], Gen.Int[30, 60], Gen.Int[1, 40]).SelectMany((p, n, m) => Gen.Select(
            Gen.Double[-100, 100].Array[n].Array[p],
            Gen.Double[-300, 300].Array[m].Array[p],
            Gen.Int[0, 9].Array[m].Array[p]).Select((train, rows, holes) =>
            {
                var target = Enumerable.Range(0, n).Select(i => train[0][i] + (0.5 * train[1][i]) > 20 ? "a" : train[0][i] < -30 ? "b" : "c").ToArray();
                for (int c = 0; c < p; c++)
                {
                    train[c][c] = double.NaN; // every column has a missing value to learn a mean from
                    for (int r = 0; r < m; r++)
                    {
                        if (holes[c][r] == 0)
                        {
                            rows[c][r] = double.NaN;
                        }
                    }
                }

                return (train, target, rows);
            }));

    private static string?[] Labels(Column column) => [.. Enumerable.Range(0, column.Length).Select(column.FormatValue)];

    private static Table ToTable(double[][] columns) => new(columns.Select((c, i) => (Column)new NumericColumn($"f{i}", c)));

    private static ClassifierPipelineModel Fit(Table train, string[] target, bool scale, bool oneVsRest = false) =>
        (ClassifierPipelineModel)DefaultPreprocessing.For(train, new LogisticRegression(new LogisticRegressionOptions { MaxIter = 200, Solver = oneVsRest ? LogisticSolver.Liblinear : null }), scale)
            .FitModel(train, CategoricalColumn.FromValues("y", target));

    [Fact]
    public void The_compiled_path_gives_the_table_paths_probabilities_bit_for_bit() => Data.Sample(data =>
    {
        var train = ToTable(data.Train);
        foreach (bool scale in new[] { true, false })
        {
            var model = Fit(train, data.Target, scale);
            Assert.NotNull(model.Plan); // the default numeric preprocessing compiles
            var rows = ToTable(data.Rows);
            var final = (LogisticRegressionModel)model.Final;
            var expected = final.PredictProba(model.Transform(rows));

            var proba = model.PredictProba(rows);
            Assert.Equal(expected.AsSpan().ToArray(), proba.AsSpan().ToArray());
            Assert.Equal(Labels(final.Predict(model.Transform(rows))), Labels(model.Predict(rows)));

            var matrix = rows.ToMatrix(allowMissing: true);
            var before = matrix.AsSpan().ToArray();
            Assert.Equal(expected.AsSpan().ToArray(), model.TryPredictProba(matrix)!.AsSpan().ToArray());
            Assert.Equal(before, matrix.AsSpan().ToArray()); // the caller's matrix is not modified
        }
    }, iter: 60);

    [Fact]
    public void Without_an_imputer_a_missing_value_is_refused_exactly_as_before()
    {
        var train = ToTable([[1, 2, 3, 4, 5, 6], [6, 1, 5, 2, 4, 3]]);
        var y = CategoricalColumn.FromValues("y", ["a", "a", "b", "b", "a", "b"]);
        var model = (ClassifierPipelineModel)new Pipeline(new Step("scale", new StandardScaler()), new Step("model", new LogisticRegression())).FitModel(train, y);
        Assert.NotNull(model.Plan);
        var rows = ToTable([[1, double.NaN], [2, 3]]);

        var reference = Assert.Throws<DataValidationException>(() => model.Final is IClassifier c ? c.PredictProba(model.Transform(rows)) : null);
        var thrown = Assert.Throws<DataValidationException>(() => model.PredictProba(rows));
        Assert.Equal(reference.Message, thrown.Message);
        Assert.Throws<DataValidationException>(() => model.Predict(rows));
        Assert.Null(model.TryPredictProba(rows.ToMatrix(allowMissing: true)));

        // Finite rows take the compiled path and agree with the table path.
        var ok = ToTable([[1, 2.5], [2, 3]]);
        Assert.Equal(((IClassifier)model.Final).PredictProba(model.Transform(ok)).AsSpan().ToArray(), model.PredictProba(ok).AsSpan().ToArray());
    }

    [Fact]
    public void One_vs_rest_and_nested_pipelines_agree_with_the_table_path()
    {
        var gen = new Random(7);
        double[][] columns = [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 40).Select(_ => (gen.NextDouble() * 10) - 5).ToArray())];
        var train = ToTable(columns);
        string[] target = [.. Enumerable.Range(0, 40).Select(i => columns[0][i] > 1 ? "x" : columns[1][i] > 0 ? "y" : "z")];
        var y = CategoricalColumn.FromValues("y", target);
        var rows = ToTable([[0.5, -2, 7], [1, 2, 3], [-4, 0, 1]]);

        var ovr = Fit(train, target, scale: true, oneVsRest: true);
        Assert.NotNull(ovr.Plan);
        Assert.Equal(((IClassifier)ovr.Final).PredictProba(ovr.Transform(rows)).AsSpan().ToArray(), ovr.PredictProba(rows).AsSpan().ToArray());

        // A pipeline whose final step is itself a pipeline is not compiled (the table path keeps its behaviour).
        var inner = new Pipeline(new Step("scale", new StandardScaler()), new Step("model", new LogisticRegression()));
        var nested = (ClassifierPipelineModel)new Pipeline(new Step("scale", new StandardScaler(new StandardScalerOptions { WithStd = false })), new Step("inner", inner)).FitModel(train, y);
        Assert.Null(nested.Plan);
        Assert.Equal(((IClassifier)nested.Final).PredictProba(nested.Transform(rows)).AsSpan().ToArray(), nested.PredictProba(rows).AsSpan().ToArray());
    }
}
