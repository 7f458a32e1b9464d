using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.ModelFiles;
using NetLearn.Validation;

namespace NetLearn.Preprocessing;

/// <summary>What <see cref="OrdinalEncoder"/> does with a category not seen during fitting.</summary>
public enum OrdinalUnknown
{
    /// <summary>Throw an <see cref="UnknownCategoryException"/>.</summary>
    Error,

    /// <summary>Encode it as <see cref="OrdinalEncoderOptions.UnknownValue"/>.</summary>
    UseEncodedValue,
}

/// <summary>Hyperparameters of <see cref="OrdinalEncoder"/>.</summary>
public sealed record OrdinalEncoderOptions : EstimatorOptions
{
    /// <summary>Unknown categories at transform time (<c>handle_unknown</c>: error or use_encoded_value).</summary>
    public OrdinalUnknown HandleUnknown { get; init; } = OrdinalUnknown.Error;

    /// <summary>The code of unknown categories with <c>use_encoded_value</c> (<c>unknown_value</c>; NaN allowed).</summary>
    public double? UnknownValue { get; init; }

    /// <summary>The code of missing values (<c>encoded_missing_value</c>; NaN by default, as in scikit-learn).</summary>
    public double EncodedMissingValue { get; init; } = double.NaN;

    /// <inheritdoc />
    public override void Validate()
    {
        if (HandleUnknown == OrdinalUnknown.UseEncodedValue && UnknownValue is null)
        {
            throw new HyperparameterException("unknown_value", "handle_unknown=use_encoded_value needs an unknown_value (a number such as -1, or NaN)");
        }

        if (HandleUnknown == OrdinalUnknown.Error && UnknownValue is not null)
        {
            throw new HyperparameterException("unknown_value", "is only used with handle_unknown=use_encoded_value");
        }
    }
}

/// <summary>
/// Encodes each column's categories as 0, 1, 2, … in sorted order (numbers numerically, text ordinally), as
/// scikit-learn's <c>OrdinalEncoder</c>. Missing values become <see cref="OrdinalEncoderOptions.EncodedMissingValue"/>.
/// </summary>
public sealed class OrdinalEncoder(OrdinalEncoderOptions? options = null)
    : Estimator<OrdinalEncoderOptions, OrdinalEncoderModel>(options ?? new OrdinalEncoderOptions())
{
    /// <summary>The model kind.</summary>
    public const string KindName = "ordinal_encoder";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override OrdinalEncoderModel Fit(Table features, Column? target = null, FitContext? context = null)
    {
        Checks.NotEmpty(features, "OrdinalEncoder");
        string[][] categories = [.. features.Columns.Select(c => OneHotEncoder.CategoriesOf(c).Where(v => v != OneHotEncoder.MissingCategory || !HasMissing(c)).ToArray())];
        if (Options.HandleUnknown == OrdinalUnknown.UseEncodedValue && Options.UnknownValue is { } u && !double.IsNaN(u) && u >= 0)
        {
            for (int c = 0; c < categories.Length; c++)
            {
                if (u < categories[c].Length && u == Math.Floor(u))
                {
                    throw new HyperparameterException("unknown_value", $"{NumericData.Format(u)} is already the code of category '{categories[c][(int)u]}' of column '{features[c].Name}'. Use a negative number or NaN");
                }
            }
        }

        return new OrdinalEncoderModel(Options, features.Schema, categories);
    }

    private static bool HasMissing(Column c) => c.MissingCount > 0;
}

/// <summary>A fitted <see cref="OrdinalEncoder"/>.</summary>
public sealed class OrdinalEncoderModel : FittedModel<OrdinalEncoderOptions>, ITransformerModel
{
    private readonly string[][] _categories;
    private readonly Dictionary<string, int>[] _index;

    internal OrdinalEncoderModel(OrdinalEncoderOptions options, Schema inputSchema, string[][] categories)
        : base(options, inputSchema)
    {
        _categories = categories;
        _index = [.. categories.Select(c => c.Select((v, i) => (v, i)).ToDictionary(t => t.v, t => t.i, StringComparer.Ordinal))];
    }

    /// <inheritdoc />
    public override string Kind => OrdinalEncoder.KindName;

    /// <inheritdoc />
    public override ModelTask Task => ModelTask.Transform;

    /// <summary>The categories of each column; a category's code is its index (<c>categories_</c>, without <c>nan</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Categories => _categories;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNamesOut => [.. InputSchema.Names];

    /// <inheritdoc />
    public Table Transform(Table features)
    {
        var input = features.ConformTo(InputSchema);
        var output = new Column[input.ColumnCount];
        for (int c = 0; c < output.Length; c++)
        {
            var column = input[c];
            var codes = new double[input.RowCount];
            for (int i = 0; i < codes.Length; i++)
            {
                string? key = column.FormatValue(i);
                if (key is null)
                {
                    codes[i] = Options.EncodedMissingValue;
                }
                else if (_index[c].TryGetValue(key, out int k))
                {
                    codes[i] = k;
                }
                else
                {
                    codes[i] = Options.HandleUnknown == OrdinalUnknown.UseEncodedValue
                        ? Options.UnknownValue!.Value
                        : throw new UnknownCategoryException(column.Name, key, i);
                }
            }

            output[c] = new NumericColumn(column.Name, codes);
        }

        return new Table(output);
    }

    /// <inheritdoc />
    public override void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var child = writer.Child("categories");
        for (int c = 0; c < _categories.Length; c++)
        {
            child.Write(InputSchema.Columns[c].Name, _categories[c]);
        }
    }

    internal static OrdinalEncoderModel Load(ModelReader reader)
    {
        var schema = reader.ReadSchema("input_schema");
        var child = reader.Child("categories");
        string[][] categories = [.. schema.Columns.Select(c => child.ReadStrings(c.Name).Select(s => s ?? throw reader.Corrupt("a category is null")).ToArray())];
        return new OrdinalEncoderModel(reader.ReadOptions<OrdinalEncoderOptions>(), schema, categories);
    }
}
