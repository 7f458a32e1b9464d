using System.Buffers;
using System.Text.Json;
using CsCheck;
using NetLearn.Data;
using NetLearn.Datasets;
using NetLearn.Ensembles;
using NetLearn.Estimators;
using NetLearn.Serving.Protocols;
using NetLearn.Serving.Tests.Infrastructure;
using NetLearn.Trees;

namespace NetLearn.Serving.Tests;

/// <summary>
/// The fast request path (<see cref="FastRows"/>, one model pass for labels and probabilities, pooled response buffers)
/// gives exactly what the general path gives, and hands every body it does not take to the general path.
/// </summary>
public sealed class RequestPathTests
{
    private static readonly Schema Mixed = new([new("a", ColumnKind.Numeric), new("b", ColumnKind.Numeric), new("city", ColumnKind.Categorical)]);

    /// <summary>One cell as the generator writes it; <c>Kind</c> 0 number, 1 null, 2 text, 3 numeric text, 4 boolean, 5 array.</summary>
    private readonly record struct Cell(int Kind, double Number, string Text);

    private static readonly Gen<Cell> NumberCell = Gen.OneOf(
        Gen.Select(Gen.Double[-1e6, 1e6], d => new Cell(0, d, "")),
        Gen.Select(Gen.Int[-5, 5], i => new Cell(0, i, "")),
        Gen.Const(new Cell(1, 0, "")));

    private static readonly Gen<Cell> TextCell = Gen.OneOf(
        Gen.Const(new Cell(1, 0, "")),
        Gen.Select(Gen.String[Gen.Char["abcxyzé\"\\ "], 0, 6], s => new Cell(2, 0, s)));

    private static readonly Gen<Cell[]> CleanCells = Gen.Select(NumberCell, NumberCell, TextCell, (a, b, city) => new[] { a, b, city });

    private static readonly Gen<Cell> AnyCell = Gen.Frequency(
        (6, NumberCell),
        (6, TextCell),
        (1, Gen.Const(new Cell(3, 0, "4.5"))),
        (1, Gen.Const(new Cell(4, 0, ""))),
        (1, Gen.Const(new Cell(5, 0, ""))));

    /// <summary>A row: cells for a, b, city; the key order; whether to add an unknown key, drop a key, or repeat one.</summary>
    private readonly record struct Row(Cell[] Cells, int[] Order, bool Extra, int Drop, int Repeat);

    private static Gen<Row> Rows(Gen<Cell[]> cells, bool clean) =>
        Gen.Select(cells, Gen.Shuffle(new[] { 0, 1, 2 }), Gen.Bool, Gen.Int[0, clean ? 0 : 30], Gen.Int[0, clean ? 0 : 30],
            (cells, order, extra, drop, repeat) => new Row(cells, order, extra, drop < 3 && !clean ? drop : -1, repeat < 3 && !clean ? repeat : -1));

    private static byte[] Body(Row[] rows, bool wrap = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (wrap)
            {
                w.WriteStartObject();
                w.WriteString("model", "ignored");
                w.WriteStartArray("rows");
            }

            foreach (var row in rows)
            {
                w.WriteStartObject();
                if (row.Extra)
                {
                    w.WriteStartObject("unused");
                    w.WriteNumber("x", 1);
                    w.WriteEndObject();
                }

                foreach (int c in row.Order)
                {
                    if (c == row.Drop)
                    {
                        continue;
                    }

                    for (int copy = 0; copy < (c == row.Repeat ? 2 : 1); copy++)
                    {
                        w.WritePropertyName(Mixed.Columns[c].Name);
                        var cell = row.Cells[c];
                        switch (cell.Kind)
                        {
                            case 0: w.WriteNumberValue(cell.Number); break;
                            case 1: w.WriteNullValue(); break;
                            case 2 or 3: w.WriteStringValue(cell.Text); break;
                            case 4: w.WriteBooleanValue(true); break;
                            default: w.WriteStartArray(); w.WriteEndArray(); break;
                        }
                    }
                }

                w.WriteEndObject();
            }

            if (wrap)
            {
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The general path's answer: the table, or the error message.</summary>
    private static (Table? Table, string? Error) General(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return (JsonInputs.Rows(document.RootElement.GetProperty("rows"), Mixed, "rows").ToTable(), null);
        }
        catch (NetLearnException e)
        {
            return (null, e.Message);
        }
    }

    private static void AssertSameTable(Table expected, Table actual)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        for (int c = 0; c < expected.Columns.Count; c++)
        {
            Assert.Equal(expected.Columns[c].Kind, actual.Columns[c].Kind);
            for (int r = 0; r < expected.RowCount; r++)
            {
                Assert.Equal(expected.Columns[c].FormatValue(r), actual.Columns[c].FormatValue(r));
            }
        }
    }

    [Fact]
    public void Clean_named_column_rows_take_the_fast_path_and_match_the_general_path()
    {
        Rows(CleanCells, clean: true).Array[1, 70].Sample(rows =>
        {
            byte[] body = Body(rows);
            Assert.True(FastRows.TryRead(body, Mixed, out var fast), "a clean body must take the fast path");
            var (table, error) = General(body);
            Assert.Null(error);
            AssertSameTable(table!, fast!.ToTable());
        }, iter: 300);
    }

    [Fact]
    public void Bodies_the_fast_path_takes_answer_exactly_as_the_general_path_and_the_rest_fall_back()
    {
        int fallbacks = 0;
        Rows(AnyCell.Array[3], clean: false).Array[1, 12].Sample(rows =>
        {
            byte[] body = Body(rows);
            if (FastRows.TryRead(body, Mixed, out var fast))
            {
                var (table, error) = General(body);
                Assert.Null(error);
                AssertSameTable(table!, fast!.ToTable());
            }
            else
            {
                Interlocked.Increment(ref fallbacks);
                bool anomalous = rows.Any(r => r.Drop >= 0 || r.Repeat >= 0 || r.Cells.Any(c => c.Kind >= 3) || r.Cells.Take(2).Any(c => c.Kind == 2) || r.Cells[2].Kind == 0);
                Assert.True(anomalous, "a body without anything unusual fell back");
            }
        }, iter: 500);
        Assert.True(fallbacks > 0, "the generator must reach the fallback");
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"rows\": []}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}]} trailing")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}], \"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}]}")]
    [InlineData("{\"instances\": [[1, 2, \"x\"]]}")]
    [InlineData("{\"rows\": [{\"a\": 1e999, \"b\": 2, \"city\": \"x\"}]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": 3}]}")]
    [InlineData("{\"rows\": [[1, 2, \"x\"]]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}, 5]}")]
    [InlineData("{\"rows\": [{\"a\": 1, \"b\": 2, \"city\": \"x\"}")]
    public void Unusual_or_invalid_bodies_go_to_the_general_path(string body)
    {
        Assert.False(FastRows.TryRead(System.Text.Encoding.UTF8.GetBytes(body), Mixed, out var batch));
        Assert.Null(batch);
    }

    [Fact]
    public void Escaped_column_names_and_unknown_keys_are_read_like_the_general_path()
    {
        byte[] body = System.Text.Encoding.UTF8.GetBytes("{\"rows\": [{\"\\u0061\": 1.5, \"zz\": [1, {\"q\": 2}], \"city\": \"Oslo\", \"b\": null}]}");
        Assert.True(FastRows.TryRead(body, Mixed, out var fast));
        AssertSameTable(General(body).Table!, fast!.ToTable());
        Assert.Equal(1.5, fast.ToTable().Columns[0].ToDoubleArray()[0]);
    }

    [Fact]
    public void One_pass_classifiers_answer_the_models_own_labels_and_probabilities()
    {
        var (x, y) = Dataset.LoadXy("iris");
        IClassifier[] models =
        [
            TestModels.Iris,
            (IClassifier)new RandomForestClassifier().WithParameter("n_estimators", "15").WithParameter("random_state", "0").FitModel(x, y),
            (IClassifier)new DecisionTreeClassifier().WithParameter("max_depth", "3").FitModel(x, y),
        ];
        foreach (var model in models)
        {
            Assert.True(NlmServable.LabelsAreArgMaxOfProbabilities(model), model.Kind);
            var servable = new NlmServable(model, new System.Text.Json.Nodes.JsonObject());
            var batch = new InputBatch(model.InputSchema, x.RowCount);
            for (int c = 0; c < model.InputSchema.Count; c++)
            {
                double[] values = x[model.InputSchema.Columns[c].Name].ToDoubleArray();
                for (int r = 0; r < values.Length; r++)
                {
                    batch.SetNumber(c, r, values[r]);
                }
            }

            var prediction = servable.Predict(batch);
            var expected = model.Predict(x);
            var proba = model.PredictProba(x);
            for (int r = 0; r < x.RowCount; r++)
            {
                Assert.Equal(expected.FormatValue(r), prediction.Values.FormatValue(r));
                Assert.Equal(proba.Row(r).ToArray(), prediction.Probabilities!.Row(r).ToArray());
            }
        }
    }

    [Fact]
    public async Task Responses_have_a_content_length_and_the_fast_and_general_paths_answer_alike()
    {
        await using var s = await TestServer.StartAsync();
        const string fast = """{"rows": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}""";
        const string general = """{"rows": [{"sepal_length": "5.1", "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}""";
        var (status, body, response) = await s.SendAsync(HttpMethod.Post, "/v1/models/iris:predict", fast);
        Assert.Equal(200, status);
        Assert.NotNull(response.Content.Headers.ContentLength);
        Assert.Null(response.Headers.TransferEncodingChunked);
        var (status2, body2, _) = await s.SendAsync(HttpMethod.Post, "/v1/models/iris:predict", general);
        Assert.Equal(200, status2);
        Assert.Equal(body!.ToJsonString(), body2!.ToJsonString());
        Assert.Equal("setosa", body!["predictions"]![0]!.GetValue<string>());
    }
}
