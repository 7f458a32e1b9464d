using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NetLearn.Data;
using NetLearn.Preprocessing;
using Spectre.Console;
using Table = NetLearn.Data.Table;

namespace NetLearn.Cli.Commands;

/// <summary>
/// <c>netlearn clean</c>: the common cleaning steps on a data file — numeric columns with stray text, duplicate rows,
/// constant columns, missing values — with a report of everything it changed. The output is written atomically.
/// </summary>
public static class CleanCommand
{
    private static readonly string[] Strategies = ["mean", "median", "most_frequent", "constant"];

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "The input: CSV, Parquet or Arrow.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the cleaned data (CSV, Parquet or Arrow by extension).", Required = true };
        var dedupe = new Option<bool>("--dedupe") { Description = "Remove rows that repeat an earlier row (all columns, or the --dedupe-on columns)." };
        var dedupeOn = new Option<string?>("--dedupe-on") { Description = "Comma-separated key columns for --dedupe (implies --dedupe)." };
        var impute = new Option<string?>("--impute") { Description = "Fill missing values: mean, median, most_frequent or constant (numeric columns; other columns get the most frequent value, or --fill-value with constant)." };
        impute.AcceptOnlyFromAmong(Strategies);
        var fillValue = new Option<string?>("--fill-value") { Description = "The value for --impute constant (default 0 for numbers, 'missing_value' for text)." };
        var dropConstant = new Option<bool>("--drop-constant") { Description = "Drop columns with at most one distinct value." };
        var numeric = new Option<string?>("--numeric") { Description = "Comma-separated columns that must be numeric; values that do not parse become missing and are reported (more than half failing is an error)." };
        var noCoerce = new Option<bool>("--no-coerce") { Description = "Do not convert mostly-numeric text columns (>= 90% numbers) to numbers." };
        var report = new Option<bool>("--report") { Description = "Print a detailed report of what changed (missing values per column before and after, parse failures)." };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object." };
        var command = new Command("clean", "Clean a data file: fix numeric columns, drop duplicates and constant columns, impute missing values; reports what changed.")
        {
            data, output, dedupe, dedupeOn, impute, fillValue, dropConstant, numeric, noCoerce, report, json,
        };
        command.SetAction(parse =>
        {
            string inPath = parse.GetValue(data)!, outPath = parse.GetValue(output)!;
            var table = Table.Load(inPath);
            if (table.ColumnCount == 0 || table.RowCount == 0)
            {
                throw new DataValidationException("The file has no data rows to clean. Check that it is the right file", file: inPath);
            }

            var before = table.MissingValues();
            var result = new JsonObject { ["input"] = inPath, ["output"] = outPath, ["rows_in"] = table.RowCount, ["columns_in"] = table.ColumnCount };
            var coerced = new JsonArray();

            foreach (string name in Split(parse.GetValue(numeric)))
            {
                CheckColumn(table, name, inPath, "--numeric");
                (table, var r) = table.Coerce(name, ColumnKind.Numeric, 0.5, inPath);
                coerced.Add(CoercionJson(r));
            }

            if (!parse.GetValue(noCoerce))
            {
                (table, var reports) = table.CoerceMostlyNumeric(0.9, inPath);
                foreach (var r in reports)
                {
                    coerced.Add(CoercionJson(r));
                }
            }

            result["coerced"] = coerced;
            string[] keys = [.. Split(parse.GetValue(dedupeOn))];
            int duplicates = 0;
            if (parse.GetValue(dedupe) || keys.Length > 0)
            {
                foreach (string key in keys)
                {
                    CheckColumn(table, key, inPath, "--dedupe-on");
                }

                var dedup = table.DropDuplicates(keys);
                duplicates = dedup.RemovedRows.Count;
                table = dedup.Table;
            }

            result["duplicates_removed"] = duplicates;
            string[] constant = [];
            if (parse.GetValue(dropConstant))
            {
                constant = [.. table.ConstantColumns()];
                if (constant.Length == table.ColumnCount)
                {
                    throw new DataValidationException("Every column is constant, so --drop-constant would leave nothing. Check the file or leave out --drop-constant", file: inPath);
                }

                table = table.Drop(constant);
            }

            result["dropped_constant"] = new JsonArray([.. constant.Select(c => (JsonNode?)c)]);
            var imputed = new JsonArray();
            if (parse.GetValue(impute) is { } strategy)
            {
                (table, imputed) = Impute(table, strategy, parse.GetValue(fillValue), console);
            }

            result["imputed"] = imputed;
            var after = table.MissingValues();
            result["rows_out"] = table.RowCount;
            result["columns_out"] = table.ColumnCount;
            result["missing_cells_before"] = before.MissingCells;
            result["missing_cells_after"] = after.MissingCells;
            result["missing_before"] = MissingJson(before);
            result["missing_after"] = MissingJson(after);
            table.Save(outPath);

            if (parse.GetValue(json))
            {
                console.WriteJson(result);
            }
            else
            {
                PrintSummary(console, result, coerced, constant, imputed, parse.GetValue(report), before, after);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static (Table Table, JsonArray Imputed) Impute(Table table, string strategyName, string? fill, CliConsole console)
    {
        var strategy = strategyName switch
        {
            "mean" => ImputeStrategy.Mean,
            "median" => ImputeStrategy.Median,
            "most_frequent" => ImputeStrategy.MostFrequent,
            _ => ImputeStrategy.Constant,
        };
        var imputed = new JsonArray();
        foreach (var column in table.Columns.ToList())
        {
            int missing = column.MissingCount;
            if (missing == 0)
            {
                continue;
            }

            if (missing == column.Length)
            {
                console.Notice($"note: column '{column.Name}' has no values; it was left as it is (use --drop-constant to drop it).");
                continue;
            }

            var columnStrategy = column.Kind == ColumnKind.Numeric || strategy is ImputeStrategy.MostFrequent or ImputeStrategy.Constant
                ? strategy
                : ImputeStrategy.MostFrequent;
            var model = new SimpleImputer(new SimpleImputerOptions { Strategy = columnStrategy, FillValue = fill }).Fit(new Table(column));
            table = table.With(model.Transform(new Table(column))[0]);
            imputed.Add(new JsonObject
            {
                ["column"] = column.Name,
                ["strategy"] = columnStrategy switch
                {
                    ImputeStrategy.Mean => "mean",
                    ImputeStrategy.Median => "median",
                    ImputeStrategy.MostFrequent => "most_frequent",
                    _ => "constant",
                },
                ["value"] = model.Statistics[0],
                ["count"] = missing,
            });
        }

        return (table, imputed);
    }

    private static void PrintSummary(CliConsole console, JsonObject result, JsonArray coerced, string[] constant, JsonArray imputed, bool detailed, MissingValueReport before, MissingValueReport after)
    {
        var w = console.Out;
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cleaned {result["input"]}: {result["rows_in"]} rows x {result["columns_in"]} columns -> {result["rows_out"]} rows x {result["columns_out"]} columns, written to {result["output"]}."));
        foreach (var c in coerced.OfType<JsonObject>())
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  numeric: column '{c["column"]}' converted to numbers; {c["failed"]} value(s) did not parse and are now missing{Examples(c)}."));
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  duplicates: {result["duplicates_removed"]} row(s) removed."));
        if (constant.Length > 0)
        {
            w.WriteLine($"  constant columns dropped: {string.Join(", ", constant)}.");
        }

        foreach (var m in imputed.OfType<JsonObject>())
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  imputed: column '{m["column"]}': {m["count"]} missing value(s) filled with {m["strategy"]} = {m["value"]}."));
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  missing cells: {before.MissingCells} before, {after.MissingCells} after."));
        if (!detailed)
        {
            return;
        }

        var table = new Spectre.Console.Table().AddColumn("column").AddColumn("kind").AddColumn("missing before").AddColumn("missing after");
        var afterByName = after.Columns.ToDictionary(c => c.Column, StringComparer.Ordinal);
        foreach (var c in before.Columns)
        {
            string afterText = afterByName.TryGetValue(c.Column, out var a)
                ? string.Create(CultureInfo.InvariantCulture, $"{a.Missing} ({a.Fraction:P1})")
                : "dropped";
            table.AddRow(Spectre.Console.Markup.Escape(c.Column), (afterByName.TryGetValue(c.Column, out var k) ? k.Kind : c.Kind).ToString().ToLowerInvariant(), string.Create(CultureInfo.InvariantCulture, $"{c.Missing} ({c.Fraction:P1})"), afterText);
        }

        console.Human.Write(table);
        foreach (var c in coerced.OfType<JsonObject>())
        {
            foreach (var f in (c["failures"] as JsonArray ?? []).OfType<JsonObject>())
            {
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  could not parse '{f["value"]}' in column '{c["column"]}' (data row {f["row"]})"));
            }
        }
    }

    private static string Examples(JsonObject c) =>
        c["failures"] is JsonArray { Count: > 0 } failures
            ? ", e.g. " + string.Join(", ", failures.OfType<JsonObject>().Take(3).Select(f => $"'{f["value"]}'"))
            : "";

    private static JsonObject CoercionJson(CoercionReport r) => new()
    {
        ["column"] = r.Column,
        ["from"] = r.From.ToString().ToLowerInvariant(),
        ["to"] = r.To.ToString().ToLowerInvariant(),
        ["converted"] = r.Converted,
        ["failed"] = r.Failures.Count,
        ["failures"] = new JsonArray([.. r.Failures.Take(100).Select(f => (JsonNode?)new JsonObject { ["row"] = f.Row + 1, ["value"] = f.Value })]),
    };

    private static JsonObject MissingJson(MissingValueReport report)
    {
        var result = new JsonObject();
        foreach (var c in report.Columns)
        {
            result[c.Column] = c.Missing;
        }

        return result;
    }

    private static IEnumerable<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void CheckColumn(Table table, string name, string file, string option)
    {
        if (!table.Contains(name))
        {
            throw new DataValidationException($"{option} names column '{name}', which the file does not have. Available columns: {string.Join(", ", table.ColumnNames.Take(30))}", column: name, file: file);
        }
    }
}
