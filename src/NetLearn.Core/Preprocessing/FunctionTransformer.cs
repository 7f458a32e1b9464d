using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>The element-wise functions <see cref="FunctionTransformer"/> can apply; named so that models can be saved.</summary>
public enum ElementFunction
{
    /// <summary>x (no change; useful as a pass-through branch).</summary>
    Identity,

    /// <summary>log(1 + x).</summary>
    Log1p,

    /// <summary>exp(x) − 1 (the inverse of log1p).</summary>
    Expm1,

    /// <summary>Natural logarithm.</summary>
    Log,

    /// <summary>e^x.</summary>
    Exp,

    /// <summary>Base-10 logarithm.</summary>
    Log10,

    /// <summary>Square root.</summary>
    Sqrt,

    /// <summary>x².</summary>
    Square,

    /// <summary>|x|.</summary>
    Abs,

    /// <summary>1 / x.</summary>
    Reciprocal,

    /// <summary>sign(x) · log(1 + |x|): a log for data with negative values.</summary>
    SignedLog1p,
}

/// <summary>Hyperparameters of <see cref="FunctionTransformer"/>.</summary>
public sealed record FunctionTransformerOptions : EstimatorOptions
{
    /// <summary>The function applied to every value (<c>func</c>, by name: log1p, sqrt, …).</summary>
    public ElementFunction Func { get; init; } = ElementFunction.Identity;

    /// <summary>The inverse function, used by <see cref="FunctionTransformerModel.InverseTransform"/> (<c>inverse_func</c>).</summary>
    public ElementFunction InverseFunc { get; init; } = ElementFunction.Identity;
}

/// <summary>
/// Applies a named element-wise function to numeric columns (scikit-learn's <c>FunctionTransformer</c> with a NumPy
/// ufunc such as <c>np.log1p</c>). Functions are chosen by name rather than as delegates so the model can be saved and
/// loaded. Output names are the input names (<c>feature_names_out="one-to-one"</c>).
/// </summary>
public sealed class FunctionTransformer(FunctionTransformerOptions? options = null)
    : Estimator<FunctionTransformerOptions, FunctionTransformerModel>(options ?? new FunctionTransformerOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "function_transformer";

    /// <summary>A transformer applying <paramref name="func"/>.</summary>
    public FunctionTransformer(ElementFunction func, ElementFunction inverse = ElementFunction.Identity)
        : this(new FunctionTransformerOptions { Func = func, InverseFunc = inverse })
    {
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override FunctionTransformerModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "FunctionTransformer");
        _ = NumericData.Columns(features, "FunctionTransformer", allowMissing: true);
        return new FunctionTransformerModel(Options, features.Schema);
    }

    /// <summary>Applies <paramref name="function"/> to one value.</summary>
    public static double Apply(ElementFunction function, double x) => function switch
    {
        ElementFunction.Identity => x,
        ElementFunction.Log1p => PowerTransformer.Log1p(x),
        ElementFunction.Expm1 => PowerTransformer.Expm1(x),
        ElementFunction.Log => Math.Log(x),
        ElementFunction.Exp => Math.Exp(x),
        ElementFunction.Log10 => Math.Log10(x),
        ElementFunction.Sqrt => Math.Sqrt(x),
        ElementFunction.Square => x * x,
        ElementFunction.Abs => Math.Abs(x),
        ElementFunction.Reciprocal => 1.0 / x,
        ElementFunction.SignedLog1p => Math.Sign(x) * PowerTransformer.Log1p(Math.Abs(x)),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Unknown function."),
    };
}

/// <summary>A fitted <see cref="FunctionTransformer"/>.</summary>
public sealed class FunctionTransformerModel : NumericTransformerModel<FunctionTransformerOptions>
{
    internal FunctionTransformerModel(FunctionTransformerOptions options, Schema inputSchema)
        : base(options, inputSchema)
    {
    }

    /// <inheritdoc />
    public override string Kind => FunctionTransformer.KindName;

    /// <summary>Applies the inverse function (<c>inverse_transform</c>).</summary>
    public Table InverseTransform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        return new Table(input.Columns.Select(c => (Column)new NumericColumn(c.Name, [.. c.ToDoubleArray().Select(v => FunctionTransformer.Apply(Options.InverseFunc, v))])));
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer) => ArgumentNullException.ThrowIfNull(writer);

    internal static FunctionTransformerModel Load(ModelReader reader) => new(reader.ReadOptions<FunctionTransformerOptions>(), reader.ReadSchema("input_schema"));

    /// <inheritdoc />
    protected override double[][] TransformColumns(double[][] columns, int rows)
    {
        foreach (var x in columns)
        {
            for (int i = 0; i < rows; i++)
            {
                x[i] = FunctionTransformer.Apply(Options.Func, x[i]);
            }
        }

        return columns;
    }
}
