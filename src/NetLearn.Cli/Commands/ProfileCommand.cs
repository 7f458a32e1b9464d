using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Plotting.Profiling;

namespace NetLearn.Cli.Commands;

/// <summary><c>netlearn profile</c>: a one-page HTML report on a data file (overview, columns, correlations, warnings).</summary>
public static class ProfileCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "The data: CSV (streamed, any size), Parquet or Arrow.", Required = true };
        var target = new Option<string?>("--target") { Description = "The target column: adds its relationships with the features and leakage checks." };
        var output = new Option<string>("--out") { Description = "The folder to write index.html into (created if needed).", Required = true };
        var sample = new Option<int>("--sample-rows") { Description = "Rows in the uniform sample behind quantiles, charts and correlations.", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the row sample.", DefaultValueFactory = _ => 42 };
        var json = new Option<bool>("--json") { Description = "Print one JSON summary object instead of text." };
        var command = new Command("profile", "Profile a data file into a self-contained HTML report (DIR/index.html).") { data, target, output, sample, seed, json };
        command.SetAction(parse =>
        {
            string outDir = parse.GetValue(output)!;
            if (File.Exists(outDir))
            {
                throw new UsageException($"--out must be a folder, but '{outDir}' is a file. Name a folder; the report is written as FOLDER/index.html.");
            }

            var options = new ProfileOptions { Target = parse.GetValue(target), SampleRows = parse.GetValue(sample), Seed = parse.GetValue(seed) };
            var profile = DataProfiler.Profile(parse.GetValue(data)!, options);
            string report = ProfileReport.Write(profile, outDir);
            if (parse.GetValue(json))
            {
                console.WriteJson(new JsonObject
                {
                    ["report"] = Path.GetFullPath(report),
                    ["rows"] = profile.Rows,
                    ["columns"] = profile.Columns.Count,
                    ["missing_cells"] = profile.MissingCells,
                    ["duplicate_rows"] = profile.DuplicateRows,
                    ["seconds"] = Math.Round(profile.Seconds, 3),
                    ["warnings"] = new JsonArray([.. profile.Warnings.Select(w => (JsonNode)new JsonObject
                    {
                        ["kind"] = w.Kind.ToString(),
                        ["column"] = w.Column,
                        ["message"] = w.Message,
                    })]),
                });
                return ExitCodes.Ok;
            }

            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Profiled {profile.Rows:N0} rows x {profile.Columns.Count} columns in {profile.Seconds:0.0} s: {profile.Warnings.Count} warnings."));
            foreach (var warning in profile.Warnings)
            {
                console.Out.WriteLine($"  - {warning.Message}");
            }

            console.Out.WriteLine($"Report: {Path.GetFullPath(report)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
