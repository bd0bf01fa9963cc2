using System.Buffers.Binary;
using static TorchSharp.torch;

namespace Denoise.Randomness;

/// <summary>
/// Makes every seeded torch <see cref="Generator"/> of the project, so that all 64 bits of a seed count: libtorch seeds
/// its Mersenne Twister (mt19937) from the low 32 bits only, so seeds 41 and 41 + 2^32 would otherwise give one stream.
/// </summary>
public static class SeededGenerator
{
    // mt19937 as libtorch keeps it (aten/src/ATen/core/MT19937RNGEngine.h): 624 32-bit words, a read position, a countdown.
    const int Words = 624;

    // libtorch's CPUGeneratorImplState (aten/src/ATen/CPUGeneratorImpl.cpp), the bytes of get_state/set_state:
    // int64 seed, int32 left, int32 seeded, uint64 next, uint64 state[624], then the cached normal samples.
    const int StateBytes = 5056;
    const int SeedOffset = 0;
    const int LeftOffset = 8;
    const int SeededOffset = 12;
    const int NextOffset = 16;
    const int WordsOffset = 24;

    /// <summary>A seed whose fresh state the layout check compares with <see cref="Seed32"/>.</summary>
    const uint ProbeSeed = 5489;

    static readonly Lazy<string?> LayoutProblem = new(CheckLayout);

    /// <summary>
    /// A CPU generator whose stream depends on every bit of <paramref name="seed"/>. Seeds in [0, 2^32) give exactly
    /// <c>new Generator((ulong)seed)</c>, so results made with such seeds stay the same.
    /// </summary>
    /// <remarks>
    /// Any other seed sets the whole mt19937 state with the reference 64-bit seeding, init_by_array(low word, high word)
    /// (Matsumoto and Nishimura, as CPython's random.seed does), written through set_state once libtorch's state layout has been checked.
    /// </remarks>
    /// <exception cref="NotSupportedException">The seed needs more than 32 bits and libtorch's generator state has a layout
    /// this code does not know (a libtorch upgrade); the message says so instead of using a wrong stream.</exception>
    public static Generator Create(long seed, Device? device = null)
    {
        if (seed is >= 0 and <= uint.MaxValue)
            return new Generator((ulong)seed, device);
        if (LayoutProblem.Value is { } problem)
            throw new NotSupportedException($"seed {seed}: seeds outside [0, 2^32) need libtorch's generator state layout, but {problem}; use a seed below 4294967296");

        var generator = new Generator(0, device);
        using var state = generator.get_state();
        var bytes = state.bytes;
        var words = SeedFrom64Bits(unchecked((ulong)seed));
        BinaryPrimitives.WriteInt64LittleEndian(bytes[SeedOffset..], seed);
        WriteFresh(bytes, words);
        generator.set_state(state);
        return generator;
    }

    /// <summary>libtorch's own seeding (mt19937's init_genrand) from one 32-bit word.</summary>
    internal static uint[] Seed32(uint seed)
    {
        var words = new uint[Words];
        words[0] = seed;
        for (var i = 1; i < Words; i++)
            words[i] = unchecked(1812433253u * (words[i - 1] ^ (words[i - 1] >> 30)) + (uint)i);
        return words;
    }

    /// <summary>mt19937ar's init_by_array with the key (low 32 bits, high 32 bits).</summary>
    internal static uint[] SeedFrom64Bits(ulong seed)
    {
        uint[] key = [(uint)seed, (uint)(seed >> 32)];
        var mt = Seed32(19650218u);
        int i = 1, j = 0;
        for (var k = Math.Max(Words, key.Length); k > 0; k--)
        {
            mt[i] = unchecked((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j);
            i++;
            j++;
            if (i >= Words) { mt[0] = mt[Words - 1]; i = 1; }
            if (j >= key.Length) j = 0;
        }
        for (var k = Words - 1; k > 0; k--)
        {
            mt[i] = unchecked((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - (uint)i);
            i++;
            if (i >= Words) { mt[0] = mt[Words - 1]; i = 1; }
        }
        mt[0] = 0x80000000u;
        return mt;
    }

    /// <summary>Writes a just-seeded engine: the words, the first draw re-mixes them (left = 1, next = 0).</summary>
    static void WriteFresh(Span<byte> bytes, uint[] words)
    {
        BinaryPrimitives.WriteInt32LittleEndian(bytes[LeftOffset..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[SeededOffset..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[NextOffset..], 0);
        for (var i = 0; i < Words; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[(WordsOffset + 8 * i)..], words[i]);
    }

    /// <summary>Null when a fresh generator's state is exactly what <see cref="WriteFresh"/> would write; else what differs.</summary>
    static string? CheckLayout()
    {
        if (!BitConverter.IsLittleEndian)
            return "this machine is big-endian";
        using var probe = new Generator(ProbeSeed);
        using var state = probe.get_state();
        if (state.dtype != ScalarType.Byte || state.numel() != StateBytes)
            return $"its state is {state.numel()} {state.dtype} values, not {StateBytes} bytes";
        var actual = state.bytes.ToArray();
        var expected = (byte[])actual.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(expected.AsSpan(SeedOffset), ProbeSeed);
        WriteFresh(expected, Seed32(ProbeSeed));
        return actual.AsSpan().SequenceEqual(expected) ? null : "a fresh state does not hold the mt19937 words where expected";
    }
}
