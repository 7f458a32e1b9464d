using NetLearn.Estimators;

namespace NetLearn.Boosting;

/// <summary>Loss of <see cref="HistGradientBoostingRegressor"/>.</summary>
public enum HistRegressionLoss
{
    /// <summary>Half squared error; leaves predict mean residuals.</summary>
    SquaredError,

    /// <summary>Half Poisson deviance with a log link, for non-negative counts.</summary>
    Poisson,
}

/// <summary>How a categorical feature's categories may be divided between the two children of a split.</summary>
public enum HistCategoricalSplit
{
    /// <summary>
    /// <see cref="OneVsRest"/> when the model is fitted on fewer than 50,000 rows, <see cref="Partition"/> from there
    /// (ML.NET's rule for LightGBM: many-vs-many splits overfit small data).
    /// </summary>
    Auto,

    /// <summary>
    /// Any subset of categories against the rest, searched in the order of G/(H + 10) (Fisher 1958; scikit-learn 1.2's
    /// and LightGBM's categorical splits).
    /// </summary>
    Partition,

    /// <summary>One category (or the missing values) against all others: the splits a one-hot encoding offers a tree.</summary>
    OneVsRest,
}

/// <summary>Hyperparameters every histogram gradient-boosting model shares (scikit-learn's names and defaults).</summary>
public abstract record HistGradientBoostingOptionsBase : EstimatorOptions
{
    /// <summary>Shrinkage of each tree's contribution (<c>learning_rate</c>).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Boosting iterations (<c>max_iter</c>); a multiclass model grows one tree per class per iteration.</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Leaves per tree (<c>max_leaf_nodes</c>); trees grow best-first.</summary>
    public int? MaxLeafNodes { get; init; } = 31;

    /// <summary>Depth limit of each tree (<c>max_depth</c>); <c>null</c> for none.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Each leaf keeps at least this many rows (<c>min_samples_leaf</c>).</summary>
    public int MinSamplesLeaf { get; init; } = 20;

    /// <summary>L2 penalty on leaf values (<c>l2_regularization</c>).</summary>
    public double L2Regularization { get; init; }

    /// <summary>
    /// Opt-in, not in scikit-learn: an extra L2 penalty on the children of every categorical split (<c>cat_l2</c>,
    /// LightGBM's name and meaning; LightGBM's default is 10). A categorical split then has to beat its parent scored
    /// without the penalty, which curbs the overfitting of many-category features on small data. Default 0 =
    /// scikit-learn 1.2's categorical splits. Applies to the <see cref="HistCategoricalSplit.Partition"/> search only.
    /// </summary>
    public double CatL2 { get; init; }

    /// <summary>
    /// Opt-in, not in scikit-learn: a categorical split is only considered after each further group of categories moved
    /// to the left brings at least this many rows, and the right side keeps as many (<c>min_data_per_group</c>,
    /// LightGBM's; its default is 100). Default 1 = scikit-learn 1.2's categorical splits. Applies to the
    /// <see cref="HistCategoricalSplit.Partition"/> search only.
    /// </summary>
    public int MinDataPerGroup { get; init; } = 1;

    /// <summary>
    /// The split search on categorical features (<c>categorical_split</c>, not in scikit-learn): <c>auto</c> (the
    /// default) searches one category against the rest below 50,000 rows and scikit-learn's many-vs-many partitions from
    /// there; <c>partition</c> is scikit-learn 1.2's behaviour at any size; <c>one_vs_rest</c> is the model a one-hot
    /// encoding would give, without widening the table.
    /// </summary>
    public HistCategoricalSplit CategoricalSplit { get; init; } = HistCategoricalSplit.Auto;

    /// <summary>Bins per numeric feature, at most 255 (<c>max_bins</c>); one more bin holds missing values.</summary>
    public int MaxBins { get; init; } = 255;

    /// <summary>
    /// Features treated as categories (<c>categorical_features</c>), by name; <c>null</c> treats every categorical or
    /// boolean column of the table as categorical and numeric columns as numeric.
    /// </summary>
    public IReadOnlyList<string>? CategoricalFeatures { get; init; }

    /// <summary>
    /// Stop when the validation loss has not improved by <c>tol</c> for <c>n_iter_no_change</c> iterations
    /// (<c>early_stopping</c>): <c>null</c> ("auto") enables it above 10,000 rows.
    /// </summary>
    public bool? EarlyStopping { get; init; }

    /// <summary>Fraction of the rows held out for early stopping (<c>validation_fraction</c>).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Patience of early stopping (<c>n_iter_no_change</c>).</summary>
    public int NIterNoChange { get; init; } = 10;

    /// <summary>Minimal improvement of the validation loss that counts (<c>tol</c>).</summary>
    public double Tol { get; init; } = 1e-7;

    /// <summary>Threads used for histograms and prediction (<c>n_jobs</c>): <c>null</c>/-1 every core. The model is the same for any value.</summary>
    public int? NJobs { get; init; }

    /// <summary>Seed of the binning subsample and the validation split (<c>random_state</c>).</summary>
    public int? RandomState { get; init; }

    internal int Threads => NJobs is null or -1 ? Environment.ProcessorCount : NJobs.Value;

    /// <summary>The columns of <paramref name="schema"/> treated as categorical: <see cref="CategoricalFeatures"/> that exist, or every categorical and boolean column.</summary>
    internal IReadOnlyList<string> CategoricalColumns(Data.Schema schema) =>
        CategoricalFeatures is null
            ? [.. schema.Columns.Where(c => c.Kind is Data.ColumnKind.Categorical or Data.ColumnKind.Boolean).Select(c => c.Name)]
            : [.. CategoricalFeatures.Where(schema.Contains)];

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new HyperparameterException("learning_rate", "must be a positive number (for example 0.1)");
        }

        if (MaxIter < 1)
        {
            throw new HyperparameterException("max_iter", "must be at least 1");
        }

        if (MaxLeafNodes is < 2)
        {
            throw new HyperparameterException("max_leaf_nodes", "must be at least 2, or null for no limit");
        }

        if (MaxDepth is < 1)
        {
            throw new HyperparameterException("max_depth", "must be at least 1, or null for no limit");
        }

        if (MinSamplesLeaf < 1)
        {
            throw new HyperparameterException("min_samples_leaf", "must be at least 1");
        }

        if (!(L2Regularization >= 0) || !double.IsFinite(L2Regularization))
        {
            throw new HyperparameterException("l2_regularization", "must be a non-negative number");
        }

        if (!(CatL2 >= 0) || !double.IsFinite(CatL2))
        {
            throw new HyperparameterException("cat_l2", "must be a non-negative number (LightGBM uses 10; 0 keeps scikit-learn's categorical splits)");
        }

        if (MinDataPerGroup < 1)
        {
            throw new HyperparameterException("min_data_per_group", "must be at least 1 (LightGBM uses 100; 1 keeps scikit-learn's categorical splits)");
        }

        if (MaxBins is < 2 or > 255)
        {
            throw new HyperparameterException("max_bins", "must be between 2 and 255");
        }

        if (!(ValidationFraction > 0 && ValidationFraction < 1))
        {
            throw new HyperparameterException("validation_fraction", "must be in (0, 1)");
        }

        if (NIterNoChange < 1)
        {
            throw new HyperparameterException("n_iter_no_change", "must be at least 1");
        }

        if (!(Tol >= 0) || !double.IsFinite(Tol))
        {
            throw new HyperparameterException("tol", "must be a non-negative number");
        }

        if (NJobs is 0 or < -1)
        {
            throw new HyperparameterException("n_jobs", "must be a positive thread count, or -1/null for every core");
        }
    }
}

/// <summary>Hyperparameters of <see cref="HistGradientBoostingClassifier"/> (loss: log loss, binary or multinomial).</summary>
public sealed record HistGradientBoostingClassifierOptions : HistGradientBoostingOptionsBase
{
    /// <summary>
    /// With three or more classes, scale every class's hessian p(1 − p) by K/(K − 1) (<c>scale_multiclass_step</c>, not in
    /// scikit-learn's HistGradientBoosting): the Newton step of Friedman's multiclass TreeBoost (2001, Algorithm 6), which
    /// LightGBM (since 3.0) and scikit-learn's GradientBoostingClassifier take; each step is (K − 1)/K as long.
    /// <c>false</c> is scikit-learn 1.2's HistGradientBoostingClassifier. No effect on two classes.
    /// </summary>
    public bool ScaleMulticlassStep { get; init; } = true;
}

/// <summary>Hyperparameters of <see cref="HistGradientBoostingRegressor"/>.</summary>
public sealed record HistGradientBoostingRegressorOptions : HistGradientBoostingOptionsBase
{
    /// <summary>The loss (<c>loss</c>): squared_error or poisson.</summary>
    public HistRegressionLoss Loss { get; init; } = HistRegressionLoss.SquaredError;
}
