using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Denoise.Imaging;
using Denoise.Models;
using Denoise.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Denoise.Tests;

/// <summary>
/// The kernels libtorch runs are the ones the environment asks for: CI runs the suite once more with
/// <c>ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2</c> (build.sh), and this test is what proves that run really
/// ran other kernels than the machine's best. In a run without those variables it shows what the machine chose.
/// </summary>
[Collection("torch")]
public sealed partial class KernelChoiceTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Aten_runs_the_cpu_capability_the_environment_asks_for()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return;   // the capability is read through libtorch's Linux x64 C++ symbol; CI runs there

        var capability = AtenCapability();
        log.WriteLine($"ATen CPU capability: {capability}");

        if (Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") is { Length: > 0 } asked)
            Assert.Equal(asked.ToUpperInvariant(), capability);
        else
            Assert.Contains(capability, new[] { "NO AVX", "DEFAULT", "AVX2", "AVX512", "ZVECTOR", "VSX" });
    }

    [Fact]
    public void OneDnn_dispatches_to_the_instruction_set_the_environment_allows()
    {
        // oneDNN says its instruction set in the first line of its verbose log; the command line is run with
        // ONEDNN_VERBOSE=1 in a process of its own, which inherits the rest of this run's environment.
        var modelPath = folder.File("model.dat");
        using (var model = new ConvAutoencoder(seed: 1))
            ModelFile.Save(modelPath, model, ModelMetadata.For(model, null, []));
        using (var image = rand(1, 256, 256, generator: new Generator(2)))   // large enough for oneDNN: libtorch keeps small batch-1 convolutions to itself
            GrayImage.Save(image, folder.File("in.png"));

        var output = RunCli(["denoise", "--model", modelPath, "--input", folder.File("in.png"), "--output", folder.File("out.png")],
            ("ONEDNN_VERBOSE", "1"));
        var isa = IsaLine().Match(output) is { Success: true } m ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"no 'isa:' line in oneDNN's verbose log:\n{output}");
        log.WriteLine($"oneDNN ISA: {isa}");

        if (Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is { Length: > 0 } allowed && allowed.Equals("AVX2", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Contains("AVX2", isa);
            Assert.DoesNotContain("AVX-512", isa);
        }
    }

    /// <summary>
    /// <c>at::get_cpu_capability()</c>, which TorchSharp does not expose: a C++ function returning a std::string, which
    /// the x86-64 System V ABI returns through a hidden first argument (libstdc++'s 32-byte string: data pointer, length,
    /// a 16-byte buffer that holds short strings like "AVX2" itself).
    /// </summary>
    private static string AtenCapability()
    {
        using var _ = zeros(1);   // loads libtorch
        var result = Marshal.AllocHGlobal(32);
        try
        {
            GetCpuCapability(result);
            var text = Marshal.ReadIntPtr(result);
            var length = (int)Marshal.ReadInt64(result, 8);
            return Marshal.PtrToStringUTF8(text, length);   // a short string lives in the buffer: nothing to free
        }
        finally
        {
            Marshal.FreeHGlobal(result);
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at18get_cpu_capabilityB5cxx11Ev")]
    private static extern IntPtr GetCpuCapability(IntPtr result);

    [GeneratedRegex(@"onednn_verbose,(?:v\d+,)?info,cpu,isa:([^\r\n]*)")]
    private static partial Regex IsaLine();

    /// <summary>The command line, built beside this test, in a new process; returns what it printed.</summary>
    private static string RunCli(string[] args, params (string Name, string Value)[] environment)
    {
        // The tests run from artifacts/build/bin/Denoise.Tests/<configuration>/; the command line is built beside them.
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var cli = Path.Combine(tests.Parent!.Parent!.FullName, "Denoise.Cli", tests.Name, "Denoise.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"denoise {string.Join(' ', args)} failed: {error.Result}");
        return output;
    }
}
