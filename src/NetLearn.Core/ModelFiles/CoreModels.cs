using NetLearn.Boosting;
using NetLearn.Ensembles;
using NetLearn.Linear;
using NetLearn.NaiveBayes;
using NetLearn.Neighbors;
using NetLearn.Pipelines;
using NetLearn.Preprocessing;
using NetLearn.Svm;
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
        ModelRegistry.Register(ColumnPassthrough.KindName, ColumnPassthroughModel.Load);
        Clustering.UnsupervisedRegistration.RegisterModels();
        ModelRegistry.Register(Calibration.CalibratedClassifier.KindName, Calibration.CalibratedClassifierModel.Load);
        PreprocessingModels.RegisterAll();
        ModelRegistry.Register(Ridge.KindName, RidgeModel.Load);
        ModelRegistry.Register(Lasso.KindName, LassoModel.Load);
        ModelRegistry.Register(ElasticNet.KindName, ElasticNetModel.Load);
        ModelRegistry.Register(GaussianNB.KindName, GaussianNBModel.Load);
        ModelRegistry.Register(MultinomialNB.KindName, MultinomialNBModel.Load);
        ModelRegistry.Register(BernoulliNB.KindName, BernoulliNBModel.Load);
        ModelRegistry.Register(ComplementNB.KindName, ComplementNBModel.Load);
        ModelRegistry.Register(KNeighborsClassifier.KindName, KNeighborsClassifierModel.Load);
        ModelRegistry.Register(KNeighborsRegressor.KindName, KNeighborsRegressorModel.Load);
        ModelRegistry.Register(Svc.KindName, SvcModel.Load);
        ModelRegistry.Register(LinearSvc.KindName, LinearSvcModel.Load);
        ModelRegistry.Register(LinearSvr.KindName, LinearSvrModel.Load);
        ModelRegistry.Register(SgdClassifier.KindName, SgdClassifierModel.Load);
        ModelRegistry.Register(SgdRegressor.KindName, SgdRegressorModel.Load);
        ModelRegistry.Register(Svr.KindName, SvrModel.Load);
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
