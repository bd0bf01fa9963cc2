namespace Denoise.Training;

/// <summary>
/// The seeds a run derives from its one <see cref="TrainingOptions.Seed"/>: every epoch's shuffle and every batch's
/// fresh noise and augmentations get a stream of their own, independent of each other yet reproducible, mixed by SplitMix64 (Steele,
/// Lea and Flood, 2014) so that neighbouring seeds and epochs give unrelated streams.
/// </summary>
internal static class RunSeeds
{
    /// <summary>
    /// The generator seed of epoch <paramref name="epoch"/>'s shuffle. The mix takes all 64 bits of the run's seed; its
    /// low 32 seed the shuffle exactly as before 64-bit seeds.
    /// </summary>
    public static long Shuffle(long seed, int epoch) => unchecked((long)(SplitMix64(seed, epoch) & uint.MaxValue));

    /// <summary>The seed of one batch's fresh noise: its own stream per (run, epoch, batch), apart from the shuffles'.</summary>
    public static long BatchNoise(long seed, int epoch, int batch) =>
        unchecked((long)SplitMix64((long)SplitMix64(seed ^ 0x5DEECE66DL, epoch), batch + 1));

    /// <summary>
    /// The seed of one batch's augmentations (<see cref="TrainingOptions.Augmentation"/>): a stream per (run, epoch, batch),
    /// apart from the shuffles' and the noise's.
    /// </summary>
    public static long BatchAugmentation(long seed, int epoch, int batch) =>
        unchecked((long)SplitMix64((long)SplitMix64(seed ^ 0x2545F4914F6CDD1DL, epoch), batch + 1));

    /// <summary>SplitMix64's <paramref name="index"/>-th output from the state <paramref name="seed"/>.</summary>
    internal static ulong SplitMix64(long seed, int index) => Denoise.Randomness.SplitMix64.Mix(seed, index);
}
