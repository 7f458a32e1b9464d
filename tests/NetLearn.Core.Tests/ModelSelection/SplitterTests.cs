using System.Text.Json;
using NetLearn.Data;
using NetLearn.ModelSelection;
using Xunit;

namespace NetLearn.Core.Tests.ModelSelection;

/// <summary>Deterministic splitters against scikit-learn 1.2 index for index (fixture: model_selection_sklearn.json); invariants of the shuffled ones.</summary>
public class SplitterTests
{
    private static readonly JsonElement Splits = Fixture.Load("model_selection_sklearn.json").GetProperty("splits");

    public static TheoryData<string> Cases => new()
    {
        "kfold_5_23", "kfold_3_10", "stratified_kfold_4", "stratified_kfold_5", "group_kfold_3_ties", "group_kfold_4_distinct",
        "stratified_group_kfold_3", "stratified_group_kfold_4", "time_series_5", "time_series_gap", "leave_one_out", "leave_2_groups_out",
        "kfold_shuffled", "kfold_shuffled_big_seed", "stratified_kfold_shuffled", "repeated_kfold",
        "repeated_stratified_kfold", "shuffle_split", "shuffle_split_train_size", "stratified_shuffle_split", "stratified_shuffle_split_ties",
        "train_test_split", "train_test_split_stratified",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Same_index_sets_as_scikit_learn(string name)
    {
        var c = Splits.GetProperty(name);
        int rows = c.GetProperty("rows").GetInt32();
        Column? y = c.TryGetProperty("y", out var yj) ? CategoricalColumn.FromValues("y", yj.Strings()) : null;
        Column? groups = c.TryGetProperty("groups", out var gj) ? CategoricalColumn.FromValues("g", gj.Strings()) : null;
        ICrossValidator cv = name switch
        {
            "kfold_5_23" => new KFold(5),
            "kfold_3_10" => new KFold(3),
            "stratified_kfold_4" => new StratifiedKFold(4),
            "stratified_kfold_5" => new StratifiedKFold(5),
            "group_kfold_3_ties" => new GroupKFold(3),
            "group_kfold_4_distinct" => new GroupKFold(4),
            "stratified_group_kfold_3" => new StratifiedGroupKFold(3),
            "stratified_group_kfold_4" => new StratifiedGroupKFold(4),
            "time_series_5" => new TimeSeriesSplit(5),
            "time_series_gap" => new TimeSeriesSplit(4, MaxTrainSize: 10, TestSize: 3, Gap: 2),
            "leave_one_out" => new LeaveOneOut(),
            "leave_2_groups_out" => new LeavePGroupsOut(2),
            "kfold_shuffled" => new KFold(5, Shuffle: true, Seed: 0),
            "kfold_shuffled_big_seed" => new KFold(3, Shuffle: true, Seed: int.MaxValue),
            "stratified_kfold_shuffled" => new StratifiedKFold(4, Shuffle: true, Seed: 3),
            "repeated_kfold" => new RepeatedKFold(3, 2, Seed: 1),
            "repeated_stratified_kfold" => new RepeatedStratifiedKFold(3, 2, Seed: 2),
            "shuffle_split" => new ShuffleSplit(4, 0.3, Seed: 5),
            "shuffle_split_train_size" => new ShuffleSplit(3, 0.2, TrainSize: 0.5, Seed: 6),
            "stratified_shuffle_split" => new StratifiedShuffleSplit(5, 0.25, Seed: 7),
            "stratified_shuffle_split_ties" => new StratifiedShuffleSplit(6, 0.3333, Seed: 8),
            "train_test_split" => new TrainTestSplitter(0.3, 9),
            "train_test_split_stratified" => new TrainTestSplitter(0.25, 10),
            _ => throw new ArgumentException(name),
        };

        var actual = cv.Split(rows, y, groups).ToList();
        var expected = c.GetProperty("splits").EnumerateArray().ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Count, cv.SplitCount(rows, y, groups));
        for (int f = 0; f < expected.Count; f++)
        {
            Assert.Equal(expected[f].GetProperty("train").EnumerateArray().Select(v => v.GetInt32()), actual[f].Train);
            Assert.Equal(expected[f].GetProperty("test").EnumerateArray().Select(v => v.GetInt32()), actual[f].Test);
        }
    }

    [Fact]
    public void The_generator_is_numpys_mt19937()
    {
        // numpy.random.RandomState(5489) draws the reference MT19937 sequence (Matsumoto and Nishimura's mt19937ar).
        var random = new NumPyRandomState(5489);
        Assert.Equal([3499211612u, 581869302u, 3890346734u, 3586334585u, 545404204u], Enumerable.Range(0, 5).Select(_ => random.NextUInt32()));
        Assert.Equal(new KFold(3, Shuffle: true, Seed: -1).Split(10).First().Test, new KFold(3, Shuffle: true, Seed: -1).Split(10).First().Test);
    }

    [Fact]
    public void Shuffled_splitters_are_reproducible_partitions_that_keep_proportions()
    {
        string[] labels = [.. Enumerable.Range(0, 90).Select(i => i % 3 == 0 ? "a" : "b")];
        var y = CategoricalColumn.FromValues("y", labels);
        foreach (ICrossValidator cv in new ICrossValidator[] { new KFold(5, true, 7), new StratifiedKFold(5, true, 7), new RepeatedKFold(3, 2, 7), new RepeatedStratifiedKFold(3, 2, 7) })
        {
            var first = cv.Split(90, y).ToList();
            var second = cv.Split(90, y).ToList();
            Assert.Equal(cv.SplitCount(90, y), first.Count);
            for (int f = 0; f < first.Count; f++)
            {
                Assert.Equal(first[f].Test, second[f].Test);
                Assert.Empty(first[f].Train.Intersect(first[f].Test));
                Assert.Equal(90, first[f].Train.Length + first[f].Test.Length);
            }

            // Within one repetition, test parts partition the rows.
            int perRepeat = cv is RepeatedKFold or RepeatedStratifiedKFold ? 3 : 5;
            Assert.Equal(Enumerable.Range(0, 90), first.Take(perRepeat).SelectMany(f => f.Test).Order());
            if (cv is StratifiedKFold or RepeatedStratifiedKFold)
            {
                Assert.All(first, f => Assert.Equal(f.Test.Length / 3, f.Test.Count(i => labels[i] == "a")));
            }
        }

        Assert.NotEqual(new KFold(5, true, 1).Split(90).First().Test, new KFold(5, true, 2).Split(90).First().Test);
    }

    [Fact]
    public void Shuffle_splits_have_the_requested_sizes_and_class_proportions()
    {
        string[] labels = [.. Enumerable.Range(0, 100).Select(i => i < 30 ? "a" : "b")];
        var y = CategoricalColumn.FromValues("y", labels);
        var plain = new ShuffleSplit(4, 0.25, Seed: 3).Split(100).ToList();
        Assert.Equal(4, plain.Count);
        Assert.All(plain, f => Assert.Equal((75, 25), (f.Train.Length, f.Test.Length)));
        var stratified = new StratifiedShuffleSplit(4, 0.2, Seed: 3).Split(100, y).ToList();
        Assert.All(stratified, f =>
        {
            Assert.Equal((80, 20), (f.Train.Length, f.Test.Length));
            Assert.Equal(6, f.Test.Count(i => labels[i] == "a"));
            Assert.Empty(f.Train.Intersect(f.Test));
        });
    }

    [Fact]
    public void Bad_splits_are_clear_errors()
    {
        Assert.Throws<DataValidationException>(() => new KFold(5).Split(3).ToList());
        Assert.Throws<NetLearn.HyperparameterException>(() => new KFold(1).Split(10).ToList());
        var g = CategoricalColumn.FromValues("g", ["a", "a", "b", "b"]);
        var e = Assert.Throws<DataValidationException>(() => new GroupKFold(3).Split(4, groups: g).ToList());
        Assert.Contains("3 folds from 2 groups", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new GroupKFold(2).Split(4).ToList());
    }

    /// <summary>TrainTestSplit.Indices as a one-split splitter, so its fixture runs with the others.</summary>
    private sealed record TrainTestSplitter(double TestSize, int Seed) : ICrossValidator
    {
        public int SplitCount(int rows, Column? target = null, Column? groups = null) => 1;

        public IEnumerable<Fold> Split(int rows, Column? target = null, Column? groups = null)
        {
            var (train, test) = TrainTestSplit.Indices(rows, TestSize, Seed, target);
            yield return new Fold(train, test);
        }
    }
}
