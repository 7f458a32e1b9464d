using NetLearn.FeatureSelection;
using NetLearn.ModelFiles;

namespace NetLearn.Preprocessing;

/// <summary>Registers the model-file loaders of the preprocessing and feature-selection transformers.</summary>
internal static class PreprocessingModels
{
    public static void RegisterAll()
    {
        ModelRegistry.Register(MinMaxScaler.KindName, MinMaxScalerModel.Load);
        ModelRegistry.Register(MaxAbsScaler.KindName, MaxAbsScalerModel.Load);
        ModelRegistry.Register(RobustScaler.KindName, RobustScalerModel.Load);
        ModelRegistry.Register(Normalizer.KindName, NormalizerModel.Load);
        ModelRegistry.Register(OrdinalEncoder.KindName, OrdinalEncoderModel.Load);
        ModelRegistry.Register(MissingIndicator.KindName, MissingIndicatorModel.Load);
        ModelRegistry.Register(PowerTransformer.KindName, PowerTransformerModel.Load);
        ModelRegistry.Register(QuantileTransformer.KindName, QuantileTransformerModel.Load);
        ModelRegistry.Register(KBinsDiscretizer.KindName, KBinsDiscretizerModel.Load);
        ModelRegistry.Register(PolynomialFeatures.KindName, PolynomialFeaturesModel.Load);
        ModelRegistry.Register(FunctionTransformer.KindName, FunctionTransformerModel.Load);
        ModelRegistry.Register(DateTimeFeatures.KindName, DateTimeFeaturesModel.Load);
        ModelRegistry.Register(KnnImputer.KindName, KnnImputerModel.Load);
        ModelRegistry.Register(TargetEncoder.KindName, TargetEncoderModel.Load);
        ModelRegistry.Register(IterativeImputer.KindName, IterativeImputerModel.Load);
        ModelRegistry.Register(Pipelines.FeatureUnion.KindName, Pipelines.FeatureUnionModel.Load);
        ModelRegistry.Register(VarianceThreshold.KindName, VarianceThresholdModel.Load);
        ModelRegistry.Register(SelectKBest.KindName, UnivariateSelectorModel.LoadKBest);
        ModelRegistry.Register(SelectPercentile.KindName, UnivariateSelectorModel.LoadPercentile);
        ModelRegistry.Register(SelectFromModel.KindName, SelectFromModelModel.Load);
        ModelRegistry.Register(Rfe.KindName, RfeModel.LoadRfe);
        ModelRegistry.Register(Rfecv.KindName, RfeModel.LoadRfecv);
    }
}
