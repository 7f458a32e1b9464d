using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NetLearn.Cli.Tests.Infrastructure;
using NetLearn.Deep.Data;
using NetLearn.Serving;

namespace NetLearn.Cli.Tests;

/// <summary>Networks through the command line and the server, as a user runs them.</summary>
public sealed class DeepCliTests : IClassFixture<CliFixture>
{
    private readonly CliFixture _files;

    public DeepCliTests(CliFixture files)
    {
        _files = files;
    }

    private static string Fashion(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fashion-mnist", name);

    /// <summary>Writes Fashion-MNIST images of three classes as PNG files in class sub-folders (and a few unlabelled ones).</summary>
    private static void WriteImageFolder(string root, string unlabelled, int perClass)
    {
        string[] names = ["tshirt", "trouser", "bag"];
        int[] codes = [0, 1, 8];
        var (shape, pixels) = IdxFile.Read(Fashion("train-images-idx3-ubyte.gz"));
        var (_, labels) = IdxFile.Read(Fashion("train-labels-idx1-ubyte.gz"));
        int size = shape[1] * shape[2];
        Directory.CreateDirectory(unlabelled);
        for (int k = 0; k < names.Length; k++)
        {
            string dir = Directory.CreateDirectory(Path.Combine(root, names[k])).FullName;
            int written = 0;
            for (int i = 0; i < labels.Length && written < perClass + 2; i++)
            {
                if (labels[i] != codes[k])
                {
                    continue;
                }

                string target = written < perClass ? Path.Combine(dir, $"{i}.png") : Path.Combine(unlabelled, $"{names[k]}-{i}.png");
                ImageFolder.SaveGreyPng(target, pixels.AsSpan(i * size, size), shape[2], shape[1]);
                written++;
            }
        }
    }

    [Fact]
    public async Task A_cnn_trains_on_an_image_folder_then_evaluates_and_predicts_without_a_target()
    {
        using var dir = new TempDir();
        string images = dir.File("images"), unlabelled = dir.File("new");
        WriteImageFolder(images, unlabelled, perClass: 40);
        string model = dir.File("cnn.nlm");
        var json = await Expect.JsonAsync(
            "train", "--data", images, "--model", "cnn", "--out", model, "--json",
            "--set", "epochs=3", "--set", "batch_size=16", "--set", "lr=0.003", "--set", "filters=[8]", "--set", "dense_units=16", "--set", "threads=1");
        Assert.Equal("cnn", json["model"]!.GetValue<string>());
        Assert.Equal(96, json["train_rows"]!.GetValue<int>());
        var history = json["history"]!.AsArray();
        Assert.Equal(3, history.Count);
        Assert.Equal(1, history[0]!["epoch"]!.GetValue<int>());
        Assert.NotNull(history[0]!["train_loss"]);
        Assert.NotNull(history[0]!["val_accuracy"]);
        Assert.True(json["metrics"]!["accuracy"]!.GetValue<double>() > 0.6, json.ToJsonString());

        var evaluation = await Expect.JsonAsync("evaluate", "--model", model, "--data", images, "--json");
        Assert.True(evaluation["metrics"]!["accuracy"]!.GetValue<double>() > 0.7, evaluation.ToJsonString());

        string output = dir.File("predictions.csv");
        await Expect.OkAsync("predict", "--model", model, "--data", unlabelled, "--out", output, "--proba");
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(7, lines.Length); // header + 2 unlabelled images of each class
        Assert.StartsWith("prediction,proba_bag,proba_trouser,proba_tshirt", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines.Skip(1), l => l.StartsWith("trouser", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_mlp_trained_by_the_cli_is_served_and_predicts_like_the_cli()
    {
        using var dir = new TempDir();
        string model = dir.File("flowers.nlm");
        var json = await Expect.JsonAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "mlp", "--out", model, "--json",
            "--set", "epochs=40", "--set", "lr=0.01", "--set", "hidden_layer_sizes=[16]");
        Assert.Equal(40, json["history"]!.AsArray().Count);
        Assert.True(json["metrics"]!["accuracy"]!.GetValue<double>() > 0.85, json.ToJsonString());

        string rows = dir.Write("rows.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        await Expect.OkAsync("predict", "--model", model, "--data", rows, "--out", dir.File("p.csv"));
        string[] cli = [.. File.ReadAllLines(dir.File("p.csv")).Skip(1)];

        await using var server = ModelServer.Create(new ServerOptions { ModelPath = model, Port = 0 });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        string body = """{"rows":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2},{"sepal_length":6.7,"sepal_width":3.0,"petal_length":5.2,"petal_width":2.3}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("v1/models/flowers:predict", UriKind.Relative), content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var answer = JsonNode.Parse(text)!;
        Assert.Equal(cli, answer["predictions"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["setosa", "virginica"], cli);
        await server.StopAsync();
    }

    [Fact]
    public async Task A_diverging_network_stops_with_a_message_naming_the_epoch()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunAsync("train", "--data", _files.DiabetesCsv, "--target", "target", "--model", "mlp-regressor", "--out", dir.File("m.nlm"),
            "--set", "optimizer=sgd", "--set", "lr=1000000", "--set", "epochs=3");
        Expect.BadInput(result, "epoch 1", "Lower the learning rate");
        Assert.False(File.Exists(dir.File("m.nlm")));
    }

    [Fact]
    public async Task A_table_without_target_and_a_bad_hyperparameter_are_usage_errors()
    {
        using var dir = new TempDir();
        Expect.BadInput(await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--model", "mlp", "--out", dir.File("m.nlm")), "--target");
        Expect.BadInput(await CliRunner.RunAsync("train", "--data", _files.IrisCsv, "--target", "target", "--model", "cnn", "--out", dir.File("m.nlm"), "--set", "dropout=2"), "dropout");
        Expect.BadInput(await CliRunner.RunAsync("train", "--data", dir.Path, "--model", "cnn", "--out", dir.File("m.nlm")), "No images");
    }
}
