using NetLearn.Data;
using NetLearn.Preprocessing;
using Xunit;
using static NetLearn.Core.Tests.Preprocessing.PrepFixture;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>KNNImputer and IterativeImputer (BayesianRidge) against scikit-learn 1.2.</summary>
public class ImputerReferenceTests
{
    private static readonly string[] Names = ["a", "b", "c", "d"];

    private static Table Num => Input.Select(Names);

    private static Table Test => TableOf(At("imputers/knn_test_input").Matrix(), Names);

    [Fact]
    public void KnnImputerUniform()
    {
        var e = At("imputers/knn_uniform");
        var m = new KnnImputer().Fit(Num);
        Close(e.GetProperty("train").Matrix(), m.Transform(Num));
        Close(e.GetProperty("test").Matrix(), m.Transform(Test));
    }

    [Fact]
    public void KnnImputerDistanceWeighted()
    {
        var e = At("imputers/knn_distance_3");
        var m = new KnnImputer(new KnnImputerOptions { NNeighbors = 3, Weights = NeighborWeights.Distance }).Fit(Num);
        Close(e.GetProperty("train").Matrix(), m.Transform(Num));
        Close(e.GetProperty("test").Matrix(), m.Transform(Test));
    }

    [Fact]
    public void KnnImputerOnDiabetesWithScatteredHoles()
    {
        var input = TableOf(At("iterative_diabetes/input").Matrix(), "x0", "x1", "x2", "x3", "x4");
        Close(At("iterative_diabetes/knn").Matrix(), new KnnImputer(new KnnImputerOptions { NNeighbors = 4 }).Fit(input).Transform(input));
    }

    [Fact]
    public void IterativeImputerDefault()
    {
        var e = At("imputers/iterative");
        var m = new IterativeImputer().Fit(Num);
        Assert.Equal(e.GetProperty("n_iter").GetInt32(), m.NIter);
        Close(e.GetProperty("train").Matrix(), m.Transform(Num));
        Close(e.GetProperty("test").Matrix(), m.Transform(Test));
    }

    [Fact]
    public void IterativeImputerClippedDescending()
    {
        var e = At("imputers/iterative_clip_desc");
        var m = new IterativeImputer(new IterativeImputerOptions { MaxIter = 5, MinValue = 0, MaxValue = 8, ImputationOrder = ImputationOrder.Descending }).Fit(Num);
        Assert.Equal(e.GetProperty("n_iter").GetInt32(), m.NIter);
        Close(e.GetProperty("train").Matrix(), m.Transform(Num));
        Close(e.GetProperty("test").Matrix(), m.Transform(Test));
    }

    [Fact]
    public void IterativeImputerConvergesOverSeveralRoundsOnCorrelatedData()
    {
        var e = At("iterative_diabetes");
        var input = TableOf(e.GetProperty("input").Matrix(), "x0", "x1", "x2", "x3", "x4");
        var m = new IterativeImputer().Fit(input);
        Assert.Equal(e.GetProperty("n_iter").GetInt32(), m.NIter);
        Close(e.GetProperty("train").Matrix(), m.Transform(input));
    }
}
