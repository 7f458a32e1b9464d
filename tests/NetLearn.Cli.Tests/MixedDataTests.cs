using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;

namespace NetLearn.Cli.Tests;

/// <summary>A hand-written CSV of the kind users bring: numbers with blanks, a categorical column with blanks, free text, a yes/no target.</summary>
public sealed class MixedDataTests : IDisposable
{
    private static readonly string[] Cities = ["Oslo", "Bergen", "Tromsø"];

    private readonly TempDir _dir = new();

    public MixedDataTests()
    {
        var csv = new StringBuilder("age,income,city,comment,bought\n");
        for (int i = 0; i < 80; i++)
        {
            int age = 20 + (i * 7 % 50);
            double income = 10 + (i * 37 % 90);
            string city = Cities[i % 3];
            bool bought = income > 55 || (city == "Bergen" && age < 30);
            string ageText = i % 9 == 4 ? "" : age.ToString(CultureInfo.InvariantCulture);
            string incomeText = i % 11 == 6 ? "" : income.ToString("0.0", CultureInfo.InvariantCulture);
            string cityText = i % 10 == 3 ? "" : city;
            string comment = i % 4 == 0 ? $"\"customer {i}, called twice\"" : $"note number {i}";
            csv.Append(CultureInfo.InvariantCulture, $"{ageText},{incomeText},{cityText},{comment},{(bought ? "yes" : "no")}\n");
        }

        Data = _dir.Write("customers.csv", csv.ToString());
    }

    private string Data { get; }

    public void Dispose() => _dir.Dispose();

    private async Task<CliResult> TrainAsync() =>
        await Expect.OkAsync("train", "--data", Data, "--target", "bought", "--model", "logistic-regression", "--out", _dir.File("c.nlm"), "--json");

    [Fact]
    public async Task Trains_and_notes_the_ignored_free_text_column_on_stderr()
    {
        var result = await TrainAsync();

        var json = Expect.SingleJsonObject(result.Stdout);
        Assert.Equal(["comment"], json["ignored_columns"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains("column 'comment' is not used", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("free text", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(80, json["train_rows"]!.GetValue<int>() + json["test_rows"]!.GetValue<int>());
        Assert.True(json["metrics"]!["accuracy"]!.GetValue<double>() >= 0.7, json.ToJsonString());
    }

    [Fact]
    public async Task The_manifest_lists_the_used_columns_with_their_kinds_and_the_yes_no_classes()
    {
        await TrainAsync();
        var manifest = JsonNode.Parse((await Expect.OkAsync("inspect", _dir.File("c.nlm"))).Stdout)!;

        var schema = manifest["input_schema"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["type"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["age"] = "numeric", ["income"] = "numeric", ["city"] = "categorical" }, schema);
        Assert.Equal(["no", "yes"], manifest["output_schema"]!["classes"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public async Task Predicts_on_rows_with_an_unseen_city_and_blanks()
    {
        await TrainAsync();
        string input = _dir.Write("new.csv", "age,income,city,comment\n33,70.5,Stavanger,hello\n,20,Oslo,\n45,,,x\n28,15,Bergen,\"a, b\"\n");

        await Expect.OkAsync("predict", "--model", _dir.File("c.nlm"), "--data", input, "--out", _dir.File("p.csv"), "--proba");

        var predictions = CsvText.Read(_dir.File("p.csv"));
        Assert.Equal(["prediction", "proba_no", "proba_yes"], predictions.Header);
        Assert.Equal(4, predictions.Rows.Count);
        Assert.All(predictions.Column("prediction"), p => Assert.Contains(p, new[] { "yes", "no" }));
        Assert.Equal("yes", predictions.Column("prediction")[0]); // high income
        Assert.Equal("no", predictions.Column("prediction")[1]); // low income, Oslo
    }

    [Fact]
    public async Task Predicts_on_a_single_row_without_the_ignored_column()
    {
        await TrainAsync();
        string input = _dir.Write("one.csv", "city,income,age\nStavanger,80,40\n");

        await Expect.OkAsync("predict", "--model", _dir.File("c.nlm"), "--data", input, "--out", _dir.File("p.csv"));

        Assert.Equal(["yes"], CsvText.Read(_dir.File("p.csv")).Column("prediction"));
    }
}
