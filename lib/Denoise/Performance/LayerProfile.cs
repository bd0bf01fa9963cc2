using System.Diagnostics;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Denoise.Performance;

/// <summary>
/// Per-stage forward costs of the model at a given chunk size (`denoise bench --profile`): where the time goes,
/// to pick which rewrite is worth it. Process CPU microseconds per image, so a busy machine disturbs it less.
/// </summary>
public static class LayerProfile
{
    public static IReadOnlyList<(string Stage, double CpuMicrosecondsPerImage)> Measure(int chunk, int threads, int repeats = 20)
    {
        set_num_threads(threads);
        manual_seed(0);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long[] same = [1, 1], two = [2, 2];
        var x = rand(chunk, 1, 28, 28);
        var w1 = randn(32, 1, 3, 3); var w2 = randn(16, 32, 3, 3); var w3 = randn(16, 16, 3, 3);
        var w4 = randn(32, 16, 3, 3); var w5 = randn(1, 32, 3, 3);
        var b32 = zeros(32); var b16 = zeros(16); var b1 = zeros(1);
        var mixing = PhaseConvolution.Mixing();
        var k4 = PhaseConvolution.Kernels(w4, mixing); var k5 = PhaseConvolution.Kernels(w5, mixing);
        var c1 = F.conv2d(x, w1, b32, padding: same);
        var p1 = F.max_pool2d(c1, two);
        var c2 = F.conv2d(p1, w2, b16, padding: same);
        var p2 = F.max_pool2d(c2, two);
        var c3 = F.conv2d(p2, w3, b16, padding: same);
        var u1 = F.interpolate(c3, scale_factor: [2, 2], mode: InterpolationMode.Nearest);
        var c4 = F.conv2d(u1, w4, b32, padding: same);
        var u2 = F.interpolate(c4, scale_factor: [2, 2], mode: InterpolationMode.Nearest);
        var c5 = F.conv2d(u2, w5, b1, padding: same);

        static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var xl = ChannelsLast(x); var c1l = ChannelsLast(c1); var c3l = ChannelsLast(c3); var u2l = ChannelsLast(u2); var c4l = ChannelsLast(c4);
        Tensor MaxOf4(Tensor t)
        {
            var (h, w) = (t.shape[2] / 2, t.shape[3] / 2);
            var v = t.view(t.shape[0], t.shape[1], h, 2, w, 2);
            return maximum(maximum(v.select(3, 0).select(4, 0), v.select(3, 0).select(4, 1)), maximum(v.select(3, 1).select(4, 0), v.select(3, 1).select(4, 1)));
        }
        var stages = new (string, Func<Tensor>)[]
        {
            ("encode1 conv 1→32 @28", () => F.conv2d(x, w1, b32, padding: same)),
            ("relu @28×32 (before pool)", () => F.relu(c1)),
            ("max-pool @28×32", () => F.max_pool2d(c1, two)),
            ("relu @14×32 (after pool)", () => F.relu(p1)),
            ("encode2 conv 32→16 @14", () => F.conv2d(p1, w2, b16, padding: same)),
            ("max-pool @14×16", () => F.max_pool2d(c2, two)),
            ("decode1 conv 16→16 @7", () => F.conv2d(p2, w3, b16, padding: same)),
            ("upsample + decode2 conv 16→32 @14", () => F.conv2d(F.interpolate(c3, scale_factor: [2, 2], mode: InterpolationMode.Nearest), w4, b32, padding: same)),
            ("phase decode2 (conv + interleave)", () => PhaseConvolution.Interleave(PhaseConvolution.Apply(c3, k4, PhaseConvolution.Biases(b32)))),
            ("upsample + output conv 32→1 @28", () => F.conv2d(F.interpolate(c4, scale_factor: [2, 2], mode: InterpolationMode.Nearest), w5, b1, padding: same)),
            ("phase output (conv + phases)", () => PhaseConvolution.Apply(c4, k5, PhaseConvolution.Biases(b1))),
            ("CL encode1 conv", () => F.conv2d(xl, w1, b32, padding: same)),
            ("CL max-pool @28×32", () => F.max_pool2d(c1l, two)),
            ("max of 4 strided views @28×32", () => MaxOf4(c1)),
            ("CL upsample + decode2 conv", () => F.conv2d(F.interpolate(c3l, scale_factor: [2, 2], mode: InterpolationMode.Nearest), w4, b32, padding: same)),
            ("CL output conv @28 (upsampled input)", () => F.conv2d(u2l, w5, b1, padding: same)),
            ("CL phase output", () => PhaseConvolution.Apply(c4l, k5, PhaseConvolution.Biases(b1))),
            ("phase output conv only", () => F.conv2d(F.pad(c4, [1, 1, 1, 1]), k5, PhaseConvolution.Biases(b1))),
            ("sigmoid + BCE", () => F.binary_cross_entropy(F.sigmoid(c5), x)),
            ("BCE with logits", () => F.binary_cross_entropy_with_logits(c5, x)),
        };

        var results = new List<(string, double)>();
        foreach (var (name, run) in stages)
        {
            for (var i = 0; i < 3; i++)
                run().Dispose();
            var start = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < repeats; i++)
                run().Dispose();
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - start).TotalMicroseconds;
            results.Add((name, cpu / repeats / chunk));
        }
        return results;
    }
}
