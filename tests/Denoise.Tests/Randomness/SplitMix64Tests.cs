using Denoise.Randomness;

namespace Denoise.Tests.Randomness;

public sealed class SplitMix64Tests
{
    [Fact]
    public void A_stream_gives_SplitMix64s_published_outputs()
    {
        // The first three outputs of the reference splitmix64.c (Vigna) from the state 0.
        var stream = new SplitMix64(0);

        Assert.Equal([0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL], new[] { stream.Next(), stream.Next(), stream.Next() });
        Assert.Equal(0x6E789E6AA1B965F4UL, SplitMix64.Mix(0, 2));
    }

    [Fact]
    public void The_stream_of_an_index_starts_at_the_mix_of_the_seed_and_index()
    {
        var stream = SplitMix64.For(42, 7);

        Assert.Equal(SplitMix64.Mix((long)SplitMix64.Mix(42, 7), 1), stream.Next());
        Assert.NotEqual(SplitMix64.For(42, 7).Next(), SplitMix64.For(42, 8).Next());
    }

    [Fact]
    public void Doubles_are_the_top_53_bits_over_2_to_the_53()
    {
        var expected = (0xE220A8397B1DCDAFUL >> 11) / 9007199254740992.0;

        Assert.Equal(expected, new SplitMix64(0).NextDouble());
        Assert.All(Enumerable.Range(0, 1000).Select(i => SplitMix64.For(1, i).NextDouble(2, 3)), d => Assert.InRange(d, 2, 3 - 1e-12));
    }

    [Fact]
    public void Integers_cover_their_range_with_both_ends_and_nothing_outside()
    {
        var stream = new SplitMix64(3);

        var drawn = Enumerable.Range(0, 2000).Select(_ => stream.NextInt(-6, 6)).ToList();

        Assert.Equal(Enumerable.Range(-6, 13), drawn.Distinct().Order());
        Assert.Equal(5, new SplitMix64(9).NextInt(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.NextInt(1, 0));
    }
}
