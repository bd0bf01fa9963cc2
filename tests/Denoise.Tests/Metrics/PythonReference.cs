using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Denoise.Tests.Metrics;

/// <summary>
/// Runs a short script under Debian's /usr/bin/python3 (with numpy, scikit-image and scipy) on images the test
/// writes as raw float32, so our numbers are checked against the reference implementations themselves.
/// </summary>
internal sealed class PythonReference : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private const string InstallHint = "./build.sh setup installs what they need (python3-skimage with numpy and scipy, python3-torch)";

    private readonly string folder = Directory.CreateTempSubdirectory("denoise-python-").FullName;
    private readonly Dictionary<string, long[]> shapes = [];

    public void Write(string name, float[,] image)
    {
        var values = image.Cast<float>().ToArray();
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(Path.Combine(folder, name + ".f32"), bytes);
        shapes[name] = [image.GetLength(0), image.GetLength(1)];
    }

    /// <summary>Writes a tensor of any shape as float32 (channels first, as it is); <c>load(name)</c> gives it back in that shape.</summary>
    public void Write(string name, TorchSharp.torch.Tensor image)
    {
        var values = image.to(TorchSharp.torch.ScalarType.Float32).contiguous().data<float>().ToArray();
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(Path.Combine(folder, name + ".f32"), bytes);
        shapes[name] = image.shape;
    }

    /// <summary>Reads what the script wrote with <c>save64(name, array)</c>: float64 values in row-major order.</summary>
    public double[] Read64(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, name + ".f64"));
        var values = new double[bytes.Length / sizeof(double)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    public float[,] Read(string name, int height, int width)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, name + ".f32"));
        Assert.Equal(height * width * sizeof(float), bytes.Length);
        var image = new float[height, width];
        Buffer.BlockCopy(bytes, 0, image, 0, bytes.Length);
        return image;
    }

    /// <summary>
    /// Runs <paramref name="body"/> after a preamble that defines <c>load(name)</c> (float32 array),
    /// <c>save(name, array)</c> (float32) and <c>save64(name, array)</c> (float64); returns what the script printed.
    /// </summary>
    public string Run(string body)
    {
        var preamble = new StringBuilder()
            .AppendLine("import os, numpy as np")
            .AppendLine(CultureInfo.InvariantCulture, $"D = {Quote(folder)}")
            .AppendLine("S = {" + string.Join(", ", shapes.Select(s => $"{Quote(s.Key)}: ({string.Join(", ", s.Value)},)")) + "}")
            .AppendLine("def load(n): return np.fromfile(os.path.join(D, n + '.f32'), dtype='<f4').reshape(S[n])")
            .AppendLine("def save(n, a): np.ascontiguousarray(a, dtype='<f4').tofile(os.path.join(D, n + '.f32'))")
            .AppendLine("def save64(n, a): np.ascontiguousarray(a, dtype='<f8').tofile(os.path.join(D, n + '.f64'))");
        var script = Path.Combine(folder, "script.py");
        File.WriteAllText(script, preamble + body);
        return RunScript(script);
    }

    /// <summary>Runs a script file with <paramref name="arguments"/>; returns what it printed, fails the test with its stderr if it fails.</summary>
    public static string RunScript(string script, params string[] arguments)
    {
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} is missing; the reference checks need it: {InstallHint}");
        }

        using var process = Process.Start(new ProcessStartInfo(Python, [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var hint = error.Contains("No module named", StringComparison.Ordinal) ? $" - {InstallHint}" : "";
            Assert.Fail($"python script {Path.GetFileName(script)} failed{hint}:{Environment.NewLine}{error}");
        }

        return output.Result;
    }

    /// <summary>Parses the numbers a script printed, whitespace separated ('inf' included).</summary>
    public static double[] Numbers(string printed) =>
        printed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s == "inf" ? double.PositiveInfinity : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
