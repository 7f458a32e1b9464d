using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.FeatureSelection;
using NetLearn.ModelFiles;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using Xunit;
using static NetLearn.Core.Tests.Preprocessing.PrepFixture;

namespace NetLearn.Core.Tests.Preprocessing;

/// <summary>The new transformers inside ColumnTransformer (by kind, pattern, remainder), FeatureUnion and Pipeline; feature names and model files.</summary>
public class CompositionTests
{
    private static Table Features => Input.Drop("y_reg", "y_cls");

    [Fact]
    public void ColumnTransformerByKindWithEveryFamilySavesAndReloadsBitExactly()
    {
        var transformer = new ColumnTransformer(
        [
            new ColumnBranch("num", new Pipeline(
                new Step("impute", new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.Median, AddIndicator = true })),
                new Step("power", new PowerTransformer()),
                new Step("variance", new VarianceThreshold())), ColumnSelector.ByKind(ColumnKind.Numeric)),
            new ColumnBranch("cat", new OneHotEncoder(new OneHotEncoderOptions { MinFrequency = 10, HandleUnknown = HandleUnknown.InfrequentIfExist }), ColumnSelector.ByKind(ColumnKind.Categorical)),
            new ColumnBranch("when", new DateTimeFeatures(), ColumnSelector.ByKind(ColumnKind.DateTime)),
        ]);
        var model = transformer.Fit(Features);
        var output = model.Transform(Features);
        Assert.Equal(model.FeatureNamesOut, output.ColumnNames);
        Assert.Contains("num__missingindicator_a", model.FeatureNamesOut);
        Assert.DoesNotContain("num__const", model.FeatureNamesOut);
        Assert.Contains("cat__cat_infrequent_sklearn", model.FeatureNamesOut);
        Assert.Contains("when__when_dayofweek", model.FeatureNamesOut);

        string path = Path.Combine(Path.GetTempPath(), $"prep-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, model);
            var loaded = ModelFile.Load<ColumnTransformerModel>(path);
            Assert.Equal(model.FeatureNamesOut, loaded.FeatureNamesOut);
            var again = loaded.Transform(Features);
            for (int c = 0; c < output.ColumnCount; c++)
            {
                Assert.Equal(output[c].ToDoubleArray(), again[c].ToDoubleArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EveryNewTransformerRoundTripsThroughAModelFile()
    {
        var num = Input.Select("b", "c", "d");
        IEstimator[] estimators =
        [
            new MinMaxScaler(), new MaxAbsScaler(), new RobustScaler(), new Normalizer(new NormalizerOptions { Norm = NormKind.L1 }),
            new PowerTransformer(new PowerTransformerOptions { Method = PowerMethod.YeoJohnson }), new QuantileTransformer(new QuantileTransformerOptions { OutputDistribution = OutputDistribution.Normal }),
            new KBinsDiscretizer(new KBinsDiscretizerOptions { Strategy = BinStrategy.Kmeans }), new PolynomialFeatures(new PolynomialFeaturesOptions { Degree = 3 }),
            new FunctionTransformer(ElementFunction.SignedLog1p), new VarianceThreshold(), new MissingIndicator(new MissingIndicatorOptions { Features = IndicatorFeatures.All }),
            new KnnImputer(), new IterativeImputer(),
        ];
        foreach (var estimator in estimators)
        {
            var model = (ITransformerModel)estimator.FitModel(num);
            string path = Path.Combine(Path.GetTempPath(), $"prep-{Guid.NewGuid():N}.nlm");
            try
            {
                ModelFile.Save(path, model);
                var loaded = (ITransformerModel)ModelFile.Load(path);
                Assert.Equal(model.FeatureNamesOut, loaded.FeatureNamesOut);
                var a = model.Transform(num);
                var b = loaded.Transform(num);
                Assert.Equal(model.FeatureNamesOut, a.ColumnNames);
                for (int c = 0; c < a.ColumnCount; c++)
                {
                    Assert.Equal(a[c].ToDoubleArray(), b[c].ToDoubleArray());
                }
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void EncodersAndSelectorsRoundTripThroughAModelFile()
    {
        var x = Input.Select("cat", "when", "a", "b", "c", "d");
        var y = Input["y_cls"];
        var model = new ColumnTransformer(
        [
            new ColumnBranch("onehot", new OneHotEncoder(new OneHotEncoderOptions { MaxCategories = 3, HandleUnknown = HandleUnknown.InfrequentIfExist, Drop = DropCategory.First }), ColumnSelector.ByName("cat")),
            new ColumnBranch("ordinal", new OrdinalEncoder(), ColumnSelector.ByName("cat")),
            new ColumnBranch("target", new TargetEncoder(), ColumnSelector.ByName("cat")),
            new ColumnBranch("when", new DateTimeFeatures(new DateTimeFeaturesOptions { Features = [DateTimePart.Year, DateTimePart.HourCyclic] }), ColumnSelector.ByKind(ColumnKind.DateTime)),
            new ColumnBranch("best", new Pipeline(
                new Step("impute", new KnnImputer()),
                new Step("select", new SelectPercentile(new SelectPercentileOptions { Percentile = 50 }))), ColumnSelector.ByPattern("^[a-d]$")),
        ]).Fit(x, y);
        string path = Path.Combine(Path.GetTempPath(), $"prep-{Guid.NewGuid():N}.nlm");
        try
        {
            ModelFile.Save(path, model);
            var loaded = ModelFile.Load<ColumnTransformerModel>(path);
            Assert.Equal(model.FeatureNamesOut, loaded.FeatureNamesOut);
            var probe = x.Take([.. Enumerable.Range(0, 30)]);
            var a = model.Transform(probe);
            var b = loaded.Transform(probe);
            Assert.Equal(model.FeatureNamesOut, a.ColumnNames);
            for (int c = 0; c < a.ColumnCount; c++)
            {
                Assert.Equal(a[c].ToDoubleArray(), b[c].ToDoubleArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FeatureUnionConcatenatesWithPrefixedNames()
    {
        var num = Input.Select("b", "c");
        var union = new FeatureUnion(new Step("raw", new FunctionTransformer()), new Step("poly", new PolynomialFeatures(new PolynomialFeaturesOptions { IncludeBias = false })));
        var model = union.Fit(num);
        Assert.Equal(["raw__b", "raw__c", "poly__b", "poly__c", "poly__b^2", "poly__b c", "poly__c^2"], model.FeatureNamesOut);
        Assert.Equal(model.FeatureNamesOut, model.Transform(num).ColumnNames);
        var changed = (FeatureUnion)union.WithParameter("poly.degree", "3");
        Assert.Equal(9 + 2, changed.Fit(num).FeatureNamesOut.Count);
    }

    [Fact]
    public void ColumnSelectorsByPatternAndExclusionAndRemainderTransformer()
    {
        Assert.Equal(["a", "b"], ColumnSelector.ByPattern("^[ab]$").Resolve(Features.Schema));
        Assert.Equal(["cat", "when"], ColumnSelector.ExceptKind(ColumnKind.Numeric).Resolve(Features.Schema));
        var ct = new ColumnTransformer([new ColumnBranch("scaled", new StandardScaler(), ColumnSelector.ByName("b"))], new MinMaxScaler());
        var model = ct.Fit(Input.Select("b", "c", "d"));
        Assert.Equal(["scaled__b", "remainder__c", "remainder__d"], model.FeatureNamesOut);
        var output = model.Transform(Input.Select("b", "c", "d"));
        Assert.Equal(0.0, output["remainder__c"].ToDoubleArray().Min());
        Assert.Equal(1.0, output["remainder__c"].ToDoubleArray().Max());
    }
}

/// <summary>The README's preprocessing example, on the fixture table (so the example keeps compiling and working).</summary>
public class ReadmePreprocessingExampleTests
{
    [Fact]
    public void ReadmeExampleRuns()
    {
        var data = PrepFixture.Input.Drop("y_cls");
        var (X, y) = data.SplitTarget("y_reg");
        var prep = new ColumnTransformer(
        [
            new ColumnBranch("num", new Pipeline(
                new Step("impute", new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.Median, AddIndicator = true })),
                new Step("power", new PowerTransformer())), ColumnSelector.ByKind(ColumnKind.Numeric)),
            new ColumnBranch("cat", new OneHotEncoder(new OneHotEncoderOptions { MinFrequency = 10, HandleUnknown = HandleUnknown.InfrequentIfExist }),
                ColumnSelector.ByKind(ColumnKind.Categorical)),
            new ColumnBranch("when", new Pipeline(
                new Step("parts", new DateTimeFeatures()),
                new Step("impute", new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.MostFrequent }))),
                ColumnSelector.ByKind(ColumnKind.DateTime)),
        ]);
        var pipeline = new Pipeline(new Step("prep", prep), new Step("select", new SelectKBest(new SelectKBestOptions { K = 8, ScoreFunc = ScoreFunction.FRegression })));
        var model = pipeline.Fit(X, y);
        Assert.Equal(8, model.FeatureNamesOut.Count);
        Assert.Contains("num__c", model.FeatureNamesOut);
        Assert.Equal(model.FeatureNamesOut, model.Transform(X).ColumnNames);
    }
}
