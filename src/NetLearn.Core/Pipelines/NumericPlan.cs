using NetLearn.Data;
using NetLearn.Estimators;
using NetLearn.LinearAlgebra;
using NetLearn.Preprocessing;

namespace NetLearn.Pipelines;

/// <summary>
/// The transformer steps of a fitted pipeline compiled to per-column arithmetic, when every step is element-wise on
/// numeric columns: mean/median/constant imputation (<see cref="SimpleImputerModel"/> without indicators),
/// <see cref="StandardScalerModel"/>, <see cref="ColumnTransformerModel"/> (selection, renaming, passthrough) and nested
/// transformer pipelines. Each column the final model sees is then one input column put through a short list of
/// operations, applied in the same order and with the same floating-point expressions as the steps' own
/// <c>Transform</c>, so the result is bit-identical — without the intermediate tables, columns and names.
/// </summary>
internal sealed class NumericPlan
{
    // Per-thread buffers, reused while the batch shape stays the same: the input matrix and the final model's matrix.
    [ThreadStatic]
    private static Matrix? _inputScratch;

    [ThreadStatic]
    private static Matrix? _scratch;

    private readonly ColumnPlan[] _columns;

    private NumericPlan(int inputCount, ColumnPlan[] columns)
    {
        InputCount = inputCount;
        _columns = columns;
    }

    /// <summary>Number of input columns (the pipeline's input schema).</summary>
    public int InputCount { get; }

    /// <summary>Number of columns the final model receives, in its input schema order.</summary>
    public int OutputCount => _columns.Length;

    /// <summary>Compiles the transformer steps of <paramref name="pipeline"/>, or returns <c>null</c> when a step is not element-wise numeric.</summary>
    public static NumericPlan? TryCreate(PipelineModel pipeline)
    {
        var input = pipeline.InputSchema;
        if (input.Columns.Any(c => c.Kind != ColumnKind.Numeric) || pipeline.Final is ITransformerModel || pipeline.Final.InputSchema.Columns.Any(c => c.Kind != ColumnKind.Numeric))
        {
            return null;
        }

        var state = new State();
        for (int c = 0; c < input.Count; c++)
        {
            state.Add(input.Columns[c].Name, new ColumnPlan(c, []));
        }

        var current = Conform(state, input);
        foreach (var (_, model) in pipeline.Steps)
        {
            if (model is not ITransformerModel transformer)
            {
                break;
            }

            current = current is null ? null : Step(transformer, current);
        }

        var final = current is null ? null : Conform(current, pipeline.Final.InputSchema);
        return final is null ? null : new NumericPlan(input.Count, [.. final.Select(p => p.Plan)]);
    }

    /// <summary>
    /// Applies the plan to <paramref name="features"/> (input columns in order) and returns the final model's matrix — a
    /// per-thread buffer, valid until the next call on this thread — or <c>null</c> if a value comes out missing or
    /// infinite (the table path then reports it as the model would).
    /// </summary>
    public Matrix? Apply(Matrix features)
    {
        if (features.Columns != InputCount)
        {
            throw new ArgumentException($"Expected {InputCount} input columns, got {features.Columns}", nameof(features));
        }

        // (A nested pipeline's plan may be handed this thread's buffer as its input: never write over the input.)
        var result = _scratch is { } s && s.Rows == features.Rows && s.Columns == OutputCount && !ReferenceEquals(s, features) ? s : _scratch = new Matrix(features.Rows, OutputCount);
        var source = features.AsSpan();
        var target = result.AsSpan();
        int inputs = InputCount, outputs = OutputCount;
        for (int j = 0; j < outputs; j++)
        {
            var column = _columns[j];
            var operations = column.Operations;
            for (int r = 0, from = column.Source, to = j; r < features.Rows; r++, from += inputs, to += outputs)
            {
                double x = source[from];
                foreach (var operation in operations)
                {
                    x = operation.Apply(x);
                }

                if (!double.IsFinite(x))
                {
                    return null;
                }

                target[to] = x;
            }
        }

        return result;
    }

    /// <summary>
    /// A table's numeric columns as a row-major matrix — a per-thread buffer, valid until the next call on this thread —
    /// or <c>null</c> if a column is missing or not numeric.
    /// </summary>
    public static Matrix? ToMatrix(Table features, Schema schema)
    {
        var matrix = _inputScratch is { } s && s.Rows == features.RowCount && s.Columns == schema.Count ? s : _inputScratch = new Matrix(features.RowCount, schema.Count);
        var data = matrix.AsSpan();
        for (int c = 0; c < schema.Count; c++)
        {
            if (!features.Contains(schema.Columns[c].Name) || features[schema.Columns[c].Name] is not NumericColumn numeric)
            {
                return null;
            }

            var values = numeric.Values;
            for (int r = 0, at = c; r < values.Length; r++, at += schema.Count)
            {
                data[at] = values[r];
            }
        }

        return matrix;
    }

    // ConformTo(schema): the named columns, in the schema's order (all numeric here, so no conversion happens).
    private static State? Conform(State state, Schema schema)
    {
        var result = new State();
        foreach (var column in schema.Columns)
        {
            if (column.Kind != ColumnKind.Numeric || !state.TryGetValue(column.Name, out var plan))
            {
                return null;
            }

            result.Add(column.Name, plan);
        }

        return result;
    }

    private static State? Step(ITransformerModel model, State state)
    {
        var input = Conform(state, model.InputSchema);
        if (input is null)
        {
            return null;
        }

        switch (model)
        {
            case SimpleImputerModel imputer when imputer.IndicatorColumns.Count == 0:
            {
                var result = new State();
                int c = 0;
                foreach (var (name, plan) in input)
                {
                    if (!double.TryParse(imputer.Statistics[c++], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double fill))
                    {
                        return null;
                    }

                    result.Add(name, plan.Then(Operation.Fill(fill)));
                }

                return result;
            }

            case StandardScalerModel scaler:
            {
                var result = new State();
                int c = 0;
                foreach (var (name, plan) in input)
                {
                    double shift = scaler.Options.WithMean ? scaler.Mean[c] : 0.0, divisor = scaler.Options.WithStd ? scaler.Scale[c] : 1.0;
                    result.Add(name, plan.Then(Operation.Affine(shift, divisor)));
                    c++;
                }

                return result;
            }

            case ColumnTransformerModel transformer:
            {
                var result = new State();
                foreach (var branch in transformer.Branches)
                {
                    var selected = new State();
                    foreach (string name in branch.Columns)
                    {
                        if (!input.TryGetValue(name, out var plan))
                        {
                            return null;
                        }

                        selected.Add(name, plan);
                    }

                    if (Step(branch.Model, selected) is not { } output)
                    {
                        return null;
                    }

                    foreach (var (name, plan) in output)
                    {
                        if (!result.TryAdd($"{branch.Name}__{name}", plan))
                        {
                            return null;
                        }
                    }
                }

                foreach (string name in transformer.Passthrough)
                {
                    if (!input.TryGetValue(name, out var plan) || !result.TryAdd($"remainder__{name}", plan))
                    {
                        return null;
                    }
                }

                return result;
            }

            case PipelineModel pipeline when pipeline.Final is ITransformerModel:
            {
                State? current = input;
                foreach (var (_, step) in pipeline.Steps)
                {
                    current = current is null ? null : Step((ITransformerModel)step, current);
                }

                return current;
            }

            default:
                return null;
        }
    }

    /// <summary>Named columns in order (a table's columns, symbolically).</summary>
    private sealed class State : List<(string Name, ColumnPlan Plan)>
    {
        public void Add(string name, ColumnPlan plan) => Add((name, plan));

        public bool TryGetValue(string name, out ColumnPlan plan)
        {
            foreach (var (n, p) in this)
            {
                if (n == name)
                {
                    plan = p;
                    return true;
                }
            }

            plan = null!;
            return false;
        }

        public bool TryAdd(string name, ColumnPlan plan)
        {
            if (TryGetValue(name, out _))
            {
                return false;
            }

            Add(name, plan);
            return true;
        }
    }

    /// <summary>One output column: an input column and the operations applied to it, in order.</summary>
    private sealed record ColumnPlan(int Source, Operation[] Operations)
    {
        public ColumnPlan Then(Operation operation) => this with { Operations = [.. Operations, operation] };
    }

    /// <summary>One element-wise step: replace a missing value (imputation) or <c>(x − shift) / divisor</c> (scaling).</summary>
    private readonly record struct Operation(bool IsFill, double A, double B)
    {
        public static Operation Fill(double value) => new(true, value, 0);

        public static Operation Affine(double shift, double divisor) => new(false, shift, divisor);

        // The same expressions as SimpleImputerModel.FillNumeric and StandardScalerModel.Transform.
        public double Apply(double x) => IsFill ? (double.IsNaN(x) ? A : x) : (x - A) / B;
    }
}
