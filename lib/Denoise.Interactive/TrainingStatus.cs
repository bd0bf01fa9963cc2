using System.Globalization;
using System.Net;
using System.Text;
using Denoise.Training;

namespace Denoise.Interactive;

/// <summary>
/// One state of a live training display (<see cref="TrainingDisplay"/>): the epochs finished so far, one log line each
/// as <see cref="EpochLog"/> writes them, and a Keras-like progress line for the epoch under way: its bar, the running
/// loss, the time elapsed and the time left. A notebook cell that ends with one shows it.
/// </summary>
public sealed record TrainingStatus
{
    /// <summary>The HTML attribute that marks every state of one live display, so that an exported report keeps only its last one.</summary>
    public const string LiveDisplayAttribute = "data-live-display";

    private const int BarWidth = 30;
    private const string Waiting = "waiting for the first batch";

    /// <summary>Names this display in its HTML; every state of one display carries the same id.</summary>
    public required string DisplayId { get; init; }

    /// <summary>The epochs finished while this display watched, in order.</summary>
    public IReadOnlyList<EpochRecord> Finished { get; init; } = [];

    /// <summary>The latest report, or null before the first batch has finished.</summary>
    public TrainingProgress? Latest { get; init; }

    /// <summary>The training time this display has seen: finished epochs plus the one under way.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The estimated time to the last epoch's end, or null before the first report.</summary>
    public TimeSpan? Remaining { get; init; }

    /// <summary>True once the last epoch has finished.</summary>
    public bool IsDone => Latest is { Completed: not null } latest && latest.Epoch == latest.Epochs;

    /// <summary>The time of the epochs finished before the one under way.</summary>
    private TimeSpan ElapsedBefore { get; init; }

    /// <summary>The validation time of the finished epochs whose last batch this display saw, summed, and their number.</summary>
    private (TimeSpan Sum, int Count) Validations { get; init; }

    /// <summary>The state before any report.</summary>
    public static TrainingStatus Start(string displayId) => new() { DisplayId = displayId };

    /// <summary>
    /// The state after <paramref name="progress"/>. Time left: the rest of this epoch at its own pace so far plus its
    /// validation (as long as the earlier ones took), then the later epochs at the mean length of the finished ones
    /// (at this epoch's pace before any has finished).
    /// </summary>
    public TrainingStatus After(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var elapsed = ElapsedBefore + progress.Elapsed;
        var finished = progress.Completed is { } record ? [.. Finished, record] : Finished;
        // An epoch's record comes right after its last batch: the time between them is its validation.
        (TimeSpan Sum, int Count) validations = progress.Completed is { } done && Latest is { Completed: null } lastBatch && lastBatch.Epoch == done.Epoch
            ? (Validations.Sum + TimeSpan.FromSeconds(Math.Max(0, done.Seconds - lastBatch.Elapsed.TotalSeconds)), Validations.Count + 1)
            : Validations;
        var validation = validations.Count > 0 ? validations.Sum / validations.Count : TimeSpan.Zero;
        var perBatch = progress.Elapsed / Math.Max(1, progress.Batch);
        var epochLeft = progress.Completed is null ? perBatch * (progress.Batches - progress.Batch) + validation : TimeSpan.Zero;
        var perEpoch = finished.Count > 0
            ? TimeSpan.FromSeconds(finished.Average(r => r.Seconds))
            : perBatch * progress.Batches + validation;
        return this with
        {
            Finished = finished,
            Latest = progress,
            Elapsed = elapsed,
            ElapsedBefore = progress.Completed is null ? ElapsedBefore : elapsed,
            Validations = validations,
            Remaining = epochLeft + perEpoch * Math.Max(0, progress.Epochs - progress.Epoch),
        };
    }

    /// <summary>
    /// The line of the epoch under way, e.g. "epoch 3/20 [=========&gt;....] 120/235 · loss 0.1023 · 0:31 elapsed ·
    /// 4:12 left"; "done" instead of the time left at the end.
    /// </summary>
    public string ProgressLine() => Latest is { } p
        ? $"{Head(p)}[{Bar(p.Batch, p.Batches, BarWidth)}]{Tail(p)}"
        : Waiting;

    /// <summary>The finished epochs' lines, then the progress line.</summary>
    public override string ToString() => string.Join("\n", Finished.Select(LogLine).Append(ProgressLine()));

    /// <summary>The same as HTML: the log lines in monospace, the bar as a &lt;progress&gt; element, marked with <see cref="DisplayId"/>.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append($"<div {LiveDisplayAttribute}=\"{WebUtility.HtmlEncode(DisplayId)}\" style=\"font-family:monospace;white-space:pre;line-height:1.5\">");
        foreach (var record in Finished)
            html.Append("<div>").Append(WebUtility.HtmlEncode(LogLine(record))).Append("</div>");
        html.Append("<div>");
        if (Latest is { } p)
            html.Append(WebUtility.HtmlEncode(Head(p)))
                .Append($"<progress max=\"{p.Batches}\" value=\"{p.Batch}\" style=\"width:12em;vertical-align:middle\"></progress>")
                .Append(WebUtility.HtmlEncode(Tail(p)));
        else
            html.Append(Waiting);
        return html.Append("</div></div>").ToString();
    }

    private string LogLine(EpochRecord record) => record.Describe(Latest?.Epochs ?? record.Epoch);

    private static string Head(TrainingProgress p) => $"epoch {p.Epoch}/{p.Epochs} ";

    private string Tail(TrainingProgress p) => string.Create(CultureInfo.InvariantCulture,
        $" {p.Batch}/{p.Batches} · loss {p.RunningLoss:F4} · {Clock(Elapsed)} elapsed · {(IsDone ? "done" : $"{Clock(Remaining ?? TimeSpan.Zero)} left")}");

    /// <summary>A duration as m:ss, or h:mm:ss from an hour on, rounded to the second.</summary>
    public static string Clock(TimeSpan duration)
    {
        var seconds = (long)Math.Round(Math.Max(0, duration.TotalSeconds));
        var (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        return h > 0 ? $"{h}:{m:00}:{s:00}" : $"{m}:{s:00}";
    }

    /// <summary>A Keras-style text bar of <paramref name="width"/> characters: "=" for done, "&gt;" at the front, "." for the rest.</summary>
    public static string Bar(int done, int total, int width)
    {
        var filled = total <= 0 ? width : (int)((long)Math.Clamp(done, 0, total) * width / total);
        if (filled >= width)
            return new string('=', width);
        return new string('=', Math.Max(0, filled - 1)) + (filled > 0 ? ">" : "") + new string('.', width - filled);
    }
}
