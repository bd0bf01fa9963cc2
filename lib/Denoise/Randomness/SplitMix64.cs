namespace Denoise.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014; Vigna's splitmix64.c): a stream of 64-bit numbers made with integer
/// arithmetic alone, so a seed gives the same numbers on every machine and every version of libtorch. The run's seeds
/// are mixed with it, and everything that must be the same everywhere draws from it: the fixed test layouts and the
/// training augmentations.
/// </summary>
public sealed class SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private ulong state;

    /// <summary>The stream whose first number is <see cref="Mix"/>(<paramref name="seed"/>, 1).</summary>
    public SplitMix64(long seed) => state = unchecked((ulong)seed);

    /// <summary>A stream of its own for item <paramref name="index"/> of whatever <paramref name="seed"/> seeds (an image of a set, a sample of a batch).</summary>
    public static SplitMix64 For(long seed, long index) => new(unchecked((long)Mix(seed, index)));

    /// <summary>SplitMix64's <paramref name="index"/>-th output from the state <paramref name="seed"/>.</summary>
    public static ulong Mix(long seed, long index)
    {
        var z = unchecked((ulong)seed + (ulong)index * Gamma);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 bits.</summary>
    public ulong Next()
    {
        state = unchecked(state + Gamma);
        var z = state;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1): the top 53 bits over 2^53, exact.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>
    /// An integer in [<paramref name="low"/>, <paramref name="high"/>], both included. The remainder of 64 random bits:
    /// its bias, below 2^-32 for any range of ints, is far below anything a picture could show.
    /// </summary>
    public int NextInt(int low, int high)
    {
        if (high < low)
            throw new ArgumentOutOfRangeException(nameof(high), high, $"the range [{low}, {high}] is empty");
        return low + (int)(Next() % (ulong)((long)high - low + 1));
    }
}
