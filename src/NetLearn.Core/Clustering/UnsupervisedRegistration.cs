using NetLearn.Estimators;
using NetLearn.ModelFiles;

namespace NetLearn.Clustering;

/// <summary>Registers the unsupervised estimators (clustering, decomposition, manifold, anomaly detection) by name and their model loaders.</summary>
internal static class UnsupervisedRegistration
{
    /// <summary>Adds the catalog entries (kebab-case names for the command line).</summary>
    public static void RegisterEstimators()
    {
        EstimatorCatalog.Register(new CatalogEntry("kmeans", ModelTask.Clustering, "k-means (k-means++ seeding; Lloyd or Elkan).", false, () => new KMeans()));
        EstimatorCatalog.Register(new CatalogEntry("minibatch-kmeans", ModelTask.Clustering, "Mini-batch k-means for data too large for full passes.", false, () => new MiniBatchKMeans()));
        EstimatorCatalog.Register(new CatalogEntry("truncated-svd", ModelTask.Transform, "Truncated SVD (no centring; for sparse-like data).", false, () => new Decomposition.TruncatedSVD()));
        EstimatorCatalog.Register(new CatalogEntry("gmm", ModelTask.Clustering, "Gaussian mixture fitted by EM (full, tied, diag or spherical covariances).", false, () => new GaussianMixture()));
        EstimatorCatalog.Register(new CatalogEntry("agglomerative", ModelTask.Clustering, "Hierarchical agglomerative clustering (ward, complete, average, single).", false, () => new AgglomerativeClustering()));
        EstimatorCatalog.Register(new CatalogEntry("dbscan", ModelTask.Clustering, "Density-based clustering with noise (DBSCAN).", false, () => new DBSCAN()));
        EstimatorCatalog.Register(new CatalogEntry("hdbscan", ModelTask.Clustering, "Hierarchical density-based clustering with noise (HDBSCAN); no eps to tune.", false, () => new HDBSCAN()));
        EstimatorCatalog.Register(new CatalogEntry("isolation-forest", ModelTask.AnomalyDetection, "Isolation forest: rows isolated by few random splits are anomalies.", false, () => new Anomaly.IsolationForest()));
        EstimatorCatalog.Register(new CatalogEntry("lof", ModelTask.AnomalyDetection, "Local outlier factor: rows much sparser than their neighbours are anomalies.", false, () => new Anomaly.LocalOutlierFactor()));
        EstimatorCatalog.Register(new CatalogEntry("pca", ModelTask.Transform, "Principal component analysis (full or randomized SVD).", false, () => new Decomposition.PCA()));
        EstimatorCatalog.Register(new CatalogEntry("tsne", ModelTask.Transform, "t-SNE embedding (Barnes-Hut or exact) for visualising high-dimensional data.", false, () => new Manifold.TSNE()));
        EstimatorCatalog.Register(new CatalogEntry("umap", ModelTask.Transform, "UMAP embedding (fuzzy k-NN graph + SGD layout) that can also place new rows.", false, () => new Manifold.UMAP()));
    }

    /// <summary>Adds the model loaders.</summary>
    public static void RegisterModels()
    {
        ModelRegistry.Register(KMeans.KindName, KMeansModel.Load);
        ModelRegistry.Register(GaussianMixture.KindName, GaussianMixtureModel.Load);
        ModelRegistry.Register(AgglomerativeClustering.KindName, AgglomerativeClusteringModel.Load);
        ModelRegistry.Register(DBSCAN.KindName, DBSCANModel.Load);
        ModelRegistry.Register(HDBSCAN.KindName, HDBSCANModel.Load);
        ModelRegistry.Register(Anomaly.LocalOutlierFactor.KindName, Anomaly.LocalOutlierFactorModel.Load);
        ModelRegistry.Register(Anomaly.IsolationForest.KindName, Anomaly.IsolationForestModel.Load);
        ModelRegistry.Register(Manifold.TSNE.KindName, Manifold.TSNEModel.Load);
        ModelRegistry.Register(Manifold.UMAP.KindName, Manifold.UMAPModel.Load);
        ModelRegistry.Register(Decomposition.TruncatedSVD.KindName, Decomposition.TruncatedSVDModel.Load);
        ModelRegistry.Register(Decomposition.PCA.KindName, Decomposition.PCAModel.Load);
    }
}
