using static TorchSharp.torch;

namespace NetLearn.Deep.Training;

/// <summary>
/// Inputs and targets as tensors whose first dimension is the sample: inputs [N, …] (float32, or int64 token ids),
/// targets [N] int64 class indices (classification) or [N, outputs] float32 (regression), optional weights [N].
/// The dataset owns its tensors.
/// </summary>
public sealed class TensorDataset : IDisposable
{
    /// <summary>Creates a dataset.</summary>
    /// <exception cref="DataValidationException">The sizes disagree or the data is empty.</exception>
    public TensorDataset(Tensor inputs, Tensor targets, Tensor? weights = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.shape.Length == 0 || inputs.shape[0] == 0)
        {
            throw new DataValidationException("The dataset is empty: a network needs at least one sample to train on");
        }

        if (targets.shape.Length == 0 || targets.shape[0] != inputs.shape[0] || (weights is not null && (weights.shape.Length != 1 || weights.shape[0] != inputs.shape[0])))
        {
            throw new DataValidationException($"The inputs have {inputs.shape[0]} samples but the targets (or weights) have another number. Give one target per sample");
        }

        Inputs = inputs;
        Targets = targets;
        Weights = weights;
    }

    /// <summary>The inputs [N, …].</summary>
    public Tensor Inputs { get; }

    /// <summary>The targets [N] or [N, outputs].</summary>
    public Tensor Targets { get; }

    /// <summary>Per-sample loss weights [N], or <c>null</c>.</summary>
    public Tensor? Weights { get; }

    /// <summary>The number of samples.</summary>
    public long Count => Inputs.shape[0];

    /// <summary>The samples at <paramref name="rows"/> (a new dataset owning copies).</summary>
    public TensorDataset Subset(long[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var index = tensor(rows, device: Inputs.device);
        return new TensorDataset(Inputs.index_select(0, index), Targets.index_select(0, index), Weights?.index_select(0, index));
    }

    /// <summary>Splits off a seeded random fraction as validation data (stratified by class for int64 targets).</summary>
    public (TensorDataset Train, TensorDataset Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new HyperparameterException("validation_fraction", "must be in (0, 1)");
        }

        var random = new Random(seed);
        var train = new List<long>();
        var validation = new List<long>();
        IEnumerable<IGrouping<long, long>> groups = Targets.dtype == ScalarType.Int64 && Targets.shape.Length == 1
            ? Targets.data<long>().ToArray().Select((label, row) => (label, row: (long)row)).GroupBy(p => p.label, p => p.row).OrderBy(g => g.Key)
            : Enumerable.Range(0, (int)Count).Select(i => (long)i).GroupBy(_ => 0L);
        foreach (var group in groups)
        {
            long[] rows = [.. group];
            random.Shuffle(rows);
            int take = (int)Math.Round(rows.Length * validationFraction);
            validation.AddRange(rows[..take]);
            train.AddRange(rows[take..]);
        }

        if (validation.Count == 0 || train.Count == 0)
        {
            throw new DataValidationException($"validation_fraction={validationFraction} leaves no rows for training or validation with {Count} samples. Use more data or another fraction");
        }

        train.Sort();
        validation.Sort();
        return (Subset([.. train]), Subset([.. validation]));
    }

    /// <summary>Mini-batch index lists for one epoch: shuffled with a seed derived from <paramref name="seed"/> and <paramref name="epoch"/>, or in order.</summary>
    public IEnumerable<long[]> Batches(int batchSize, bool shuffle, int seed, int epoch)
    {
        long[] order = [.. Enumerable.Range(0, (int)Count).Select(i => (long)i)];
        if (shuffle)
        {
            new Random(unchecked((seed * 1_000_003) + (epoch * 7919) + 17)).Shuffle(order);
        }

        for (int start = 0; start < order.Length; start += batchSize)
        {
            yield return order[start..Math.Min(order.Length, start + batchSize)];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        Weights?.Dispose();
    }
}
