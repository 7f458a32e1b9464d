namespace NetLearn.ModelSelection;

/// <summary>
/// The part of NumPy's legacy <c>RandomState</c> that scikit-learn's shuffled splitters use: the MT19937 generator
/// (Matsumoto and Nishimura 1998, "Mersenne Twister: a 623-dimensionally equidistributed uniform pseudo-random number
/// generator") seeded as <c>RandomState(seed)</c> seeds it (<c>init_genrand</c>), NumPy's bounded integers by masked
/// rejection (<c>random_interval</c>) and its Fisher–Yates <c>shuffle</c>/<c>permutation</c>. So a splitter's
/// <c>Seed</c> gives the same folds as scikit-learn's <c>random_state</c>.
/// </summary>
internal sealed class NumPyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _state = new uint[N];
    private int _position;

    /// <summary>A generator seeded like <c>numpy.random.RandomState(seed)</c> (seed in [0, 2³² − 1]).</summary>
    public NumPyRandomState(uint seed)
    {
        _state[0] = seed;
        for (int i = 1; i < N; i++)
        {
            _state[i] = (1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30))) + (uint)i;
        }

        _position = N;
    }

    /// <summary>
    /// The generator of a splitter's seed: <c>RandomState(seed)</c>, or one seeded at random when there is none (as
    /// scikit-learn's <c>random_state=None</c>). NumPy refuses negative seeds; here they are taken modulo 2³², so every
    /// int is a valid, reproducible seed.
    /// </summary>
    public static NumPyRandomState For(int? seed) =>
        new(seed is { } value ? unchecked((uint)value) : (uint)System.Random.Shared.NextInt64(0, 1L << 32));

    /// <summary>The next 32 random bits (<c>genrand_int32</c>).</summary>
    public uint NextUInt32()
    {
        if (_position >= N)
        {
            Twist();
        }

        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A uniform integer in [0, <paramref name="max"/>] (NumPy's <c>random_interval</c>: mask, then reject).</summary>
    public int Interval(int max)
    {
        if (max == 0)
        {
            return 0;
        }

        uint mask = (uint)max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > (uint)max)
        {
        }

        return (int)value;
    }

    /// <summary>Shuffles in place as <c>RandomState.shuffle</c> does: for i from n − 1 down to 1, swap i with a uniform j ≤ i.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i >= 1; i--)
        {
            int j = Interval(i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary><c>RandomState.permutation(n)</c>: a shuffled 0, 1, …, n − 1.</summary>
    public int[] Permutation(int n)
    {
        int[] result = [.. Enumerable.Range(0, n)];
        Shuffle<int>(result);
        return result;
    }

    private void Twist()
    {
        const uint upper = 0x80000000u, lower = 0x7fffffffu, matrixA = 0x9908b0dfu;
        for (int i = 0; i < N; i++)
        {
            uint y = (_state[i] & upper) | (_state[(i + 1) % N] & lower);
            _state[i] = _state[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) != 0 ? matrixA : 0u);
        }

        _position = 0;
    }
}
