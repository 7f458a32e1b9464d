using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NetLearn.Datasets;
using NetLearn.Serving;
using Spectre.Console;

namespace NetLearn.Cli.Commands;

/// <summary>
/// <c>netlearn quickstart</c>: the whole lifecycle on an embedded dataset — load, train, evaluate, save, serve on a free
/// local port, send one request, print the answer, stop.
/// </summary>
public static class QuickstartCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var dataset = new Option<string>("--dataset") { Description = "Embedded dataset to use.", DefaultValueFactory = _ => "iris" };
        var model = new Option<string>("--model") { Description = "Model to train.", DefaultValueFactory = _ => "logistic-regression" };
        var output = new Option<string?>("--out") { Description = "Where to keep the model file (default: a temporary folder, deleted afterwards)." };
        var command = new Command("quickstart", "Train, evaluate, save and serve a model on an embedded dataset, then query it once.") { dataset, model, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string name = parse.GetValue(dataset)!;
            var data = Dataset.Load(name);
            console.Human.MarkupLine($"[bold]1. Data[/]  embedded dataset '{Markup.Escape(name)}': {data.RowCount} rows, {data.ColumnCount - 1} features, target '{Dataset.TargetColumn}'.");

            var request = new TrainRequest { Data = data, DataName = name, Target = Dataset.TargetColumn, Model = parse.GetValue(model)! };
            var result = console.WithProgress($"Training {request.Model}", progress => Training.Run(request, progress, cancellationToken));
            console.Human.MarkupLine($"[bold]2. Train[/] {Markup.Escape(result.Entry.Name)} with default preprocessing on {result.TrainRows} rows in {Training.Format(result.FitSeconds)} s.");
            console.Human.MarkupLine($"[bold]3. Evaluate[/] on {result.TestRows} held-out rows: {string.Join(", ", result.Metrics.Select(m => $"{m.Key} {Training.Format(m.Value)}"))}");

            string? keep = parse.GetValue(output);
            string folder = keep is null ? Directory.CreateTempSubdirectory("netlearn-quickstart-").FullName : "";
            string modelPath = keep ?? Path.Combine(folder, $"{name}.nlm");
            try
            {
                Training.Save(result, request, modelPath);
                console.Human.MarkupLine($"[bold]4. Save[/]  {Markup.Escape(modelPath)} ({new FileInfo(modelPath).Length / 1024.0:0.0} KiB).");

                await using var server = ModelServer.Create(new ServerOptions { ModelPath = modelPath, ModelName = name, Port = 0 });
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
                console.Human.MarkupLine($"[bold]5. Serve[/] {server.Address}v1/models/{Markup.Escape(name)}:predict");

                var example = result.Test!;
                var row = new JsonObject();
                foreach (var column in example.Columns.Where(c => c.Name != Dataset.TargetColumn))
                {
                    row[column.Name] = JsonValue.Create(column.GetValue(0));
                }

                var body = new JsonObject { ["rows"] = new JsonArray(row) };
                using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
                console.Human.MarkupLine($"[bold]6. Ask[/]   POST {Markup.Escape(body.ToJsonString())}");
                using var response = await http.PostAsJsonAsync($"v1/models/{name}:predict", body, cancellationToken).ConfigureAwait(false);
                string answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"The server answered {(int)response.StatusCode}: {answer}");
                }

                console.Human.MarkupLine($"[bold]7. Answer[/] {Markup.Escape(answer)}");
                console.Human.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"         (true {Dataset.TargetColumn}: {example[Dataset.TargetColumn].FormatValue(0)})"));
                await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
                console.Human.MarkupLine("[bold]8. Stop[/]  server stopped. Next: 'netlearn train --help'.");
            }
            finally
            {
                if (keep is null)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
