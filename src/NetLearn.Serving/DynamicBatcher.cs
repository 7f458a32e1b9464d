using System.Diagnostics;
using System.Threading.Channels;

namespace NetLearn.Serving;

/// <summary>
/// Dynamic batching (as Triton's dynamic batcher): requests for one model version that arrive within
/// <c>max_queue_delay</c> of the first waiting one are run as one model call of up to <c>max_batch_size</c> rows, then
/// the predictions are handed back to each request as a view of its rows. Several workers (one per processor) take
/// batches from one queue, so batches run in parallel without locks around the model. When one request of a batch has
/// bad data, the batch is rerun request by request so only that request gets the error.
/// </summary>
internal sealed class DynamicBatcher : IAsyncDisposable
{
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Servable _servable;
    private readonly int _maxRows;
    private readonly TimeSpan _maxDelay;
    private readonly Action<int, double> _onBatch;
    private readonly Task[] _workers;

    public DynamicBatcher(Servable servable, int maxBatchSize, TimeSpan maxQueueDelay, Action<int, double> onBatch, int workers)
    {
        _servable = servable;
        _maxRows = maxBatchSize;
        _maxDelay = maxQueueDelay;
        _onBatch = onBatch;
        _workers = [.. Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync))];
    }

    /// <summary>Queues <paramref name="batch"/> and returns its predictions once its batch has run.</summary>
    public Task<Prediction> SubmitAsync(InputBatch batch)
    {
        var work = new Work(batch, Stopwatch.GetTimestamp());
        if (!_queue.Writer.TryWrite(work))
        {
            // Shutting down (the version was replaced or unloaded): run it here; the model is still valid.
            return Task.FromResult(Run(batch, 0));
        }

        return work.Completion.Task;
    }

    /// <summary>Stops taking requests and finishes those queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private Prediction Run(InputBatch batch, double queueSeconds)
    {
        var prediction = _servable.Predict(batch);
        _onBatch(batch.Rows, queueSeconds);
        return prediction;
    }

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var items = new List<Work>();
        Work? carried = null;
        var wait = new CancellationTokenSource();
        while (true)
        {
            items.Clear();
            Work first;
            if (carried is not null)
            {
                first = carried;
                carried = null;
            }
            else if (!reader.TryRead(out first!))
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    wait.Dispose();
                    return;
                }

                continue;
            }

            items.Add(first);
            int rows = first.Batch.Rows;
            long deadline = first.Enqueued + (long)(_maxDelay.TotalSeconds * Stopwatch.Frequency);
            while (rows < _maxRows)
            {
                if (reader.TryRead(out var next))
                {
                    if (rows + next.Batch.Rows > _maxRows)
                    {
                        carried = next;
                        break;
                    }

                    items.Add(next);
                    rows += next.Batch.Rows;
                    continue;
                }

                long remaining = deadline - Stopwatch.GetTimestamp();
                if (remaining <= 0)
                {
                    break;
                }

                if (!wait.TryReset())
                {
                    // A fired source cannot be reused.
                    wait.Dispose();
                    wait = new CancellationTokenSource();
                }

                wait.CancelAfter(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            Execute(items);
        }
    }

    private void Execute(List<Work> items)
    {
        double queued = Stopwatch.GetElapsedTime(items[0].Enqueued).TotalSeconds;
        using var span = ServerMetrics.Tracing.StartActivity("netlearn.batch");
        span?.SetTag("netlearn.batch.requests", items.Count);
        if (items.Count == 1)
        {
            Complete(items[0], () => Run(items[0].Batch, queued));
            return;
        }

        Prediction all;
        try
        {
            all = Run(InputBatch.Concat([.. items.Select(w => w.Batch)]), queued);
        }
        catch (Exception e) when (e is NetLearnException)
        {
            // One request has data the model refuses: run each on its own so the others still get answers.
            foreach (var item in items)
            {
                Complete(item, () => Run(item.Batch, queued));
            }

            return;
        }

        int offset = 0;
        foreach (var item in items)
        {
            item.Completion.TrySetResult(all.Slice(offset, item.Batch.Rows));
            offset += item.Batch.Rows;
        }
    }

    private static void Complete(Work work, Func<Prediction> run)
    {
        try
        {
            work.Completion.TrySetResult(run());
        }
        catch (Exception e)
        {
            work.Completion.TrySetException(e);
        }
    }

    private sealed record Work(InputBatch Batch, long Enqueued)
    {
        public TaskCompletionSource<Prediction> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
