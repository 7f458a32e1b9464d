// In-process prediction speed: the model's Predict + PredictProba on the benchmark's request rows, no HTTP.
// The serving benchmark (bench/serving/run.py) compares the server's rows/s with this.
// Usage: dotnet run -c Release --project bench/NetLearn.ServingBench -- MODEL.nlm BODY.json [SECONDS]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Serving;

var model = (IClassifier)ModelFile.Load(args[0]);
using var body = JsonDocument.Parse(File.ReadAllBytes(args[1]));
var table = RowConverter.ToTable(body.RootElement.GetProperty("rows"), model.InputSchema);
double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 3;

for (int i = 0; i < 2000; i++)
{
    _ = model.Predict(table);
    _ = model.PredictProba(table);
}

long calls = 0;
var clock = Stopwatch.StartNew();
while (clock.Elapsed.TotalSeconds < seconds)
{
    _ = model.Predict(table);
    _ = model.PredictProba(table);
    calls++;
}

Console.WriteLine(FormattableString.Invariant($"{calls * table.RowCount / clock.Elapsed.TotalSeconds:F0}"));
