using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Denoise.Tensors;

/// <summary>
/// What this CPU does natively that changes which arithmetic pays: bfloat16 (bf16) dot products, with which libtorch's
/// oneDNN convolutions run bf16 at twice their fp32 peak. Without it bf16 is emulated in fp32 and runs slower than fp32.
/// </summary>
public static class CpuFeatures
{
    private static readonly Lazy<(bool Native, string Source)> Detected = new(Detect);

    /// <summary>
    /// True when the CPU has native bf16 arithmetic and the operating system lets programs use it. Linux: the flags
    /// <c>avx512_bf16</c> (AVX-512 BF16) or <c>amx_bf16</c> (AMX) in /proc/cpuinfo, which the kernel lists only when it
    /// enabled them. Windows on x86-64: the same AVX-512 BF16 bit of CPUID (leaf 7, sub-leaf 1, EAX bit 5), counted only
    /// where .NET sees the AVX-512 state enabled. Elsewhere (macOS, Arm) false: libtorch's CPU bf16 there is not known
    /// to pay, so <c>auto</c> keeps fp32 and bf16 is taken only when asked for. Also false when ONEDNN_MAX_CPU_ISA caps
    /// oneDNN below its bf16 kernels (<see cref="OneDnnAllowsBFloat16"/>).
    /// </summary>
    public static bool HasNativeBFloat16 => Detected.Value.Native;

    /// <summary>How <see cref="HasNativeBFloat16"/> was decided, for reports ("avx512_bf16 in /proc/cpuinfo").</summary>
    public static string BFloat16Source => Detected.Value.Source;

    /// <summary>The native bf16 flags in the text of /proc/cpuinfo (every "flags" line), or none.</summary>
    internal static IReadOnlyList<string> BFloat16FlagsIn(string cpuinfo) =>
        [.. cpuinfo.Split('\n')
            .Where(line => line.StartsWith("flags", StringComparison.Ordinal) && line.Contains(':'))
            .SelectMany(line => line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(flag => flag is "avx512_bf16" or "amx_bf16")
            .Distinct()
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Whether a cap on oneDNN's instruction set (the ONEDNN_MAX_CPU_ISA environment variable, e.g. AVX2 to see the path
    /// of an older CPU) still allows its bf16 kernels: unset, ALL, or an ISA with bf16 (AVX512_CORE_BF16 and later,
    /// whose names carry BF16, FP16, AMX or AVX10).
    /// </summary>
    internal static bool OneDnnAllowsBFloat16(string? maxCpuIsa) =>
        string.IsNullOrWhiteSpace(maxCpuIsa)
        || maxCpuIsa.Trim().Equals("ALL", StringComparison.OrdinalIgnoreCase)
        || new[] { "BF16", "FP16", "AMX", "AVX10" }.Any(part => maxCpuIsa.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static (bool Native, string Source) Detect()
    {
        var cap = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA");
        if (!OneDnnAllowsBFloat16(cap))
            return (false, $"ONEDNN_MAX_CPU_ISA={cap} keeps oneDNN below its bf16 kernels");

        if (OperatingSystem.IsLinux())
        {
            const string cpuinfo = "/proc/cpuinfo";
            var flags = File.Exists(cpuinfo) ? BFloat16FlagsIn(File.ReadAllText(cpuinfo)) : [];
            return flags.Count > 0
                ? (true, $"{string.Join(" and ", flags)} in {cpuinfo}")
                : (false, $"neither avx512_bf16 nor amx_bf16 in {cpuinfo}");
        }

        if (OperatingSystem.IsWindows() && RuntimeInformation.ProcessArchitecture == Architecture.X64)
            return Avx512F.IsSupported && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0
                ? (true, "AVX-512 BF16 in CPUID")
                : (false, "no AVX-512 BF16 in CPUID");

        return (false, $"not detected on {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}");
    }
}
