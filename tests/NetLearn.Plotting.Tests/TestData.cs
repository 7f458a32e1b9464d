using NetLearn.Data;

namespace NetLearn.Plotting.Tests;

/// <summary>Seeded data sets for plot tests.</summary>
public static class TestData
{
    /// <summary>A mixed table: numeric, skewed, categorical, boolean, with some missing values, and a class target.</summary>
    public static Table Mixed(int rows = 500, int seed = 1)
    {
        var random = new Random(seed);
        var x = new double[rows];
        var y = new double[rows];
        var skewed = new double[rows];
        var score = new double[rows];
        var city = new string?[rows];
        var member = new bool?[rows];
        var label = new string?[rows];
        string[] cities = ["Oslo", "Lima", "Kyoto", "Accra", "Quito"];
        for (int i = 0; i < rows; i++)
        {
            int cls = random.Next(3);
            x[i] = Normal(random) + (cls * 1.5);
            y[i] = (0.6 * x[i]) + Normal(random);
            skewed[i] = Math.Exp(Normal(random));
            score[i] = i % 17 == 0 ? double.NaN : (x[i] * 10) + (5 * Normal(random));
            city[i] = i % 23 == 0 ? null : cities[random.Next(cls + 2)];
            member[i] = random.NextDouble() < 0.3 + (0.2 * cls);
            label[i] = cls switch { 0 => "setosa", 1 => "versicolor", _ => "virginica" };
        }

        return new Table(
            Column.Create("x", x),
            Column.Create("y", y),
            Column.Create("skewed", skewed),
            Column.Create("score", score),
            Column.Create("city", city),
            Column.Create("member", member),
            Column.Create("label", label));
    }

    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
