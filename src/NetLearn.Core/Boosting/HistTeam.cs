using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NetLearn.Boosting;

/// <summary>
/// A fixed team of threads for the short parallel steps of one boosting fit (a node's histogram, a node's split
/// search, an iteration's gradients): the caller runs part 0 and <c>size − 1</c> dedicated threads run the others. A
/// step lasts tens of microseconds, about what waking a pooled thread costs, so idle members spin for a while (as
/// OpenMP's threads do, which LightGBM uses) before they block. Each part writes its own outputs, so results never
/// depend on the team size or on timing.
/// </summary>
internal sealed class HistTeam : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms

    private readonly Thread[] _members;
    private readonly object _gate = new();
    private Action<int>? _work;
    private int _parts;
    private int _generation;
    private int _pending;
    private int _sleepers;
    private volatile bool _stopped;
    private Exception? _failure;

    /// <summary>Starts <paramref name="size"/> − 1 threads (none for a team of one).</summary>
    public HistTeam(int size)
    {
        Size = Math.Max(1, size);
        _members = new Thread[Size - 1];
        for (int m = 0; m < _members.Length; m++)
        {
            int id = m + 1;
            _members[m] = new Thread(() => Loop(id)) { IsBackground = true, Name = "NetLearn boosting " + id };
            _members[m].Start();
        }
    }

    /// <summary>Threads in the team, the caller included.</summary>
    public int Size { get; }

    /// <summary>Runs <paramref name="body"/>(0 … <paramref name="parts"/> − 1), part 0 on the calling thread; returns when all are done.</summary>
    public void Run(int parts, Action<int> body)
    {
        parts = Math.Clamp(parts, 1, Size);
        if (parts == 1)
        {
            body(0);
            return;
        }

        _work = body;
        _parts = parts;
        Volatile.Write(ref _pending, Size - 1);
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _sleepers) > 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }

        try
        {
            body(0);
        }
        finally
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref _pending) > 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            _work = null;
        }

        if (Interlocked.Exchange(ref _failure, null) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Stops the team's threads.</summary>
    public void Dispose()
    {
        _stopped = true;
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        foreach (var member in _members)
        {
            member.Join();
        }
    }

    private void Loop(int id)
    {
        int seen = 0;
        while (true)
        {
            long since = Stopwatch.GetTimestamp();
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _generation) == seen && !_stopped)
            {
                if (Stopwatch.GetTimestamp() - since < SpinTicks)
                {
                    // Spins, then yields the core now and then (so an oversubscribed machine still runs the caller).
                    spinner.SpinOnce(sleep1Threshold: -1);
                    continue;
                }

                // Idle for a while: block until the next step (the Interlocked increment orders this thread's
                // registration before its last look at the generation, against Run's increment-then-look).
                Interlocked.Increment(ref _sleepers);
                lock (_gate)
                {
                    while (Volatile.Read(ref _generation) == seen && !_stopped)
                    {
                        Monitor.Wait(_gate);
                    }
                }

                Interlocked.Decrement(ref _sleepers);
            }

            if (_stopped)
            {
                return;
            }

            // Every member takes part in every step (Run waits for all of them), so none can lag into the next one.
            seen = Volatile.Read(ref _generation);
            try
            {
                if (id < _parts)
                {
                    _work!(id);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
