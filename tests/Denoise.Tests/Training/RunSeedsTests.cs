using Denoise.Training;

namespace Denoise.Tests.Training;

public sealed class RunSeedsTests
{
    [Fact]
    public void The_mix_gives_SplitMix64s_published_outputs()
    {
        // The first three outputs of the reference splitmix64.c (Vigna) from the state 0.
        Assert.Equal(0xE220A8397B1DCDAFUL, RunSeeds.SplitMix64(0, 1));
        Assert.Equal(0x6E789E6AA1B965F4UL, RunSeeds.SplitMix64(0, 2));
        Assert.Equal(0x06C45D188009454FUL, RunSeeds.SplitMix64(0, 3));
    }

    [Fact]
    public void A_shuffle_seed_is_the_low_32_bits_of_the_mix()
    {
        Assert.Equal(0x7B1DCDAFL, RunSeeds.Shuffle(0, 1));
        Assert.All(Enumerable.Range(1, 50), epoch => Assert.InRange(RunSeeds.Shuffle(-7, epoch), 0, uint.MaxValue));
    }

    [Fact]
    public void Every_epoch_and_batch_of_a_run_gets_its_own_noise_seed()
    {
        var seeds = (from epoch in Enumerable.Range(1, 20) from batch in Enumerable.Range(0, 50) select RunSeeds.BatchNoise(42, epoch, batch)).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal(seeds, (from epoch in Enumerable.Range(1, 20) from batch in Enumerable.Range(0, 50) select RunSeeds.BatchNoise(42, epoch, batch)));
        Assert.NotEqual(RunSeeds.BatchNoise(42, 1, 0), RunSeeds.BatchNoise(43, 1, 0));
    }
}
