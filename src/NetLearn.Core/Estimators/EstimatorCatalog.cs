using System.Collections.Concurrent;
using NetLearn.Boosting;
using NetLearn.Ensembles;
using NetLearn.Linear;
using NetLearn.NaiveBayes;
using NetLearn.Neighbors;
using NetLearn.Svm;
using NetLearn.Trees;

namespace NetLearn.Estimators;

/// <summary>An estimator the command line and other tools can create by name.</summary>
/// <param name="Name">Kebab-case name used on the command line (<c>logistic-regression</c>).</param>
/// <param name="Task">Classification or regression.</param>
/// <param name="Description">One line for help texts.</param>
/// <param name="NeedsScaling">Whether default preprocessing should standardise numeric features for it.</param>
/// <param name="Create">Creates the estimator with default hyperparameters.</param>
public sealed record CatalogEntry(string Name, ModelTask Task, string Description, bool NeedsScaling, Func<IEstimator> Create);

/// <summary>
/// The estimators available by name. Core algorithms are listed here; other assemblies add theirs with
/// <see cref="Register"/>.
/// </summary>
public static class EstimatorCatalog
{
    private static readonly ConcurrentDictionary<string, CatalogEntry> Entries = new(StringComparer.Ordinal);

    static EstimatorCatalog()
    {
        Register(new CatalogEntry("linear-regression", ModelTask.Regression, "Ordinary least squares (QR).", true, () => new LinearRegression()));
        Register(new CatalogEntry("logistic-regression", ModelTask.Classification, "Logistic regression, binary or multinomial: L2 (L-BFGS), L1 or elastic-net (penalty, solver saga/liblinear).", true, () => new LogisticRegression()));
        Clustering.UnsupervisedRegistration.RegisterEstimators();
        Register(new CatalogEntry("ridge", ModelTask.Regression, "L2-penalised least squares (Cholesky or conjugate gradients).", true, () => new Ridge()));
        Register(new CatalogEntry("lasso", ModelTask.Regression, "L1-penalised least squares (coordinate descent).", true, () => new Lasso()));
        Register(new CatalogEntry("elastic-net", ModelTask.Regression, "L1+L2-penalised least squares (coordinate descent).", true, () => new ElasticNet()));
        Register(new CatalogEntry("gaussian-nb", ModelTask.Classification, "Gaussian naive Bayes.", false, () => new GaussianNB()));
        Register(new CatalogEntry("multinomial-nb", ModelTask.Classification, "Multinomial naive Bayes for non-negative counts.", false, () => new MultinomialNB()));
        Register(new CatalogEntry("bernoulli-nb", ModelTask.Classification, "Bernoulli naive Bayes for binary features.", false, () => new BernoulliNB()));
        Register(new CatalogEntry("knn-classifier", ModelTask.Classification, "k-nearest neighbours (brute force, KD-tree or ball tree).", true, () => new KNeighborsClassifier()));
        Register(new CatalogEntry("knn-regressor", ModelTask.Regression, "k-nearest neighbours regression.", true, () => new KNeighborsRegressor()));
        Register(new CatalogEntry("linear-svc", ModelTask.Classification, "Linear support-vector classifier (liblinear dual coordinate descent).", true, () => new LinearSvc()));
        Register(new CatalogEntry("linear-svr", ModelTask.Regression, "Linear support-vector regression (liblinear dual coordinate descent).", true, () => new LinearSvr()));
        Register(new CatalogEntry("sgd-classifier", ModelTask.Classification, "Linear classifier by stochastic gradient descent (hinge, log_loss, modified_huber).", true, () => new SgdClassifier()));
        Register(new CatalogEntry("sgd-regressor", ModelTask.Regression, "Linear regression by stochastic gradient descent (squared_error, huber).", true, () => new SgdRegressor()));
        Register(new CatalogEntry("svc", ModelTask.Classification, "Kernel support-vector classifier (SMO, one-vs-one).", true, () => new Svc()));
        Register(new CatalogEntry("svr", ModelTask.Regression, "Kernel support-vector regression (SMO).", true, () => new Svr()));
        Register(new CatalogEntry("complement-nb", ModelTask.Classification, "Complement naive Bayes for counts (imbalanced classes).", false, () => new ComplementNB()));
        Register(new CatalogEntry("decision-tree-classifier", ModelTask.Classification, "CART classification tree (gini/entropy).", false, () => new DecisionTreeClassifier()));
        Register(new CatalogEntry("decision-tree-regressor", ModelTask.Regression, "CART regression tree (squared/absolute error, Poisson).", false, () => new DecisionTreeRegressor()));
        Register(new CatalogEntry("random-forest-classifier", ModelTask.Classification, "Random forest of CART trees (bootstrap, sqrt features).", false, () => new RandomForestClassifier()));
        Register(new CatalogEntry("random-forest-regressor", ModelTask.Regression, "Random forest of CART regression trees.", false, () => new RandomForestRegressor()));
        Register(new CatalogEntry("extra-trees-classifier", ModelTask.Classification, "Extremely randomised trees (random thresholds).", false, () => new ExtraTreesClassifier()));
        Register(new CatalogEntry("extra-trees-regressor", ModelTask.Regression, "Extremely randomised regression trees.", false, () => new ExtraTreesRegressor()));
        Register(new CatalogEntry("hist-gradient-boosting-classifier", ModelTask.Classification, "Histogram gradient boosting (LightGBM-style); missing values and categories natively.", false, () => new HistGradientBoostingClassifier()));
        Register(new CatalogEntry("hist-gradient-boosting-regressor", ModelTask.Regression, "Histogram gradient boosting for regression (squared error, Poisson).", false, () => new HistGradientBoostingRegressor()));
    }

    /// <summary>Adds or replaces an entry.</summary>
    public static void Register(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Entries[entry.Name] = entry;
    }

    /// <summary>All entries, sorted by name.</summary>
    public static IReadOnlyList<CatalogEntry> All => [.. Entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal)];

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="HyperparameterException">Unknown name; the message lists the known ones.</exception>
    public static CatalogEntry Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Entries.TryGetValue(name, out var entry)
            ? entry
            : throw new HyperparameterException("model", $"unknown model '{name}'. Available: {string.Join(", ", All.Select(e => e.Name))}");
    }
}
