using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;

namespace NetLearn.NaiveBayes;

/// <summary>Hyperparameters of <see cref="GaussianNB"/> (scikit-learn's <c>GaussianNB</c>).</summary>
public sealed record GaussianNBOptions : EstimatorOptions
{
    /// <summary>Class priors (<c>priors</c>), in class order; <c>null</c> estimates them from the data.</summary>
    public IReadOnlyList<double>? Priors { get; init; }

    /// <summary>Share of the largest feature variance added to every variance, for stability (<c>var_smoothing</c>).</summary>
    public double VarSmoothing { get; init; } = 1e-9;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(VarSmoothing >= 0) || !double.IsFinite(VarSmoothing))
        {
            throw new HyperparameterException("var_smoothing", "must be a non-negative number, for example 1e-9");
        }

        NaiveBayesMath.ValidatePriors(Priors, "priors");
    }
}

/// <summary>Hyperparameters of <see cref="MultinomialNB"/> (scikit-learn's <c>MultinomialNB</c>).</summary>
public sealed record MultinomialNBOptions : EstimatorOptions
{
    /// <summary>Additive (Laplace/Lidstone) smoothing (<c>alpha</c>); values below 1e-10 are raised to 1e-10.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Learn class priors (<c>fit_prior</c>); otherwise uniform.</summary>
    public bool FitPrior { get; init; } = true;

    /// <summary>Fixed class priors (<c>class_prior</c>), in class order.</summary>
    public IReadOnlyList<double>? ClassPrior { get; init; }

    /// <inheritdoc />
    public override void Validate() => NaiveBayesMath.ValidateDiscrete(Alpha, ClassPrior);
}

/// <summary>Hyperparameters of <see cref="BernoulliNB"/> (scikit-learn's <c>BernoulliNB</c>).</summary>
public sealed record BernoulliNBOptions : EstimatorOptions
{
    /// <summary>Additive smoothing (<c>alpha</c>).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Threshold: values above it count as 1, others as 0 (<c>binarize</c>); <c>null</c> when the data are already binary.</summary>
    public double? Binarize { get; init; } = 0.0;

    /// <summary>Learn class priors (<c>fit_prior</c>).</summary>
    public bool FitPrior { get; init; } = true;

    /// <summary>Fixed class priors (<c>class_prior</c>).</summary>
    public IReadOnlyList<double>? ClassPrior { get; init; }

    /// <inheritdoc />
    public override void Validate() => NaiveBayesMath.ValidateDiscrete(Alpha, ClassPrior);
}

/// <summary>Hyperparameters of <see cref="ComplementNB"/> (scikit-learn's <c>ComplementNB</c>).</summary>
public sealed record ComplementNBOptions : EstimatorOptions
{
    /// <summary>Additive smoothing (<c>alpha</c>).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Learn class priors (<c>fit_prior</c>; used only with a single class, as in scikit-learn).</summary>
    public bool FitPrior { get; init; } = true;

    /// <summary>Fixed class priors (<c>class_prior</c>).</summary>
    public IReadOnlyList<double>? ClassPrior { get; init; }

    /// <summary>Second normalisation of the weights (<c>norm</c>), as in Rennie et al.</summary>
    public bool Norm { get; init; }

    /// <inheritdoc />
    public override void Validate() => NaiveBayesMath.ValidateDiscrete(Alpha, ClassPrior);
}

/// <summary>
/// Gaussian naive Bayes (scikit-learn's <c>GaussianNB</c>): per class, independent normal features with the class's
/// weighted mean and variance (plus var_smoothing × the largest feature variance); posterior by Bayes' rule in log space.
/// </summary>
public sealed class GaussianNB(GaussianNBOptions? options = null)
    : Estimator<GaussianNBOptions, GaussianNBModel>(options ?? new GaussianNBOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "gaussian_nb";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override GaussianNBModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        var input = ClassificationInputs.Read(features, target, context, "GaussianNB", minClasses: 1);
        var x = input.X;
        int n = x.Rows, p = x.Columns, k = input.Labels.Count;

        // epsilon = var_smoothing · max over features of the (unweighted) variance of X.
        var mean = new double[p];
        for (int r = 0; r < n; r++)
        {
            TensorPrimitives.Add<double>(mean, x.Row(r), mean);
        }

        TensorPrimitives.Divide<double>(mean, n, mean);
        var variance = new double[p];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < p; c++)
            {
                double d = x[r, c] - mean[c];
                variance[c] += d * d;
            }
        }

        double epsilon = Options.VarSmoothing * (TensorPrimitives.Max<double>(variance) / n);

        var theta = new Matrix(k, p);
        var sigma = new Matrix(k, p);
        var counts = new double[k];
        for (int r = 0; r < n; r++)
        {
            double w = input.Weights?[r] ?? 1.0;
            counts[input.Y[r]] += w;
            TensorPrimitives.MultiplyAdd<double>(x.Row(r), w, theta.Row(input.Y[r]), theta.Row(input.Y[r]));
        }

        for (int c = 0; c < k; c++)
        {
            if (counts[c] <= 0)
            {
                throw new DataValidationException($"Class '{input.Labels.Classes.FormatValue(c)}' has zero total sample weight. Give its rows positive weights or drop them", column: target!.Name);
            }

            TensorPrimitives.Divide<double>(theta.Row(c), counts[c], theta.Row(c));
        }

        for (int r = 0; r < n; r++)
        {
            double w = input.Weights?[r] ?? 1.0;
            var mu = theta.Row(input.Y[r]);
            var s = sigma.Row(input.Y[r]);
            var row = x.Row(r);
            for (int c = 0; c < p; c++)
            {
                double d = row[c] - mu[c];
                s[c] += w * d * d;
            }
        }

        for (int c = 0; c < k; c++)
        {
            TensorPrimitives.Divide<double>(sigma.Row(c), counts[c], sigma.Row(c));
            TensorPrimitives.Add<double>(sigma.Row(c), epsilon, sigma.Row(c));
        }

        double[] prior;
        if (Options.Priors is { } priors)
        {
            if (priors.Count != k)
            {
                throw new HyperparameterException("priors", $"has {priors.Count} values but the target has {k} classes");
            }

            prior = [.. priors];
        }
        else
        {
            double total = counts.Sum();
            prior = [.. counts.Select(c => c / total)];
        }

        return new GaussianNBModel(Options, features.Schema, input.Labels.Classes, theta, sigma, prior, counts, epsilon);
    }
}

/// <summary>The shared fit of the discrete naive Bayes models: weighted feature counts per class.</summary>
internal static class NaiveBayesMath
{
    public static void ValidatePriors(IReadOnlyList<double>? priors, string name)
    {
        if (priors is null)
        {
            return;
        }

        if (priors.Any(v => !(v >= 0)) || Math.Abs(priors.Sum() - 1.0) > 1e-8)
        {
            throw new HyperparameterException(name, "must be non-negative and sum to 1, one value per class in sorted class order");
        }
    }

    public static void ValidateDiscrete(double alpha, IReadOnlyList<double>? classPrior)
    {
        if (!(alpha >= 0) || !double.IsFinite(alpha))
        {
            throw new HyperparameterException("alpha", "must be a non-negative number, for example 1.0");
        }

        ValidatePriors(classPrior, "class_prior");
    }

    /// <summary>Weighted feature sums per class (k×p) and class totals; rejects negative features.</summary>
    public static (Matrix FeatureCount, double[] ClassCount) Count(ClassificationInputs input, Table features, string estimator, Func<double, double>? transform = null)
    {
        var x = input.X;
        int k = input.Labels.Count;
        var featureCount = new Matrix(k, x.Columns);
        var classCount = new double[k];
        var row = new double[x.Columns];
        for (int r = 0; r < x.Rows; r++)
        {
            var source = x.Row(r);
            for (int c = 0; c < row.Length; c++)
            {
                double v = transform is null ? source[c] : transform(source[c]);
                if (v < 0)
                {
                    throw new DataValidationException($"{estimator} needs non-negative features (counts or frequencies), but found {v}. Use GaussianNB for real-valued features, or do not centre the data", column: features.Columns[c].Name, row: r);
                }

                row[c] = v;
            }

            double w = input.Weights?[r] ?? 1.0;
            classCount[input.Y[r]] += w;
            TensorPrimitives.MultiplyAdd<double>(row, w, featureCount.Row(input.Y[r]), featureCount.Row(input.Y[r]));
        }

        return (featureCount, classCount);
    }

    public static double[] ClassLogPrior(double[] classCount, bool fitPrior, IReadOnlyList<double>? classPrior)
    {
        int k = classCount.Length;
        if (classPrior is not null)
        {
            if (classPrior.Count != k)
            {
                throw new HyperparameterException("class_prior", $"has {classPrior.Count} values but the target has {k} classes");
            }

            return [.. classPrior.Select(v => Math.Log(v))];
        }

        if (fitPrior)
        {
            double logTotal = Math.Log(classCount.Sum());
            return [.. classCount.Select(c => Math.Log(c) - logTotal)];
        }

        return Enumerable.Repeat(-Math.Log(k), k).ToArray();
    }

    public static double EffectiveAlpha(double alpha) => Math.Max(alpha, 1e-10);

    /// <summary>Row-wise softmax of joint log-likelihoods (exp(jll − logsumexp(jll))).</summary>
    public static Matrix Normalise(Matrix jll)
    {
        var proba = new Matrix(jll.Rows, jll.Columns);
        for (int i = 0; i < jll.Rows; i++)
        {
            var s = jll.Row(i);
            var target = proba.Row(i);
            double max = TensorPrimitives.Max<double>(s);
            TensorPrimitives.Subtract(s, max, target);
            TensorPrimitives.Exp<double>(target, target);
            double logSum = max + Math.Log(TensorPrimitives.Sum<double>(target));
            TensorPrimitives.Subtract(s, logSum, target);
            TensorPrimitives.Exp<double>(target, target);
        }

        return proba;
    }
}

/// <summary>Base of the fitted naive Bayes models: labels, prediction by the largest joint log-likelihood.</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class NaiveBayesModel<TOptions> : FittedModel<TOptions>, IClassifier
    where TOptions : EstimatorOptions
{
    /// <summary>Stores options, schema and classes.</summary>
    private protected NaiveBayesModel(TOptions options, Schema inputSchema, Column classes)
        : base(options, inputSchema)
    {
        Classes = classes;
        Labels = ClassLabels.FromClasses(classes);
    }

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    private ClassLabels Labels { get; }

    /// <summary>The joint log-likelihood log P(x, class) up to a per-row constant (<c>_joint_log_likelihood</c>).</summary>
    public abstract Matrix JointLogLikelihood(Matrix features);

    /// <inheritdoc />
    public Matrix PredictProba(Table features) => NaiveBayesMath.Normalise(JointLogLikelihood(features.ConformTo(InputSchema).ToMatrix()));

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var jll = JointLogLikelihood(features.ConformTo(InputSchema).ToMatrix());
        var classes = new int[jll.Rows];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = TensorPrimitives.IndexOfMax<double>(jll.Row(i));
        }

        return Labels.Decode(classes, Classes.Name);
    }
}

/// <summary>A fitted <see cref="GaussianNB"/>.</summary>
public sealed class GaussianNBModel : NaiveBayesModel<GaussianNBOptions>
{
    internal GaussianNBModel(GaussianNBOptions options, Schema inputSchema, Column classes, Matrix theta, Matrix variance, double[] classPrior, double[] classCount, double epsilon)
        : base(options, inputSchema, classes)
    {
        Theta = theta;
        Variance = variance;
        ClassPrior = classPrior;
        ClassCount = classCount;
        Epsilon = epsilon;
    }

    /// <inheritdoc />
    public override string Kind => GaussianNB.KindName;

    /// <summary>Per-class feature means (<c>theta_</c>), classes × features.</summary>
    public Matrix Theta { get; }

    /// <summary>Per-class feature variances including the smoothing (<c>var_</c>).</summary>
    public Matrix Variance { get; }

    /// <summary>Class priors (<c>class_prior_</c>).</summary>
    public IReadOnlyList<double> ClassPrior { get; }

    /// <summary>Total sample weight per class (<c>class_count_</c>).</summary>
    public IReadOnlyList<double> ClassCount { get; }

    /// <summary>The variance added to every feature (<c>epsilon_</c>).</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override Matrix JointLogLikelihood(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        int k = Theta.Rows, p = Theta.Columns;
        var constant = new double[k];
        for (int c = 0; c < k; c++)
        {
            double s = 0;
            foreach (double v in Variance.Row(c))
            {
                s += Math.Log(2.0 * Math.PI * v);
            }

            constant[c] = Math.Log(ClassPrior[c]) - (0.5 * s);
        }

        var jll = new Matrix(features.Rows, k);
        var diff = new double[p];
        for (int i = 0; i < features.Rows; i++)
        {
            var row = features.Row(i);
            for (int c = 0; c < k; c++)
            {
                TensorPrimitives.Subtract(row, Theta.Row(c), diff);
                TensorPrimitives.Multiply<double>(diff, diff, diff);
                TensorPrimitives.Divide(diff, Variance.Row(c), diff);
                jll[i, c] = constant[c] - (0.5 * TensorPrimitives.Sum<double>(diff));
            }
        }

        return jll;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        writer.Write("theta", Theta);
        writer.Write("var", Variance);
        writer.Write("class_prior", ClassPrior.ToArray());
        writer.Write("class_count", ClassCount.ToArray());
        writer.Write("epsilon", Epsilon);
    }

    internal static GaussianNBModel Load(ModelReader reader) => new(
        reader.ReadOptions<GaussianNBOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadColumn("classes"),
        reader.ReadMatrix("theta"),
        reader.ReadMatrix("var"),
        reader.ReadDoubles("class_prior"),
        reader.ReadDoubles("class_count"),
        reader.ReadDouble("epsilon"));
}

/// <summary>Base of the fitted discrete naive Bayes models: smoothed per-class feature log-probabilities and class log-priors.</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class DiscreteNBModel<TOptions> : NaiveBayesModel<TOptions>
    where TOptions : EstimatorOptions
{
    /// <summary>Stores the learned state.</summary>
    private protected DiscreteNBModel(TOptions options, Schema inputSchema, Column classes, Matrix featureLogProb, double[] classLogPrior, Matrix featureCount, double[] classCount)
        : base(options, inputSchema, classes)
    {
        FeatureLogProb = featureLogProb;
        ClassLogPrior = classLogPrior;
        FeatureCount = featureCount;
        ClassCount = classCount;
    }

    /// <summary>Per-class feature log-probabilities or weights (<c>feature_log_prob_</c>), classes × features.</summary>
    public Matrix FeatureLogProb { get; }

    /// <summary>Class log-priors (<c>class_log_prior_</c>).</summary>
    public IReadOnlyList<double> ClassLogPrior { get; }

    /// <summary>Weighted feature sums per class (<c>feature_count_</c>).</summary>
    public Matrix FeatureCount { get; }

    /// <summary>Total sample weight per class (<c>class_count_</c>).</summary>
    public IReadOnlyList<double> ClassCount { get; }

    /// <summary>x·FeatureLogProbᵀ + the class log-prior (for the multinomial and complement models).</summary>
    private protected Matrix LinearScores(Matrix features, bool addPrior)
    {
        ArgumentNullException.ThrowIfNull(features);
        var jll = features.MultiplyTransposed(FeatureLogProb);
        if (addPrior)
        {
            double[] prior = [.. ClassLogPrior];
            for (int i = 0; i < jll.Rows; i++)
            {
                TensorPrimitives.Add(jll.Row(i), prior, jll.Row(i));
            }
        }

        return jll;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        writer.Write("feature_log_prob", FeatureLogProb);
        writer.Write("class_log_prior", ClassLogPrior.ToArray());
        writer.Write("feature_count", FeatureCount);
        writer.Write("class_count", ClassCount.ToArray());
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    private protected static (TOptions Options, Schema Schema, Column Classes, Matrix Flp, double[] Prior, Matrix Fc, double[] Cc) ReadState(ModelReader reader) => (
        reader.ReadOptions<TOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadColumn("classes"),
        reader.ReadMatrix("feature_log_prob"),
        reader.ReadDoubles("class_log_prior"),
        reader.ReadMatrix("feature_count"),
        reader.ReadDoubles("class_count"));
}

/// <summary>
/// Multinomial naive Bayes for counts (scikit-learn's <c>MultinomialNB</c>): log P(feature | class) from smoothed
/// weighted counts, (N_cj + α)/(N_c + α·p); a linear model in log space.
/// </summary>
public sealed class MultinomialNB(MultinomialNBOptions? options = null)
    : Estimator<MultinomialNBOptions, MultinomialNBModel>(options ?? new MultinomialNBOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "multinomial_nb";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override MultinomialNBModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var input = ClassificationInputs.Read(features, target, context ?? FitContext.Default, "MultinomialNB", minClasses: 1);
        var (fc, cc) = NaiveBayesMath.Count(input, features, "MultinomialNB");
        double alpha = NaiveBayesMath.EffectiveAlpha(Options.Alpha);
        var flp = new Matrix(fc.Rows, fc.Columns);
        for (int c = 0; c < fc.Rows; c++)
        {
            var target2 = flp.Row(c);
            TensorPrimitives.Add(fc.Row(c), alpha, target2);
            double logTotal = Math.Log(TensorPrimitives.Sum<double>(target2));
            TensorPrimitives.Log<double>(target2, target2);
            TensorPrimitives.Subtract(target2, logTotal, target2);
        }

        return new MultinomialNBModel(Options, features.Schema, input.Labels.Classes, flp, NaiveBayesMath.ClassLogPrior(cc, Options.FitPrior, Options.ClassPrior), fc, cc);
    }
}

/// <summary>A fitted <see cref="MultinomialNB"/>.</summary>
public sealed class MultinomialNBModel : DiscreteNBModel<MultinomialNBOptions>
{
    internal MultinomialNBModel(MultinomialNBOptions options, Schema inputSchema, Column classes, Matrix featureLogProb, double[] classLogPrior, Matrix featureCount, double[] classCount)
        : base(options, inputSchema, classes, featureLogProb, classLogPrior, featureCount, classCount)
    {
    }

    /// <inheritdoc />
    public override string Kind => MultinomialNB.KindName;

    /// <inheritdoc />
    public override Matrix JointLogLikelihood(Matrix features) => LinearScores(features, addPrior: true);

    internal static MultinomialNBModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new MultinomialNBModel(s.Options, s.Schema, s.Classes, s.Flp, s.Prior, s.Fc, s.Cc);
    }
}

/// <summary>
/// Bernoulli naive Bayes for binary features (scikit-learn's <c>BernoulliNB</c>): features are thresholded at
/// <c>binarize</c>; P(feature = 1 | class) = (N_cj + α)/(N_c + 2α), and absent features count against a class too.
/// </summary>
public sealed class BernoulliNB(BernoulliNBOptions? options = null)
    : Estimator<BernoulliNBOptions, BernoulliNBModel>(options ?? new BernoulliNBOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "bernoulli_nb";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override BernoulliNBModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var input = ClassificationInputs.Read(features, target, context ?? FitContext.Default, "BernoulliNB", minClasses: 1);
        double? threshold = Options.Binarize;
        var (fc, cc) = NaiveBayesMath.Count(input, features, "BernoulliNB", threshold is { } t ? v => v > t ? 1.0 : 0.0 : null);
        double alpha = NaiveBayesMath.EffectiveAlpha(Options.Alpha);
        var flp = new Matrix(fc.Rows, fc.Columns);
        for (int c = 0; c < fc.Rows; c++)
        {
            var row = flp.Row(c);
            TensorPrimitives.Add(fc.Row(c), alpha, row);
            TensorPrimitives.Log<double>(row, row);
            TensorPrimitives.Subtract(row, Math.Log(cc[c] + (alpha * 2)), row);
        }

        return new BernoulliNBModel(Options, features.Schema, input.Labels.Classes, flp, NaiveBayesMath.ClassLogPrior(cc, Options.FitPrior, Options.ClassPrior), fc, cc);
    }
}

/// <summary>A fitted <see cref="BernoulliNB"/>.</summary>
public sealed class BernoulliNBModel : DiscreteNBModel<BernoulliNBOptions>
{
    internal BernoulliNBModel(BernoulliNBOptions options, Schema inputSchema, Column classes, Matrix featureLogProb, double[] classLogPrior, Matrix featureCount, double[] classCount)
        : base(options, inputSchema, classes, featureLogProb, classLogPrior, featureCount, classCount)
    {
    }

    /// <inheritdoc />
    public override string Kind => BernoulliNB.KindName;

    /// <inheritdoc />
    public override Matrix JointLogLikelihood(Matrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        int k = FeatureLogProb.Rows, p = FeatureLogProb.Columns;
        var x = features;
        if (Options.Binarize is { } t)
        {
            x = features.Clone();
            var data = x.AsSpan();
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = data[i] > t ? 1.0 : 0.0;
            }
        }

        // jll = x·(log p − log(1 − p))ᵀ + Σ log(1 − p) + log prior.
        var difference = new Matrix(k, p);
        var constant = new double[k];
        for (int c = 0; c < k; c++)
        {
            var flp = FeatureLogProb.Row(c);
            for (int j = 0; j < p; j++)
            {
                double negative = Math.Log(1 - Math.Exp(flp[j]));
                difference[c, j] = flp[j] - negative;
                constant[c] += negative;
            }

            constant[c] += ClassLogPrior[c];
        }

        var jll = x.MultiplyTransposed(difference);
        for (int i = 0; i < jll.Rows; i++)
        {
            TensorPrimitives.Add(jll.Row(i), constant, jll.Row(i));
        }

        return jll;
    }

    internal static BernoulliNBModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new BernoulliNBModel(s.Options, s.Schema, s.Classes, s.Flp, s.Prior, s.Fc, s.Cc);
    }
}

/// <summary>
/// Complement naive Bayes (scikit-learn's <c>ComplementNB</c>; Rennie, Shih, Teevan and Karger, "Tackling the poor
/// assumptions of naive Bayes text classifiers", ICML 2003): weights from the counts of every class except the one
/// scored, which suits imbalanced classes.
/// </summary>
public sealed class ComplementNB(ComplementNBOptions? options = null)
    : Estimator<ComplementNBOptions, ComplementNBModel>(options ?? new ComplementNBOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "complement_nb";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override ComplementNBModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        var input = ClassificationInputs.Read(features, target, context ?? FitContext.Default, "ComplementNB", minClasses: 1);
        var (fc, cc) = NaiveBayesMath.Count(input, features, "ComplementNB");
        double alpha = NaiveBayesMath.EffectiveAlpha(Options.Alpha);
        int k = fc.Rows, p = fc.Columns;
        var all = new double[p];
        for (int c = 0; c < k; c++)
        {
            TensorPrimitives.Add<double>(all, fc.Row(c), all);
        }

        var flp = new Matrix(k, p);
        for (int c = 0; c < k; c++)
        {
            var row = flp.Row(c);
            TensorPrimitives.Subtract<double>(all, fc.Row(c), row);
            TensorPrimitives.Add(row, alpha, row);
            double total = TensorPrimitives.Sum<double>(row);
            TensorPrimitives.Divide(row, total, row);
            TensorPrimitives.Log<double>(row, row);
            if (Options.Norm)
            {
                TensorPrimitives.Divide(row, TensorPrimitives.Sum<double>(row), row);
            }
            else
            {
                TensorPrimitives.Negate<double>(row, row);
            }
        }

        return new ComplementNBModel(Options, features.Schema, input.Labels.Classes, flp, NaiveBayesMath.ClassLogPrior(cc, Options.FitPrior, Options.ClassPrior), fc, cc);
    }
}

/// <summary>A fitted <see cref="ComplementNB"/>.</summary>
public sealed class ComplementNBModel : DiscreteNBModel<ComplementNBOptions>
{
    internal ComplementNBModel(ComplementNBOptions options, Schema inputSchema, Column classes, Matrix featureLogProb, double[] classLogPrior, Matrix featureCount, double[] classCount)
        : base(options, inputSchema, classes, featureLogProb, classLogPrior, featureCount, classCount)
    {
    }

    /// <inheritdoc />
    public override string Kind => ComplementNB.KindName;

    /// <inheritdoc />
    public override Matrix JointLogLikelihood(Matrix features) => LinearScores(features, addPrior: Classes.Length == 1);

    internal static ComplementNBModel Load(ModelReader reader)
    {
        var s = ReadState(reader);
        return new ComplementNBModel(s.Options, s.Schema, s.Classes, s.Flp, s.Prior, s.Fc, s.Cc);
    }
}
