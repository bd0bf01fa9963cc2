using System.Diagnostics;
using Denoise.Models;
using Denoise.Training;
using static TorchSharp.torch;

namespace Denoise.Cli.Bench;

/// <summary>
/// Where the forward time of a model goes (`denoise bench --profile`): each layer of the architecture's own definition
/// timed as it is called (forward hooks), the rest of the plain forward (activations, glue), and the model's fast
/// forward in total, at a given chunk size. Wall-clock microseconds per image; run it at --threads 1 on a quiet machine.
/// </summary>
public static class LayerProfile
{
    /// <param name="precision">fp32, or bf16: the layers of a bf16 copy of the model (<see cref="BFloat16Copy"/>).</param>
    public static IReadOnlyList<(string Stage, double MicrosecondsPerImage)> Measure(string architecture, int chunk, int threads,
        Precision precision = Precision.Float32, int repeats = 20)
    {
        set_num_threads(threads);
        manual_seed(0);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var master = Architectures.Create(architecture, seed: 0);
        var layers = master.Summary().Layers;
        using var copy = precision == Precision.BFloat16 ? Architectures.CreateBFloat16Copy(master) : null;
        var model = copy?.Network ?? master;
        model.eval();
        var x = rand(chunk, 1, 28, 28).to_type(model.InputType);

        // The i-th leaf call of a forward is the summary's i-th row: both walk the same forward in the same order.
        var elapsed = new double[layers.Count];
        var call = 0;
        long started = 0;
        var leaves = model.modules().Where(m => !m.children().Any()).OfType<nn.Module<Tensor, Tensor>>().ToList();
        var hooks = leaves.Select(l => l.register_forward_pre_hook((_, input) =>
        {
            started = Stopwatch.GetTimestamp();
            return input;
        })).Concat(leaves.Select(l => l.register_forward_hook((_, _, output) =>
        {
            elapsed[call++] += Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            return output;
        }))).ToList();

        double Time(Action run)
        {
            for (var i = 0; i < 3; i++)
                run();
            Array.Clear(elapsed);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++)
                run();
            return clock.Elapsed.TotalMicroseconds / repeats / chunk;
        }

        var plain = Time(() =>
        {
            call = 0;
            model.call(x).Dispose();
        });
        var perLayer = elapsed.Select(e => e / repeats / chunk).ToList();
        hooks.ForEach(h => h.remove());

        var rows = layers.Select((l, i) => ($"{l.Name} ({l.Type}) → {l.ShortShape}", perLayer[i])).ToList();
        rows.Add(("activations and glue", plain - perLayer.Sum()));
        rows.Add(("plain forward, total", plain));
        using var fast = model.CreateFastForward();
        if (fast is not null)
        {
            var prepared = fast.Prepare();
            rows.Add(("fast forward, total", Time(() => fast.Predict(x, prepared).Dispose())));
        }
        return rows;
    }
}
