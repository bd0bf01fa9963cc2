using Denoise.Models;
using Denoise.Training;
using XPlot.Plotly;

namespace Denoise.Interactive;

/// <summary>How the model's own types look in a notebook: the Keras-style summary table and the loss curves.</summary>
public static class ModelHtml
{
    public static string Summary(ModelSummary summary)
    {
        var rows = summary.Layers.Select(l => (IReadOnlyList<object?>)[l.Name, l.Type, l.KerasShape, l.Parameters]);
        var totals = $"Total params: {summary.TotalParameters:N0} · trainable: {summary.TrainableParameters:N0} · non-trainable: {summary.NonTrainableParameters:N0}";
        return HtmlTable.Of(["layer", "type", "output shape", "parameters"], rows, summary.Name) + $"<p>{totals}</p>";
    }

    /// <summary>Training and validation loss per epoch, as Keras' history.history['loss'] / ['val_loss'] plots.</summary>
    public static PlotlyChart LossCurves(TrainingHistory history) => Charts.Lines(
        history.Select(r => (double)r.Epoch),
        [("loss", history.Losses.ToArray()), ("val_loss", history.ValLosses.ToArray())],
        "Loss per epoch", "epoch", "loss (the run's training loss)");
}
