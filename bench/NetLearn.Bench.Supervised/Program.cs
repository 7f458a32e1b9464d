// Supervised side-by-side benchmark: NetLearn, scikit-learn, XGBoost and ML.NET on the same data, in one run.
// Usage: dotnet run -c Release --project bench/NetLearn.Bench.Supervised -- [all|netlearn|mlnet] ...
using System.Globalization;
using NetLearn.Bench.Supervised;

if (args.Length >= 4 && args[0] == "netlearn")
{
    Console.WriteLine(NetLearnRunner.Run(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)).ToJson());
    return 0;
}

Console.Error.WriteLine("usage: netlearn TASK DATA_DIR THREADS");
return 2;
