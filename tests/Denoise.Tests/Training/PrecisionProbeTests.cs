using Denoise.Training;

namespace Denoise.Tests.Training;

public sealed class PrecisionProbeTests
{
    private readonly ManualClock clock = new();
    private readonly Dictionary<Precision, int> runs = new() { [Precision.Float32] = 0, [Precision.BFloat16] = 0 };

    /// <summary>Work that takes the given milliseconds per run on the test's clock, counting its runs.</summary>
    private Func<Precision, Action> Work(double fp32Milliseconds, double bf16Milliseconds) => precision => () =>
    {
        runs[precision]++;
        clock.Advance(TimeSpan.FromMilliseconds(precision == Precision.BFloat16 ? bf16Milliseconds : fp32Milliseconds));
    };

    private static Func<Precision, Action> NoWork => _ => throw new InvalidOperationException("nothing is timed");

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.BFloat16)]
    public void A_precision_asked_for_is_taken_without_timing_anything(Precision asked)
    {
        var choice = new PrecisionProbe(nativeBFloat16: false, "test CPU", clock).Choose(asked, NoWork, "a step");

        Assert.Equal(new PrecisionChoice(asked, "as asked"), choice);
        Assert.Equal(0, clock.Reads);
    }

    [Fact]
    public void Auto_without_native_bf16_is_fp32_and_times_nothing()
    {
        var choice = new PrecisionProbe(nativeBFloat16: false, "neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo", clock)
            .Choose(Precision.Auto, NoWork, "a step");

        Assert.Equal(Precision.Float32, choice.Used);
        Assert.Equal("fp32 (auto: this CPU has no native bf16 - neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo)", choice.ToString());
        Assert.Equal(0, clock.Reads);
    }

    [Fact]
    public void Auto_with_native_bf16_takes_bf16_when_it_is_faster()
    {
        var choice = new PrecisionProbe(nativeBFloat16: true, "avx512_bf16 in /proc/cpuinfo", clock)
            .Choose(Precision.Auto, Work(fp32Milliseconds: 100, bf16Milliseconds: 55), "a training step of 128 images");

        Assert.Equal(Precision.BFloat16, choice.Used);
        Assert.Equal("auto: native bf16 (avx512_bf16 in /proc/cpuinfo); a training step of 128 images took 55 ms in bf16 and 100 ms in fp32 (medians of 5)", choice.Reason);
        // Warm-up runs first, then every round times each precision once.
        Assert.Equal(PrecisionProbe.WarmupRuns + PrecisionProbe.Rounds, runs[Precision.BFloat16]);
        Assert.Equal(PrecisionProbe.WarmupRuns + PrecisionProbe.Rounds, runs[Precision.Float32]);
    }

    [Theory]
    [InlineData(100, 120)]
    [InlineData(100, 100)]
    [InlineData(100, 96)]
    public void Auto_keeps_fp32_when_bf16_is_slower_or_not_clearly_faster(double fp32Milliseconds, double bf16Milliseconds)
    {
        var choice = new PrecisionProbe(nativeBFloat16: true, "avx512_bf16 in /proc/cpuinfo", clock)
            .Choose(Precision.Auto, Work(fp32Milliseconds, bf16Milliseconds), "a step");

        Assert.Equal(Precision.Float32, choice.Used);
        Assert.EndsWith("bf16 not 5 % faster", choice.Reason);
    }

    [Fact]
    public void One_slow_round_does_not_decide()
    {
        var round = 0;
        // bf16 is faster in every round but one, where the machine stalls it tenfold: the median ignores that round.
        var choice = new PrecisionProbe(nativeBFloat16: true, "test CPU", clock).Choose(Precision.Auto, precision => () =>
        {
            var slow = precision == Precision.BFloat16 && round++ == PrecisionProbe.WarmupRuns + 1;
            clock.Advance(TimeSpan.FromMilliseconds(precision == Precision.BFloat16 ? (slow ? 500 : 50) : 100));
        }, "a step");

        Assert.Equal(Precision.BFloat16, choice.Used);
    }
}
