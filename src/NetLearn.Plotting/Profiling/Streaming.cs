namespace NetLearn.Plotting.Profiling;

/// <summary>
/// Count, mean and central moments up to the fourth in one pass, numerically stable (Welford 1962; the higher-moment
/// update of Terriberry 2008 / Pébay 2008), so skewness and kurtosis come out of a stream without a second pass.
/// </summary>
internal struct Moments
{
    private double _m2, _m3, _m4;

    public long Count { get; private set; }

    public double Mean { get; private set; }

    public readonly double Variance => Count > 1 ? _m2 / (Count - 1) : double.NaN;

    /// <summary>Sample skewness g1 = m3 / m2^1.5 (the biased estimator pandas' profiling and SciPy's default report).</summary>
    public readonly double Skewness => Count > 2 && _m2 > 0 ? Math.Sqrt(Count) * _m3 / Math.Pow(_m2, 1.5) : double.NaN;

    /// <summary>Excess kurtosis g2 = n·m4 / m2² − 3.</summary>
    public readonly double Kurtosis => Count > 3 && _m2 > 0 ? (Count * _m4 / (_m2 * _m2)) - 3 : double.NaN;

    public void Add(double x)
    {
        long n1 = Count;
        Count++;
        double n = Count;
        double delta = x - Mean;
        double deltaN = delta / n;
        double deltaN2 = deltaN * deltaN;
        double term1 = delta * deltaN * n1;
        Mean += deltaN;
        _m4 += (term1 * deltaN2 * ((n * n) - (3 * n) + 3)) + (6 * deltaN2 * _m2) - (4 * deltaN * _m3);
        _m3 += (term1 * deltaN * (n - 2)) - (3 * deltaN * _m2);
        _m2 += term1;
    }
}

/// <summary>
/// HyperLogLog distinct-count estimate with 2^14 registers (standard error about 0.8 %), with the small-range
/// (linear counting) correction (Flajolet, Fusy, Gandouet &amp; Meunier 2007).
/// </summary>
internal sealed class HyperLogLog
{
    private const int Bits = 14;
    private const int Registers = 1 << Bits;
    private readonly byte[] _registers = new byte[Registers];

    public void Add(ulong hash)
    {
        hash = Mix(hash);
        int index = (int)(hash >> (64 - Bits));
        ulong rest = (hash << Bits) | (1UL << (Bits - 1));
        byte rank = (byte)(System.Numerics.BitOperations.LeadingZeroCount(rest) + 1);
        if (rank > _registers[index])
        {
            _registers[index] = rank;
        }
    }

    public double Estimate()
    {
        double sum = 0;
        int zeros = 0;
        foreach (byte r in _registers)
        {
            sum += Math.Pow(2, -r);
            zeros += r == 0 ? 1 : 0;
        }

        double alpha = 0.7213 / (1 + (1.079 / Registers));
        double estimate = alpha * Registers * Registers / sum;
        return estimate <= 2.5 * Registers && zeros > 0 ? Registers * Math.Log((double)Registers / zeros) : estimate;
    }

    /// <summary>SplitMix64's finaliser: spreads the bits of a 64-bit value.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }

    /// <summary>A stable 64-bit FNV-1a hash of a string (the same in every process, unlike <see cref="string.GetHashCode()"/>).</summary>
    public static ulong Hash(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }
}
