using NetLearn.Linear;
using NetLearn.Trees;

namespace NetLearn.Ensembles;

/// <summary>The hyperparameters every forest shares (scikit-learn's names and defaults).</summary>
public abstract record ForestOptionsBase : TreeOptionsBase
{
    /// <summary>Number of trees (<c>n_estimators</c>).</summary>
    public int NEstimators { get; init; } = 100;

    /// <summary>Train each tree on a bootstrap sample (<c>bootstrap</c>); otherwise on every row.</summary>
    public abstract bool Bootstrap { get; init; }

    /// <summary>
    /// Rows drawn per bootstrap sample (<c>max_samples</c>): <c>null</c> draws as many as there are rows, a value in
    /// (0, 1] a fraction of them, a value above 1 that many rows.
    /// </summary>
    public double? MaxSamples { get; init; }

    /// <summary>Score every row with the trees that did not see it (<c>oob_score</c>); needs <c>bootstrap</c>.</summary>
    public bool OobScore { get; init; }

    /// <summary>
    /// Threads used to fit and predict (<c>n_jobs</c>): <c>null</c> or -1 use every core, a positive number that many.
    /// The fitted forest is the same for any value.
    /// </summary>
    public int? NJobs { get; init; }

    /// <summary>Checks the forest values on top of the tree ones.</summary>
    protected void ValidateForest(Trees.SplitCriterion criterion, bool classifier)
    {
        ValidateTree(criterion, classifier);
        if (NEstimators < 1)
        {
            throw new HyperparameterException("n_estimators", "must be at least 1");
        }

        if (MaxSamples is { } m && (!(m > 0) || !double.IsFinite(m)))
        {
            throw new HyperparameterException("max_samples", "must be a fraction in (0, 1] or a row count above 1");
        }

        if (MaxSamples is not null && !Bootstrap && MaxSamples != DefaultMaxSamples)
        {
            throw new HyperparameterException("max_samples", "only applies with bootstrap=true");
        }

        if (OobScore && !Bootstrap)
        {
            throw new HyperparameterException("oob_score", "needs bootstrap=true (without bootstrap no row is out of bag)");
        }

        if (HistogramBins is { } bins && bins is < 2 or > 255)
        {
            throw new HyperparameterException("max_bins", "must be between 2 and 255, or null for scikit-learn's exact splitter");
        }

        if (NJobs is 0 or < -1)
        {
            throw new HyperparameterException("n_jobs", "must be a positive thread count, or -1/null for every core");
        }
    }

    internal int Threads => NJobs is null or -1 ? Environment.ProcessorCount : NJobs.Value;

    /// <summary>Bins per feature of the histogram splitter, or <c>null</c> for the exact splitter.</summary>
    internal virtual int? HistogramBins => null;

    /// <summary>The default <c>max_samples</c>, which <c>bootstrap=false</c> ignores (any other value is an error).</summary>
    internal virtual double? DefaultMaxSamples => null;
}

/// <summary>Classifier forest hyperparameters.</summary>
public abstract record ForestClassifierOptionsBase : ForestOptionsBase
{
    /// <summary>The impurity measure (<c>criterion</c>): gini, entropy or log_loss.</summary>
    public SplitCriterion Criterion { get; init; } = SplitCriterion.Gini;

    /// <summary>Per-class weights (<c>class_weight</c>): <c>null</c>, balanced, or by label.</summary>
    public ClassWeight? ClassWeight { get; init; }

    /// <inheritdoc />
    public override void Validate() => ValidateForest(Criterion, classifier: true);
}

/// <summary>Regressor forest hyperparameters.</summary>
public abstract record ForestRegressorOptionsBase : ForestOptionsBase
{
    /// <summary>The impurity measure (<c>criterion</c>): squared_error, absolute_error or poisson.</summary>
    public SplitCriterion Criterion { get; init; } = SplitCriterion.SquaredError;

    /// <inheritdoc />
    public override void Validate() => ValidateForest(Criterion, classifier: false);
}

/// <summary>Hyperparameters of <see cref="RandomForestClassifier"/>; <c>max_features</c> defaults to <c>sqrt</c>.</summary>
public sealed record RandomForestClassifierOptions : ForestClassifierOptionsBase
{
    /// <summary>Creates the options with NetLearn's defaults (scikit-learn's but for <see cref="MaxBins"/> and <c>max_samples</c>).</summary>
    public RandomForestClassifierOptions()
    {
        MaxFeatures = Trees.MaxFeatures.Sqrt;
        MaxSamples = NetLearnDefaults.MaxSamples;
    }

    /// <inheritdoc />
    public override bool Bootstrap { get; init; } = true;

    /// <summary>
    /// Bins per feature of the histogram splitter (<c>max_bins</c>, 2–255; not a scikit-learn forest option): features
    /// are binned once and each node's split is searched among the bin edges, much faster than sorting, at the same
    /// accuracy on most data. <c>null</c> selects scikit-learn's exact splitter (every threshold between distinct values,
    /// the same trees as scikit-learn's algorithm). The absolute_error criterion always uses the exact splitter.
    /// NetLearn's defaults (<c>max_bins=255</c>, <c>max_samples=20000</c>) trade a little variance on large data for
    /// speed; <c>max_bins=null, max_samples=null</c> are scikit-learn's.
    /// </summary>
    public int? MaxBins { get; init; } = 255;

    internal override int? HistogramBins => MaxBins;

    internal override double? DefaultMaxSamples => NetLearnDefaults.MaxSamples;

}

/// <summary>Hyperparameters of <see cref="ExtraTreesClassifier"/>; <c>max_features</c> defaults to <c>sqrt</c>, no bootstrap.</summary>
public sealed record ExtraTreesClassifierOptions : ForestClassifierOptionsBase
{
    /// <summary>Creates the options with scikit-learn's defaults.</summary>
    public ExtraTreesClassifierOptions() => MaxFeatures = Trees.MaxFeatures.Sqrt;

    /// <inheritdoc />
    public override bool Bootstrap { get; init; }
}

/// <summary>Hyperparameters of <see cref="RandomForestRegressor"/>; every feature is considered at each split (<c>max_features=1.0</c>).</summary>
public sealed record RandomForestRegressorOptions : ForestRegressorOptionsBase
{
    /// <summary>Creates the options with NetLearn's defaults (scikit-learn's but for <see cref="MaxBins"/> and <c>max_samples</c>).</summary>
    public RandomForestRegressorOptions()
    {
        MaxFeatures = Trees.MaxFeatures.Fraction(1.0);
        MaxSamples = NetLearnDefaults.MaxSamples;
    }

    /// <inheritdoc />
    public override bool Bootstrap { get; init; } = true;

    /// <summary>
    /// Bins per feature of the histogram splitter (<c>max_bins</c>, 2–255; not a scikit-learn forest option): features
    /// are binned once and each node's split is searched among the bin edges, much faster than sorting, at the same
    /// accuracy on most data. <c>null</c> selects scikit-learn's exact splitter (every threshold between distinct values,
    /// the same trees as scikit-learn's algorithm). The absolute_error criterion always uses the exact splitter.
    /// NetLearn's defaults (<c>max_bins=255</c>, <c>max_samples=20000</c>) trade a little variance on large data for
    /// speed; <c>max_bins=null, max_samples=null</c> are scikit-learn's.
    /// </summary>
    public int? MaxBins { get; init; } = 255;

    internal override int? HistogramBins => MaxBins;

    internal override double? DefaultMaxSamples => NetLearnDefaults.MaxSamples;

}

/// <summary>Hyperparameters of <see cref="ExtraTreesRegressor"/>; every feature, no bootstrap.</summary>
public sealed record ExtraTreesRegressorOptions : ForestRegressorOptionsBase
{
    /// <summary>Creates the options with scikit-learn's defaults.</summary>
    public ExtraTreesRegressorOptions() => MaxFeatures = Trees.MaxFeatures.Fraction(1.0);

    /// <inheritdoc />
    public override bool Bootstrap { get; init; }
}

/// <summary>
/// Where NetLearn's random forests depart from scikit-learn's defaults (docs/decisions.md, issue 3): histogram splits,
/// and each tree grown on a bootstrap sample of at most 20,000 draws (all rows below that). Still Breiman's random
/// forest (bootstrap aggregation of fully grown, decorrelated trees); on large data several times faster than fully
/// grown exact trees on full-size samples, at the same accuracy.
/// </summary>
internal static class NetLearnDefaults
{
    public const double MaxSamples = 20_000;
}
