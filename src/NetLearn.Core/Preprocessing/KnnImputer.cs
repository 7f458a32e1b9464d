using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>How <see cref="KnnImputer"/> weighs the neighbours' values.</summary>
public enum NeighborWeights
{
    /// <summary>Plain mean.</summary>
    Uniform,

    /// <summary>Weighted by 1 / distance (an exact match takes over).</summary>
    Distance,
}

/// <summary>Hyperparameters of <see cref="KnnImputer"/>.</summary>
public sealed record KnnImputerOptions : EstimatorOptions
{
    /// <summary>Neighbours averaged per missing value (<c>n_neighbors</c>).</summary>
    public int NNeighbors { get; init; } = 5;

    /// <summary>Weighting of the neighbours (<c>weights</c>).</summary>
    public NeighborWeights Weights { get; init; } = NeighborWeights.Uniform;

    /// <inheritdoc />
    public override void Validate()
    {
        if (NNeighbors < 1)
        {
            throw new HyperparameterException("n_neighbors", "give at least 1");
        }
    }
}

/// <summary>
/// Fills each missing value with the mean of that column over the k nearest training rows that have it (scikit-learn's
/// <c>KNNImputer</c>; Troyanskaya et al., "Missing value estimation methods for DNA microarrays", Bioinformatics 2001).
/// Distances are NaN-Euclidean: the Euclidean distance over the coordinates both rows have, scaled up by
/// (all coordinates / shared coordinates). Rows sharing no coordinate with any donor get the column mean.
/// </summary>
public sealed class KnnImputer(KnnImputerOptions? options = null)
    : Estimator<KnnImputerOptions, KnnImputerModel>(options ?? new KnnImputerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "knn_imputer";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override KnnImputerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "KNNImputer");
        var columns = NumericData.Columns(features, "KNNImputer", allowMissing: true);
        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c].All(double.IsNaN))
            {
                throw new DataValidationException("The column has no values, so there is nothing to impute from. Drop it", column: features[c].Name);
            }
        }

        return new KnnImputerModel(Options, features.Schema, columns);
    }
}

/// <summary>A fitted <see cref="KnnImputer"/>: keeps the training rows as donors.</summary>
public sealed class KnnImputerModel : NumericTransformerModel<KnnImputerOptions>
{
    private readonly double[][] _fit;

    internal KnnImputerModel(KnnImputerOptions options, Schema inputSchema, double[][] fit)
        : base(options, inputSchema)
    {
        _fit = fit;
    }

    /// <inheritdoc />
    public override string Kind => KnnImputer.KindName;

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var child = writer.Child("fit_x");
        for (int c = 0; c < _fit.Length; c++)
        {
            child.Write(InputSchema.Columns[c].Name, _fit[c]);
        }
    }

    internal static KnnImputerModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var child = reader.Child("fit_x");
        return new KnnImputerModel(reader.ReadOptions<KnnImputerOptions>(), schema, [.. schema.Columns.Select(c => child.ReadDoubles(c.Name))]);
    }

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        int p = columns.Length, donors = _fit[0].Length;
        double[][] original = [.. columns.Select(c => (double[])c.Clone())];
        var distance = new double[donors];
        for (int i = 0; i < rows; i++)
        {
            if (!original.Any(c => double.IsNaN(c[i])))
            {
                continue;
            }

            for (int j = 0; j < donors; j++)
            {
                distance[j] = NanEuclidean(original, i, _fit, j, p);
            }

            for (int c = 0; c < p; c++)
            {
                if (double.IsNaN(original[c][i]))
                {
                    columns[c][i] = Impute(distance, _fit[c]);
                }
            }
        }

        return columns;
    }

    private double Impute(double[] distance, double[] donorColumn)
    {
        int[] candidates = [.. Enumerable.Range(0, donorColumn.Length).Where(j => !double.IsNaN(donorColumn[j]))];
        if (candidates.All(j => double.IsNaN(distance[j])))
        {
            return candidates.Average(j => donorColumn[j]);
        }

        // The k smallest distances, NaN last (NumPy's argpartition order); ties by row order.
        int k = Math.Min(Options.NNeighbors, candidates.Length);
        int[] nearest = [.. candidates.OrderBy(j => double.IsNaN(distance[j]) ? double.PositiveInfinity : distance[j]).ThenBy(j => j).Take(k)];
        if (Options.Weights == NeighborWeights.Uniform)
        {
            return nearest.Average(j => donorColumn[j]);
        }

        double[] weights = [.. nearest.Select(j => 1.0 / distance[j])];
        if (weights.Any(double.IsInfinity))
        {
            weights = [.. weights.Select(w => double.IsInfinity(w) ? 1.0 : 0.0)];
        }

        weights = [.. weights.Select(w => double.IsNaN(w) ? 0.0 : w)];
        double sum = 0, total = 0;
        for (int t = 0; t < nearest.Length; t++)
        {
            sum += weights[t] * donorColumn[nearest[t]];
            total += weights[t];
        }

        return sum / total;
    }

    private static double NanEuclidean(double[][] x, int i, double[][] y, int j, int p)
    {
        double squares = 0;
        int present = 0;
        for (int c = 0; c < p; c++)
        {
            double a = x[c][i], b = y[c][j];
            if (!double.IsNaN(a) && !double.IsNaN(b))
            {
                squares += (a - b) * (a - b);
                present++;
            }
        }

        return present == 0 ? double.NaN : Math.Sqrt(squares / present * p);
    }
}
