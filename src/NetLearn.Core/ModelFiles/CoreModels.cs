using NetLearn.Boosting;
using NetLearn.Ensembles;
using NetLearn.Linear;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using NetLearn.Trees;

namespace NetLearn.ModelFiles;

/// <summary>Registers the loaders of the model kinds defined in NetLearn.Core.</summary>
internal static class CoreModels
{
    public static void RegisterAll()
    {
        ModelRegistry.Register(LinearRegression.KindName, LinearRegressionModel.Load);
        ModelRegistry.Register(LogisticRegression.KindName, LogisticRegressionModel.Load);
        ModelRegistry.Register(StandardScaler.KindName, StandardScalerModel.Load);
        ModelRegistry.Register(SimpleImputer.KindName, SimpleImputerModel.Load);
        ModelRegistry.Register(OneHotEncoder.KindName, OneHotEncoderModel.Load);
        ModelRegistry.Register(Pipeline.KindName, PipelineModel.Load);
        ModelRegistry.Register(ColumnTransformer.KindName, ColumnTransformerModel.Load);
        ModelRegistry.Register(DecisionTreeClassifier.KindName, DecisionTreeClassifierModel.Load);
        ModelRegistry.Register(DecisionTreeRegressor.KindName, DecisionTreeRegressorModel.Load);
        ModelRegistry.Register(RandomForestClassifier.KindName, RandomForestClassifierModel.Load);
        ModelRegistry.Register(RandomForestRegressor.KindName, RandomForestRegressorModel.Load);
        ModelRegistry.Register(ExtraTreesClassifier.KindName, ExtraTreesClassifierModel.Load);
        ModelRegistry.Register(ExtraTreesRegressor.KindName, ExtraTreesRegressorModel.Load);
        ModelRegistry.Register(HistGradientBoostingClassifier.KindName, HistGradientBoostingClassifierModel.Load);
        ModelRegistry.Register(HistGradientBoostingRegressor.KindName, HistGradientBoostingRegressorModel.Load);
    }
}
