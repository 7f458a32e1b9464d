using System.CommandLine;
using System.Text.Json.Nodes;
using NetLearn.Datasets;
using Spectre.Console;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn datasets</c>: list and export the embedded datasets.</summary>
public static class DatasetsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var list = new Command("list", "List the embedded datasets.") { json };
        list.SetAction(parse =>
        {
            if (parse.GetValue(json))
            {
                console.WriteJson(new JsonArray([.. Dataset.All.Select(d => (JsonNode)new JsonObject
                {
                    ["name"] = d.Name,
                    ["task"] = d.Task.ToString().ToLowerInvariant(),
                    ["rows"] = d.Rows,
                    ["features"] = d.Features,
                    ["description"] = d.Description,
                })]));
                return ExitCodes.Ok;
            }

            var table = new Spectre.Console.Table().AddColumns("name", "task", "rows", "features", "description");
            foreach (var d in Dataset.All)
            {
                table.AddRow(d.Name, d.Task.ToString().ToLowerInvariant(), d.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Features.ToString(System.Globalization.CultureInfo.InvariantCulture), Spectre.Console.Markup.Escape(d.Description));
            }

            console.Human.Write(table);
            return ExitCodes.Ok;
        });

        var name = new Argument<string>("name") { Description = "Dataset name (see 'netlearn datasets list')." };
        var output = new Option<string>("--out") { Description = "Output file (CSV, Parquet or Arrow by extension).", Required = true };
        var export = new Command("export", "Write an embedded dataset to a file.") { name, output };
        export.SetAction(parse =>
        {
            var table = Dataset.Load(parse.GetValue(name)!);
            string outPath = parse.GetValue(output)!;
            table.Save(outPath);
            console.Notice($"Wrote {table.RowCount} rows x {table.ColumnCount} columns to {outPath} (target column: '{Dataset.TargetColumn}').");
            return ExitCodes.Ok;
        });

        return new Command("datasets", "The datasets embedded in NetLearn (iris, wine, breast_cancer, digits, diabetes).") { list, export };
    }
}
