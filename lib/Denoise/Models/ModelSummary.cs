using System.Globalization;
using System.Text;

namespace Denoise.Models;

/// <summary>
/// What Keras' <c>model.summary()</c> shows: the layers with output shapes and parameter counts, and the totals.
/// <see cref="ToString"/> gives the Keras text table.
/// </summary>
public sealed record ModelSummary(string Name, IReadOnlyList<LayerSummary> Layers, long TrainableParameters, long NonTrainableParameters)
{
    public long TotalParameters => TrainableParameters + NonTrainableParameters;

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
