using System.Diagnostics;
using System.Globalization;
using NetLearn.Deep.Layers;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Per-operator profile of the Fashion-MNIST benchmark network (mirrored by <c>profile_peer.py</c> on the PyTorch side):
/// the forward and backward time of every layer in isolation on a 128-image batch, the loss, the optimiser step and the
/// per-batch bookkeeping of the training loop (batch indexing, <c>item()</c> reads, metric, dispose scope), then whole
/// training steps for the total. Libtorch runs synchronously on the CPU, so a stopwatch around each call measures it.
/// Every number is the median of <c>reps</c> repetitions after warm-up, in milliseconds.
/// </summary>
internal static class OperatorProfile
{
    private const int Batch = 128;

    public static void Run(Network net, Tensor x, Tensor y, int reps)
    {
        net.train();
        var generator = new Random(0);
        long[] rows = [.. Enumerable.Range(0, Batch).Select(_ => (long)generator.Next((int)x.shape[0]))];
        using var index = tensor(rows);
        var xb = x.index_select(0, index);
        if (net.UseChannelsLast)
        {
            xb = Network.ToChannelsLast(xb);
        }

        var yb = y.index_select(0, index);
        var layers = net.children().Single().children().Cast<nn.Module<Tensor, Tensor>>().ToList();
        var names = new[] { "conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "relu2", "pool2", "flatten", "dense1", "relu3", "dropout", "dense2" };
        double totalForward = 0, totalBackward = 0;
        var input = xb;
        for (int i = 0; i < layers.Count; i++)
        {
            var (forward, backward, output) = TimeLayer(layers[i], input, requiresGrad: i > 0, reps);
            totalForward += forward;
            totalBackward += backward;
            Report(names[i], forward, backward);
            input = output;
        }

        // Loss: cross-entropy per sample, then the mean (as the Trainer computes it).
        var logits = input.detach().requires_grad_(true);
        var (lossForward, lossBackward) = Time(reps, () => nn.functional.cross_entropy(logits, yb, reduction: nn.Reduction.None).mean(), l => l.backward(), () => logits.grad = null);
        Report("loss", lossForward, lossBackward);
        Console.WriteLine(FormattableString.Invariant($"op layers+loss forward {totalForward + lossForward:F3} backward {totalBackward + lossBackward:F3}"));

        // Optimiser: gradients from one real backward pass, then step() alone (Adam, lr 1e-3) and zero_grad().
        var optimizer = optim.Adam(net.parameters(), 1e-3);
        using (NewDisposeScope())
        {
            nn.functional.cross_entropy(net.forward(xb), yb).backward();
        }

        Report("adam_step", Median(reps, () => optimizer.step()), 0);
        Report("zero_grad", Median(reps, () =>
        {
            optimizer.zero_grad();
            foreach (var p in net.parameters())
            {
                p.grad = ones_like(p);
            }
        }) - Median(reps, () =>
        {
            foreach (var p in net.parameters())
            {
                p.grad = ones_like(p);
            }
        }), 0);

        // Per-batch bookkeeping of the training loop.
        Report("batch_index_select", Median(reps, () =>
        {
            using var scope = NewDisposeScope();
            using var i = tensor(rows);
            x.index_select(0, i);
            y.index_select(0, i);
        }), 0);
        Report("batch_rows_shuffle", Median(reps, () =>
        {
            long[] order = [.. Enumerable.Range(0, (int)x.shape[0]).Select(i => (long)i)];
            new Random(1).Shuffle(order);
        }) / Math.Ceiling(x.shape[0] / (double)Batch), 0);
        using var lossValue = nn.functional.cross_entropy(net.forward(xb), yb).detach();
        using var outputValue = net.forward(xb).detach();
        Report("loss_item", Median(reps, () => lossValue.item<float>()), 0);
        Report("accuracy_metric", Median(reps, () =>
        {
            using var scope = NewDisposeScope();
            outputValue.argmax(1).eq(yb).sum().item<long>();
        }), 0);
        Report("dispose_scope_20_tensors", Median(reps, () =>
        {
            using var scope = NewDisposeScope();
            for (int i = 0; i < 20; i++)
            {
                empty(1);
            }
        }), 0);

        // Whole training steps as the Trainer runs them (index, forward, loss, item, backward, step, metric).
        var steps = new List<double>();
        for (int r = 0; r < reps + 3; r++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                using var i = tensor(rows);
                var bx = x.index_select(0, i);
                var by = y.index_select(0, i);
                optimizer.zero_grad();
                var output = net.forward(bx);
                var loss = nn.functional.cross_entropy(output, by, reduction: nn.Reduction.None).mean();
                _ = loss.item<float>();
                loss.backward();
                optimizer.step();
                _ = output.argmax(1).eq(by).sum().item<long>();
            }

            if (r >= 3)
            {
                steps.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine(FormattableString.Invariant($"op train_step total {MedianOf(steps):F3}"));
    }

    private static (double Forward, double Backward, Tensor Output) TimeLayer(nn.Module<Tensor, Tensor> layer, Tensor input, bool requiresGrad, int reps)
    {
        var leaf = input.detach();
        if (requiresGrad)
        {
            leaf.requires_grad_(true);
        }

        var (forward, backward) = Time(reps, () => layer.forward(leaf), o => o.backward([ones_like(o)]), () =>
        {
            leaf.grad = null;
            foreach (var p in layer.parameters())
            {
                p.grad = null;
            }
        });
        Tensor output;
        using (no_grad())
        {
            output = layer.forward(leaf).detach();
        }

        return (forward, backward, output);
    }

    // Median forward and backward milliseconds: each repetition runs forward (timed), backward (timed), then reset.
    private static (double Forward, double Backward) Time(int reps, Func<Tensor> forward, Action<Tensor> backward, Action reset)
    {
        var f = new List<double>();
        var b = new List<double>();
        for (int r = 0; r < reps + 3; r++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var output = forward();
            double tf = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            backward(output);
            double tb = clock.Elapsed.TotalMilliseconds;
            reset();
            if (r >= 3)
            {
                f.Add(tf);
                b.Add(tb);
            }
        }

        return (MedianOf(f), MedianOf(b));
    }

    private static double Median(int reps, Action action)
    {
        var times = new List<double>();
        for (int r = 0; r < reps + 3; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            if (r >= 3)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return MedianOf(times);
    }

    private static double MedianOf(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private static void Report(string name, double forward, double backward) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"op {name} forward {forward:F3} backward {backward:F3}"));
}
