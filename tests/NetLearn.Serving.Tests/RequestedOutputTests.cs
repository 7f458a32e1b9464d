using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.Serving.Tests;

/// <summary>Requested outputs are computed only as asked: a classifier whose labels are not its probabilities' argmax.</summary>
public sealed class RequestedOutputTests
{
    /// <summary>A classifier that counts its calls: labels are always "b", probabilities favour "a".</summary>
    private sealed class CountingClassifier : IClassifier
    {
        public int PredictCalls;
        public int ProbaCalls;

        public string Kind => "counting";

        public ModelTask Task => ModelTask.Classification;

        public Schema InputSchema { get; } = new([new("x", ColumnKind.Numeric)]);

        public EstimatorOptions Options { get; } = new NetLearn.Pipelines.CompositeOptions();

        public Column Classes { get; } = CategoricalColumn.FromValues("y", ["a", "b"]);

        public void Save(ModelWriter writer) => throw new NotSupportedException();

        public Column Predict(Table features)
        {
            Interlocked.Increment(ref PredictCalls);
            return CategoricalColumn.FromValues("y", [.. Enumerable.Repeat("b", features.RowCount)]);
        }

        public Matrix PredictProba(Table features)
        {
            Interlocked.Increment(ref ProbaCalls);
            var m = new Matrix(features.RowCount, 2);
            for (int r = 0; r < m.Rows; r++)
            {
                m[r, 0] = 0.75;
                m[r, 1] = 0.25;
            }

            return m;
        }
    }

    private static InputBatch Batch(Schema schema)
    {
        var batch = new InputBatch(schema, 2);
        batch.SetNumber(0, 0, 1);
        batch.SetNumber(0, 1, 2);
        return batch;
    }

    [Fact]
    public void Only_the_asked_outputs_are_computed()
    {
        var model = new CountingClassifier();
        var servable = new NlmServable(model, new System.Text.Json.Nodes.JsonObject());

        var labels = servable.Predict(Batch(model.InputSchema), PredictionOutputs.Labels);
        Assert.Equal((1, 0), (model.PredictCalls, model.ProbaCalls));
        Assert.Null(labels.Probabilities);
        Assert.Equal("b", labels.Values.FormatValue(1));

        var proba = servable.Predict(Batch(model.InputSchema), PredictionOutputs.Probabilities);
        Assert.Equal((1, 1), (model.PredictCalls, model.ProbaCalls));
        Assert.Equal(0.75, proba.Probabilities![1, 0]);
        Assert.Equal("b", proba.Values.FormatValue(0)); // labels, if a writer asks after all, are the model's own
        Assert.Equal((2, 1), (model.PredictCalls, model.ProbaCalls));

        var both = servable.Predict(Batch(model.InputSchema), PredictionOutputs.All);
        Assert.Equal((3, 2), (model.PredictCalls, model.ProbaCalls));
        Assert.NotNull(both.Probabilities);
    }
}
