namespace NetLearn.Manifold;

/// <summary>
/// UMAP's layout optimisation (McInnes, Healy &amp; Melville 2018, §3.2 and algorithm 5; umap-learn 0.5's
/// <c>optimize_layout_euclidean</c>, single-threaded): stochastic gradient descent on the fuzzy-set cross entropy
/// with edge sampling (edge e is sampled every <c>epochs_per_sample[e]</c> = max w / w_e epochs), negative sampling
/// (<c>negative_sample_rate</c> random rows per positive sample), gradients clipped to ±4 and a learning rate that
/// decays linearly to 0. Attraction along an edge: −2ab·d^(2(b−1)) / (1 + a·d^(2b)); repulsion:
/// 2γb / ((0.001 + d²)(1 + a·d^(2b))).
/// </summary>
internal static class UmapLayout
{
    private const double Clip = 4.0;

    /// <summary>umap-learn's <c>make_epochs_per_sample</c>: n_epochs / (n_epochs · w / max w), −1 for zero weights.</summary>
    public static double[] EpochsPerSample(double[] weights, int epochs)
    {
        var result = new double[weights.Length];
        double max = weights.Length == 0 ? 0 : weights.Max();
        for (int e = 0; e < weights.Length; e++)
        {
            double samples = epochs * (weights[e] / max);
            result[e] = samples > 0 ? epochs / samples : -1.0;
        }

        return result;
    }

    /// <summary>
    /// Optimises <paramref name="head"/> (n×dim, row-major) in place. With <paramref name="moveOther"/> the edge's other
    /// end moves too (fitting: <paramref name="tail"/> is <paramref name="head"/>); otherwise <paramref name="tail"/> (the
    /// fitted embedding, when transforming new rows) stays fixed. Negative samples are drawn from the
    /// first <c>Vertices</c> rows of <paramref name="tail"/>.
    /// </summary>
    public static void Optimize(UmapLayoutProblem problem, double[] head, double[] tail, bool moveOther, ulong seed, CancellationToken cancellation)
    {
        int dim = problem.Dimensions, edges = problem.Heads.Length;
        double a = problem.A, b = problem.B, gamma = problem.Gamma;
        var epochsPerSample = problem.EpochsPerSample;
        var epochsPerNegativeSample = new double[edges];
        var nextNegative = new double[edges];
        var nextSample = new double[edges];
        for (int e = 0; e < edges; e++)
        {
            epochsPerNegativeSample[e] = epochsPerSample[e] / problem.NegativeSampleRate;
            nextNegative[e] = epochsPerNegativeSample[e];
            nextSample[e] = epochsPerSample[e];
        }

        var rng = new XorShift(seed);
        double alpha = problem.LearningRate;
        uint vertices = (uint)problem.Vertices;
        for (int epoch = 0; epoch < problem.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int e = 0; e < edges; e++)
            {
                if (nextSample[e] > epoch)
                {
                    continue;
                }

                int j = problem.Heads[e], k = problem.Tails[e];
                int cj = j * dim, ck = k * dim;
                double dist2 = 0;
                for (int d = 0; d < dim; d++)
                {
                    double diff = head[cj + d] - tail[ck + d];
                    dist2 += diff * diff;
                }

                double coefficient = 0;
                if (dist2 > 0)
                {
                    double pb = Math.Pow(dist2, b);
                    coefficient = -2.0 * a * b * (pb / dist2) / ((a * pb) + 1.0);
                }

                for (int d = 0; d < dim; d++)
                {
                    double grad = Math.Clamp(coefficient * (head[cj + d] - tail[ck + d]), -Clip, Clip);
                    head[cj + d] += grad * alpha;
                    if (moveOther)
                    {
                        tail[ck + d] -= grad * alpha;
                    }
                }

                nextSample[e] += epochsPerSample[e];
                int negatives = problem.NegativeSampleRate > 0 ? (int)((epoch - nextNegative[e]) / epochsPerNegativeSample[e]) : 0;
                for (int s = 0; s < negatives; s++)
                {
                    int other = (int)(rng.Next() % vertices);
                    int co = other * dim;
                    dist2 = 0;
                    for (int d = 0; d < dim; d++)
                    {
                        double diff = head[cj + d] - tail[co + d];
                        dist2 += diff * diff;
                    }

                    if (dist2 > 0)
                    {
                        coefficient = 2.0 * gamma * b / ((0.001 + dist2) * ((a * Math.Pow(dist2, b)) + 1));
                    }
                    else if (j == other)
                    {
                        continue;
                    }
                    else
                    {
                        coefficient = 0;
                    }

                    for (int d = 0; d < dim; d++)
                    {
                        // umap-learn pushes a point off an exact duplicate by the clip value.
                        double grad = coefficient > 0 ? Math.Clamp(coefficient * (head[cj + d] - tail[co + d]), -Clip, Clip) : Clip;
                        head[cj + d] += grad * alpha;
                    }
                }

                nextNegative[e] += negatives * epochsPerNegativeSample[e];
            }

            alpha = problem.LearningRate * (1.0 - ((double)epoch / problem.Epochs));
        }
    }

    /// <summary>Marsaglia's xorshift64* generator (cheap, seeded, reproducible across runtimes).</summary>
    private struct XorShift(ulong seed)
    {
        private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

        public ulong Next()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return (_state * 0x2545F4914F6CDD1DUL) >> 32;
        }
    }
}

/// <summary>The edges, weights' sampling rates and curve of one layout optimisation.</summary>
internal sealed record UmapLayoutProblem(
    int[] Heads,
    int[] Tails,
    double[] EpochsPerSample,
    int Vertices,
    int Dimensions,
    int Epochs,
    double A,
    double B,
    double Gamma,
    double LearningRate,
    double NegativeSampleRate);
