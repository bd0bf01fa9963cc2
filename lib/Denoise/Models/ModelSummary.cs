using System.Globalization;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Denoise.Models;

/// <summary>
/// What Keras' <c>model.summary()</c> shows: the layers with output shapes and parameter counts, and the totals.
/// <see cref="ToString"/> gives the Keras text table.
/// </summary>
public sealed record ModelSummary(string Name, IReadOnlyList<LayerSummary> Layers, long TrainableParameters, long NonTrainableParameters)
{
    public long TotalParameters => TrainableParameters + NonTrainableParameters;

    /// <summary>
    /// The summary of any model: one dummy <paramref name="height"/>×<paramref name="width"/> image runs through it, and
    /// every layer without sub-layers reports its output shape as it is called, with Keras' name and type for it
    /// (activations applied as functions are folded into the layer before them, as Keras does). As in Keras, a layer's
    /// count includes the statistics it keeps (BatchNorm's moving mean and variance), which are not trained.
    /// </summary>
    public static ModelSummary Of(Denoiser model, int height = 28, int width = 28)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = new List<LayerSummary>();
        var counts = new Dictionary<string, int>();
        var hooks = model.modules().Where(m => !m.children().Any()).OfType<nn.Module<Tensor, Tensor>>()
            .Select(layer => layer.register_forward_hook((module, _, output) =>
            {
                var (name, type) = KerasNames(module);
                var index = counts[name] = counts.GetValueOrDefault(name, -1) + 1;
                var parameters = module.parameters().Sum(p => p.numel()) + KeptStatistics(module);
                rows.Add(new LayerSummary(index == 0 ? name : $"{name}_{index}", type, [output.shape[2], output.shape[3], output.shape[1]], parameters));
                return output;
            }))
            .ToList();
        try
        {
            var wasTraining = model.training;
            model.eval();
            model.call(zeros(1, 1, height, width));
            model.train(wasTraining);
        }
        finally
        {
            hooks.ForEach(h => h.remove());
        }

        var trainable = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        return new ModelSummary(model.Architecture.Replace('-', '_'), rows, trainable, model.ParameterCount - trainable + KeptStatistics(model));
    }

    /// <summary>The floating-point buffers of a module and its layers (running statistics; a batch counter is no weight).</summary>
    private static long KeptStatistics(nn.Module module) => module.buffers().Where(b => b.is_floating_point()).Sum(b => b.numel());

    /// <summary>The name and type Keras gives the layer that a TorchSharp module stands for.</summary>
    private static (string Name, string Type) KerasNames(nn.Module module) => module switch
    {
        Conv2d => ("conv2d", "Conv2D"),
        ConvTranspose2d => ("conv2d_transpose", "Conv2DTranspose"),
        MaxPool2d => ("max_pooling2d", "MaxPooling2D"),
        AvgPool2d => ("average_pooling2d", "AveragePooling2D"),
        Upsample => ("up_sampling2d", "UpSampling2D"),
        PixelUnshuffle => ("space_to_depth", "SpaceToDepth"),
        PixelShuffle => ("depth_to_space", "DepthToSpace"),
        Linear => ("dense", "Dense"),
        BatchNorm => ("batch_normalization", "BatchNormalization"),
        ReLU => ("re_lu", "ReLU"),
        LeakyReLU => ("leaky_re_lu", "LeakyReLU"),
        _ => (module.GetType().Name.ToLowerInvariant(), module.GetType().Name),
    };

    public override string ToString()
    {
        const int nameWidth = 33, shapeWidth = 26, paramWidth = 10;
        var rule = new string('_', nameWidth + shapeWidth + paramWidth);
        var text = new StringBuilder();
        text.AppendLine($"Model: \"{Name}\"");
        text.AppendLine(rule);
        text.AppendLine($"{" Layer (type)",-nameWidth}{"Output Shape",-shapeWidth}{"Param #"}");
        text.AppendLine(new string('=', rule.Length));
        for (var i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            text.AppendLine($"{$" {layer.Name} ({layer.Type})",-nameWidth}{layer.KerasShape,-shapeWidth}{Count(layer.Parameters)}");
            text.AppendLine(i == Layers.Count - 1 ? new string('=', rule.Length) : "");
        }

        text.AppendLine($"Total params: {Count(TotalParameters)} ({Bytes(TotalParameters)})");
        text.AppendLine($"Trainable params: {Count(TrainableParameters)} ({Bytes(TrainableParameters)})");
        text.AppendLine($"Non-trainable params: {Count(NonTrainableParameters)} ({Bytes(NonTrainableParameters)})");
        text.Append(rule);
        return text.ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    // Keras reports the float32 size of the weights next to each total.
    private static string Bytes(long parameters)
    {
        var bytes = parameters * 4.0;
        return bytes < 1024
            ? $"{bytes.ToString("F2", CultureInfo.InvariantCulture)} B"
            : bytes < 1024 * 1024
                ? $"{(bytes / 1024).ToString("F2", CultureInfo.InvariantCulture)} KB"
                : $"{(bytes / 1024 / 1024).ToString("F2", CultureInfo.InvariantCulture)} MB";
    }
}
