namespace Denoise.Training;

/// <summary>The precision a run or a command computes in, and why (for `auto`: what the start-up timing found).</summary>
public sealed record PrecisionChoice(Precision Used, string Reason)
{
    /// <summary>"bf16 (auto: native bf16, avx512_bf16 in /proc/cpuinfo; a step took 52 ms in bf16, 97 ms in fp32)".</summary>
    public override string ToString() => $"{Precisions.Name(Used)} ({Reason})";
}
