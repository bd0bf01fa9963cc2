using System.Globalization;
using Denoise.Metrics;
using Denoise.Tensors;

namespace Denoise.Training;

/// <summary>
/// What <see cref="Precision.Auto"/> means on this machine, in the spirit of the time budget: bf16 only where the CPU has
/// native bf16 and a short timing of the caller's own work (a training step, a batch of inference) shows bf16 faster by
/// at least <see cref="RequiredGain"/>; otherwise fp32, the exact arithmetic. Without native bf16 nothing is timed:
/// libtorch then emulates bf16 in fp32 and it is always slower. The CPU's answer and the clock are given, so that
/// tests decide them.
/// </summary>
/// <param name="nativeBFloat16">Whether the CPU has native bf16 (<see cref="CpuFeatures.HasNativeBFloat16"/>).</param>
/// <param name="cpu">How that was found, for the reason a choice gives.</param>
/// <param name="clock">Times the work.</param>
public sealed class PrecisionProbe(bool nativeBFloat16, string cpu, TimeProvider clock)
{
    /// <summary>Untimed runs of each precision first: new kernels, worker threads, the optimiser's state.</summary>
    public const int WarmupRuns = 2;

    /// <summary>Timed runs of each precision, interleaved (fp32 then bf16 in every round), so that a slow moment of a shared machine hits both; the medians decide.</summary>
    public const int Rounds = 5;

    /// <summary>How much faster bf16 must be to be taken: fp32 is exact, so a tie goes to it.</summary>
    public const double RequiredGain = 0.05;

    /// <summary>The probe of this machine: its CPU's answer and the system clock.</summary>
    public static PrecisionProbe ForThisMachine() => new(CpuFeatures.HasNativeBFloat16, CpuFeatures.BFloat16Source, TimeProvider.System);

    public bool NativeBFloat16 => nativeBFloat16;

    /// <summary>
    /// <paramref name="requested"/> when it is fp32 or bf16; for auto, the precision this machine runs
    /// <paramref name="work"/> faster in, as described on the class.
    /// </summary>
    /// <param name="work">
    /// The caller's work in a precision, built once per precision and only when timing is needed (e.g. a training step
    /// of a twin model); what it builds is the caller's to dispose.
    /// </param>
    /// <param name="unit">What one run of the work is, for the reason ("a training step of 128 images").</param>
    public PrecisionChoice Choose(Precision requested, Func<Precision, Action> work, string unit)
    {
        if (requested != Precision.Auto)
            return new PrecisionChoice(requested, "as asked");
        if (!nativeBFloat16)
            return new PrecisionChoice(Precision.Float32, $"auto: this CPU has no native bf16 - {cpu}");

        var (fp32, bf16) = (work(Precision.Float32), work(Precision.BFloat16));
        for (var i = 0; i < WarmupRuns; i++)
        {
            fp32();
            bf16();
        }

        var (fp32Times, bf16Times) = (new double[Rounds], new double[Rounds]);
        for (var round = 0; round < Rounds; round++)
        {
            fp32Times[round] = Seconds(fp32);
            bf16Times[round] = Seconds(bf16);
        }

        var (fp32Median, bf16Median) = (Statistics.Median(fp32Times), Statistics.Median(bf16Times));
        var pays = bf16Median < fp32Median * (1 - RequiredGain);
        var timing = string.Create(CultureInfo.InvariantCulture,
            $"{unit} took {bf16Median * 1000:0.#} ms in bf16 and {fp32Median * 1000:0.#} ms in fp32 (medians of {Rounds})");
        return new PrecisionChoice(pays ? Precision.BFloat16 : Precision.Float32,
            $"auto: native bf16 ({cpu}); {timing}{(pays ? "" : $", bf16 not {RequiredGain:P0} faster")}");
    }

    private double Seconds(Action run)
    {
        var start = clock.GetTimestamp();
        run();
        return clock.GetElapsedTime(start).TotalSeconds;
    }
}
