using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.Preprocessing;

namespace NetLearn.Pipelines;

/// <summary>
/// The preprocessing NetLearn builds when the user does not specify one (as <c>netlearn train</c> does):
/// numeric columns → mean imputation (→ standardisation for models that need it); categorical and boolean columns →
/// most-frequent imputation → one-hot encoding that ignores unknown categories. Text and date-time columns, and columns
/// with no values at all, are left out and reported in <see cref="Plan.Ignored"/>. Models that take categories and
/// missing values themselves (<see cref="INativeCategorical"/>, such as histogram gradient boosting) get the used
/// columns untouched instead (<see cref="BuildFor"/>).
/// </summary>
public static class DefaultPreprocessing
{
    /// <summary>What the default preprocessing will do with a schema.</summary>
    /// <param name="Numeric">Numeric columns used.</param>
    /// <param name="Categorical">Categorical and boolean columns used.</param>
    /// <param name="Ignored">Columns left out, with the reason.</param>
    public sealed record Plan(IReadOnlyList<string> Numeric, IReadOnlyList<string> Categorical, IReadOnlyList<(string Column, string Reason)> Ignored)
    {
        /// <summary>The used columns (numeric and categorical) in the order of the table.</summary>
        public IReadOnlyList<string> Used { get; init; } = [.. Numeric, .. Categorical];
    }

    /// <summary>Decides which columns to use and how.</summary>
    public static Plan PlanFor(Table features) => PlanFor(features, model: null);

    /// <summary>
    /// Decides which columns to use and how, for <paramref name="model"/>: a text column that a native-categorical model
    /// names as categorical (<c>categorical_features</c>) is used as categorical instead of being left out.
    /// </summary>
    public static Plan PlanFor(Table features, IEstimator? model)
    {
        ArgumentNullException.ThrowIfNull(features);
        var named = model is INativeCategorical native ? native.CategoricalColumns(features.Schema) : [];
        var numeric = new List<string>();
        var categorical = new List<string>();
        var ignored = new List<(string, string)>();
        foreach (var column in features.Columns)
        {
            if (column.MissingCount == column.Length)
            {
                ignored.Add((column.Name, "has no values"));
                continue;
            }

            switch (column.Kind)
            {
                case ColumnKind.Numeric:
                    numeric.Add(column.Name);
                    break;
                case ColumnKind.Categorical or ColumnKind.Boolean:
                    categorical.Add(column.Name);
                    break;
                case ColumnKind.Text when named.Contains(column.Name):
                    categorical.Add(column.Name);
                    break;
                case ColumnKind.Text:
                    ignored.Add((column.Name, "is free text (too many distinct values to one-hot encode)"));
                    break;
                default:
                    ignored.Add((column.Name, "is a date-time (not used by default preprocessing)"));
                    break;
            }
        }

        var used = new HashSet<string>([.. numeric, .. categorical], StringComparer.Ordinal);
        return new Plan(numeric, categorical, ignored) { Used = [.. features.ColumnNames.Where(used.Contains)] };
    }

    /// <summary>Builds the preprocessing step for a plan.</summary>
    public static ColumnTransformer Build(Plan plan, bool scale)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var numericSteps = new List<Step> { new("impute", new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.Mean })) };
        if (scale)
        {
            numericSteps.Add(new Step("scale", new StandardScaler()));
        }

        return new ColumnTransformer(
        [
            new ColumnBranch("num", new Pipeline(numericSteps), ColumnSelector.ByName([.. plan.Numeric])),
            new ColumnBranch("cat", new Pipeline(
                new Step("impute", new SimpleImputer(new SimpleImputerOptions { Strategy = ImputeStrategy.MostFrequent })),
                new Step("onehot", new OneHotEncoder(new OneHotEncoderOptions { HandleUnknown = HandleUnknown.Ignore }))), ColumnSelector.ByName([.. plan.Categorical])),
        ]);
    }

    /// <summary>
    /// The preprocessing step for <paramref name="model"/>: for a model that takes categories and missing values itself
    /// (<see cref="INativeCategorical"/>) a <see cref="ColumnPassthrough"/> of the plan's columns, in table order, so the
    /// model sees the original names, kinds, categories and missing values (scikit-learn 1.2's
    /// <c>categorical_features</c> semantics: the model encodes categories, at most <c>max_bins</c> per column, and
    /// treats unseen ones as missing); otherwise <see cref="Build(Plan, bool)"/>.
    /// </summary>
    public static IEstimator BuildFor(Plan plan, IEstimator model, bool scale)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(model);
        if (model is not INativeCategorical)
        {
            return Build(plan, scale);
        }

        return new ColumnPassthrough(plan.Used);
    }

    /// <summary>The full default pipeline: preprocessing (step <c>preprocess</c>, <see cref="BuildFor"/>) then <paramref name="model"/> (step <c>model</c>).</summary>
    public static Pipeline For(Table features, IEstimator model, bool scale) =>
        new(new Step("preprocess", BuildFor(PlanFor(features, model), model, scale)), new Step("model", model));
}
