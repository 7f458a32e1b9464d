using System.Numerics.Tensors;
using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Neighbors;

/// <summary>How the neighbours' votes or values are weighted (<c>weights</c>).</summary>
public enum NeighborWeights
{
    /// <summary>Every neighbour counts the same.</summary>
    Uniform,

    /// <summary>Weight 1/distance; a query that coincides with training rows uses only those rows.</summary>
    Distance,
}

/// <summary>Hyperparameters shared by the k-nearest-neighbour models (scikit-learn's names and defaults).</summary>
public abstract record KNeighborsOptions : EstimatorOptions
{
    /// <summary>Number of neighbours (<c>n_neighbors</c>).</summary>
    public int NNeighbors { get; init; } = 5;

    /// <summary>Neighbour weighting (<c>weights</c>).</summary>
    public NeighborWeights Weights { get; init; } = NeighborWeights.Uniform;

    /// <summary>Search method (<c>algorithm</c>); all give the same neighbours (up to ties).</summary>
    public NeighborAlgorithm Algorithm { get; init; } = NeighborAlgorithm.Auto;

    /// <summary>Rows per tree leaf (<c>leaf_size</c>).</summary>
    public int LeafSize { get; init; } = 30;

    /// <summary>Power of the Minkowski metric (<c>p</c>); used when <c>metric</c> is minkowski.</summary>
    public double P { get; init; } = 2;

    /// <summary>Distance (<c>metric</c>).</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Minkowski;

    /// <summary>The Minkowski power actually used.</summary>
    internal double EffectiveP => Metric switch { DistanceMetric.Euclidean => 2, DistanceMetric.Manhattan => 1, _ => P };

    /// <inheritdoc />
    public override void Validate()
    {
        if (NNeighbors < 1)
        {
            throw new HyperparameterException("n_neighbors", "must be at least 1");
        }

        if (LeafSize < 1)
        {
            throw new HyperparameterException("leaf_size", "must be at least 1");
        }

        if (!(P >= 1) || !double.IsFinite(P))
        {
            throw new HyperparameterException("p", "must be a number ≥ 1 (1 is manhattan, 2 euclidean)");
        }
    }
}

/// <summary>Hyperparameters of <see cref="KNeighborsClassifier"/>.</summary>
public sealed record KNeighborsClassifierOptions : KNeighborsOptions;

/// <summary>Hyperparameters of <see cref="KNeighborsRegressor"/>.</summary>
public sealed record KNeighborsRegressorOptions : KNeighborsOptions;

/// <summary>
/// k-nearest-neighbour classification (scikit-learn's <c>KNeighborsClassifier</c>; Cover and Hart, 1967): the class
/// probabilities are the (weighted) shares of the k nearest training rows; ties go to the first class.
/// </summary>
public sealed class KNeighborsClassifier(KNeighborsClassifierOptions? options = null)
    : Estimator<KNeighborsClassifierOptions, KNeighborsClassifierModel>(options ?? new KNeighborsClassifierOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "knn_classifier";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override KNeighborsClassifierModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        if (context.SampleWeight is not null)
        {
            throw new DataValidationException("KNeighborsClassifier does not take sample weights (scikit-learn neither). Fit without them", column: "sample_weight");
        }

        var input = ClassificationInputs.Read(features, target, context, "KNeighborsClassifier", minClasses: 1);
        KNeighborsMath.CheckRows(Options, input.X.Rows);
        return new KNeighborsClassifierModel(Options, features.Schema, input.Labels.Classes, input.X, input.Y);
    }
}

/// <summary>k-nearest-neighbour regression (scikit-learn's <c>KNeighborsRegressor</c>): the (weighted) mean target of the k nearest training rows.</summary>
public sealed class KNeighborsRegressor(KNeighborsRegressorOptions? options = null)
    : Estimator<KNeighborsRegressorOptions, KNeighborsRegressorModel>(options ?? new KNeighborsRegressorOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "knn_regressor";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override KNeighborsRegressorModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        context ??= FitContext.Default;
        if (context.SampleWeight is not null)
        {
            throw new DataValidationException("KNeighborsRegressor does not take sample weights (scikit-learn neither). Fit without them", column: "sample_weight");
        }

        Checks.NotEmpty(features, "KNeighborsRegressor");
        double[] y = Checks.RegressionTarget(features, target, "KNeighborsRegressor");
        var x = features.ToMatrix();
        KNeighborsMath.CheckRows(Options, x.Rows);
        return new KNeighborsRegressorModel(Options, features.Schema, target!.Name, x, y);
    }
}

internal static class KNeighborsMath
{
    public static void CheckRows(KNeighborsOptions options, int rows)
    {
        if (options.NNeighbors > rows)
        {
            throw new HyperparameterException("n_neighbors", $"is {options.NNeighbors} but there are only {rows} training rows. Use at most {rows}");
        }
    }

    /// <summary>Per-neighbour weights of one query (scikit-learn's <c>_get_weights</c>).</summary>
    public static double[] Weights(NeighborWeights weights, double[] distances)
    {
        var w = new double[distances.Length];
        if (weights == NeighborWeights.Uniform)
        {
            w.AsSpan().Fill(1.0);
        }
        else if (distances.Contains(0.0))
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = distances[i] == 0 ? 1.0 : 0.0;
            }
        }
        else
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = 1.0 / distances[i];
            }
        }

        return w;
    }
}

/// <summary>Shared state of the fitted neighbour models: the training rows and the search index (rebuilt on load).</summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class KNeighborsModel<TOptions> : FittedModel<TOptions>
    where TOptions : KNeighborsOptions
{
    private readonly NeighborIndex _index;

    /// <summary>Stores the training rows and builds the index.</summary>
    private protected KNeighborsModel(TOptions options, Schema inputSchema, Matrix trainingRows)
        : base(options, inputSchema)
    {
        TrainingRows = trainingRows;
        _index = new NeighborIndex(trainingRows, options.EffectiveP, options.Algorithm, options.LeafSize, options.NNeighbors);
    }

    /// <summary>The training features (<c>_fit_X</c>).</summary>
    public Matrix TrainingRows { get; }

    /// <summary>The search method in use (<c>_fit_method</c>).</summary>
    public NeighborAlgorithm FitMethod => _index.Algorithm;

    /// <summary>
    /// The <paramref name="k"/> (default <c>n_neighbors</c>) nearest training rows of every row of
    /// <paramref name="features"/>: row indices and distances, nearest first (scikit-learn's <c>kneighbors</c>).
    /// </summary>
    public (int[][] Indices, double[][] Distances) KNeighbors(Table features, int? k = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return KNeighbors(features.ConformTo(InputSchema).ToMatrix(), k);
    }

    /// <summary>As <see cref="KNeighbors(Table, int?)"/> from a numeric matrix in <c>FeatureNames</c> order.</summary>
    public (int[][] Indices, double[][] Distances) KNeighbors(Matrix features, int? k = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        int count = k ?? Options.NNeighbors;
        if (count < 1 || count > TrainingRows.Rows)
        {
            throw new HyperparameterException("n_neighbors", $"must be between 1 and the {TrainingRows.Rows} training rows");
        }

        return _index.Query(features, count);
    }
}

/// <summary>A fitted <see cref="KNeighborsClassifier"/>.</summary>
public sealed class KNeighborsClassifierModel : KNeighborsModel<KNeighborsClassifierOptions>, IClassifier
{
    private readonly int[] _y;

    internal KNeighborsClassifierModel(KNeighborsClassifierOptions options, Schema inputSchema, Column classes, Matrix x, int[] y)
        : base(options, inputSchema, x)
    {
        Classes = classes;
        _y = y;
        Labels = ClassLabels.FromClasses(classes);
    }

    /// <inheritdoc />
    public override string Kind => KNeighborsClassifier.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Classification;

    /// <inheritdoc />
    public Column Classes { get; }

    /// <summary>The class index of every training row.</summary>
    public IReadOnlyList<int> TrainingClasses => _y;

    private ClassLabels Labels { get; }

    /// <inheritdoc />
    public Matrix PredictProba(Table features) => PredictProba(features.ConformTo(InputSchema).ToMatrix());

    /// <summary>Class probabilities from a numeric matrix in <c>FeatureNames</c> order.</summary>
    public Matrix PredictProba(Matrix features)
    {
        var (indices, distances) = KNeighbors(features);
        var proba = new Matrix(features.Rows, Classes.Length);
        for (int i = 0; i < features.Rows; i++)
        {
            double[] w = KNeighborsMath.Weights(Options.Weights, distances[i]);
            var row = proba.Row(i);
            for (int j = 0; j < w.Length; j++)
            {
                row[_y[indices[i][j]]] += w[j];
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Sum<double>(row), row);
        }

        return proba;
    }

    /// <inheritdoc />
    public Column Predict(Table features)
    {
        var proba = PredictProba(features);
        var classes = new int[proba.Rows];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = TensorPrimitives.IndexOfMax<double>(proba.Row(i));
        }

        return Labels.Decode(classes, Classes.Name);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("classes", Classes);
        writer.Write("fit_x", TrainingRows);
        writer.Write("fit_y", _y);
    }

    internal static KNeighborsClassifierModel Load(ModelReader reader) => new(
        reader.ReadOptions<KNeighborsClassifierOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadColumn("classes"),
        reader.ReadMatrix("fit_x"),
        reader.ReadInt32s("fit_y"));
}

/// <summary>A fitted <see cref="KNeighborsRegressor"/>.</summary>
public sealed class KNeighborsRegressorModel : KNeighborsModel<KNeighborsRegressorOptions>, IPredictor
{
    private readonly double[] _y;

    internal KNeighborsRegressorModel(KNeighborsRegressorOptions options, Schema inputSchema, string targetName, Matrix x, double[] y)
        : base(options, inputSchema, x)
    {
        TargetName = targetName;
        _y = y;
    }

    /// <inheritdoc />
    public override string Kind => KNeighborsRegressor.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Regression;

    /// <summary>The name of the target column.</summary>
    public string TargetName { get; }

    /// <inheritdoc />
    public Column Predict(Table features) => new NumericColumn(TargetName, Predict(features.ConformTo(InputSchema).ToMatrix()));

    /// <summary>Predicts from a numeric matrix in <c>FeatureNames</c> order.</summary>
    public double[] Predict(Matrix features)
    {
        var (indices, distances) = KNeighbors(features);
        var result = new double[features.Rows];
        for (int i = 0; i < result.Length; i++)
        {
            double[] w = KNeighborsMath.Weights(Options.Weights, distances[i]);
            double sum = 0, total = 0;
            for (int j = 0; j < w.Length; j++)
            {
                sum += _y[indices[i][j]] * w[j];
                total += w[j];
            }

            result[i] = sum / total;
        }

        return result;
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("target", TargetName);
        writer.Write("fit_x", TrainingRows);
        writer.Write("fit_y", _y);
    }

    internal static KNeighborsRegressorModel Load(ModelReader reader) => new(
        reader.ReadOptions<KNeighborsRegressorOptions>(),
        reader.ReadSchema("input_schema"),
        reader.ReadString("target"),
        reader.ReadMatrix("fit_x"),
        reader.ReadDoubles("fit_y"));
}
