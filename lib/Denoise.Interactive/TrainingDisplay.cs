using Denoise.Training;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace Denoise.Interactive;

/// <summary>
/// Live training progress in a notebook, like Keras' <c>fit</c>: one output that updates in place (the finished epochs'
/// lines, then the epoch under way with its bar, running loss, time elapsed and time left). Pass it to
/// <see cref="Trainer.Fit"/>. Batch reports are shown at most once per interval of training time; every epoch end is shown.
/// </summary>
/// <remarks>
/// Every state is a <see cref="TrainingStatus"/> whose HTML carries the same <see cref="TrainingStatus.DisplayId"/>:
/// clients that record each update as a new output (dotnet-repl) can then be tidied to the last state
/// (scripts/finalize_report.py), while Jupyter and VS Code replace the output in place.
/// </remarks>
public sealed class TrainingDisplay : IProgress<TrainingProgress>
{
    /// <summary>At most four updates a second: smooth enough to watch, few enough to cost nothing next to a batch.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(0.25);

    private readonly Action<TrainingStatus> publish;
    private readonly TimeSpan interval;
    private TimeSpan lastShown;

    /// <summary>A display that hands each state to show to <paramref name="publish"/>, starting with the empty one.</summary>
    public TrainingDisplay(Action<TrainingStatus> publish, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(publish);
        this.publish = publish;
        this.interval = interval ?? DefaultInterval;
        Status = TrainingStatus.Start(Guid.NewGuid().ToString("N"));
        publish(Status);
    }

    /// <summary>The latest state, shown or not.</summary>
    public TrainingStatus Status { get; private set; }

    /// <summary>Shows a new display in the output of the notebook cell that runs this, and returns it.</summary>
    /// <exception cref="InvalidOperationException">Not called from a running notebook cell.</exception>
    public static TrainingDisplay Show(TimeSpan? interval = null)
    {
        var context = KernelInvocationContext.Current
            ?? throw new InvalidOperationException("TrainingDisplay.Show() needs a running notebook cell; elsewhere pass an EpochLog to Trainer.Fit");
        DenoiseFormatters.Register();
        DisplayedValue? shown = null;
        // The context's Display publishes the value under the id that Update uses later. (Kernel.display and
        // object.Display() publish under another id than the one they return, so Jupyter could not match the updates.)
        return new TrainingDisplay(status =>
        {
            if (shown is null)
                shown = context.Display(status, DenoiseFormatters.HtmlMimeType, DenoiseFormatters.PlainTextMimeType);
            else
                shown.Update(status);
        }, interval);
    }

    public void Report(TrainingProgress value)
    {
        Status = Status.After(value);
        if (value.Completed is null && Status.Elapsed - lastShown < interval)
            return;
        lastShown = Status.Elapsed;
        publish(Status);
    }
}
