using Denoise.Interactive;
using Denoise.Training;

namespace Denoise.Tests.Interactive;

public sealed class TrainingDisplayTests
{
    internal static TrainingProgress Batch(int epoch, int epochs, int batch, int batches, double seconds, double loss = 0.5) =>
        new(epoch, epochs, batch, batches) { Elapsed = TimeSpan.FromSeconds(seconds), RunningLoss = loss };

    internal static TrainingProgress EpochEnd(int epoch, int epochs, int batches, double seconds, double loss, double valLoss) =>
        new(epoch, epochs, batches, batches, new EpochRecord(epoch, loss, valLoss, seconds))
        {
            Elapsed = TimeSpan.FromSeconds(seconds),
            RunningLoss = loss,
        };

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(-3, "0:00")]
    [InlineData(59.4, "0:59")]
    [InlineData(59.6, "1:00")]
    [InlineData(3599, "59:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(3725, "1:02:05")]
    public void Durations_read_as_minutes_and_seconds_and_hours_from_an_hour_on(double seconds, string expected) =>
        Assert.Equal(expected, TrainingStatus.Clock(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0, 8, "..........")]
    [InlineData(1, 8, ">.........")]
    [InlineData(4, 8, "====>.....")]
    [InlineData(7, 8, "=======>..")]
    [InlineData(8, 8, "==========")]
    public void The_bar_fills_in_proportion_with_an_arrow_at_its_front(int done, int total, string expected) =>
        Assert.Equal(expected, TrainingStatus.Bar(done, total, 10));

    [Fact]
    public void Time_left_in_the_first_epoch_is_every_remaining_batch_at_the_pace_so_far()
    {
        // 2 of 10 batches in 4 s: 2 s a batch, so 8 more here and 10 in each of the 2 later epochs.
        var status = TrainingStatus.Start("x").After(Batch(1, 3, 2, 10, seconds: 4));

        Assert.Equal(TimeSpan.FromSeconds(4), status.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(16 + 2 * 20), status.Remaining);
    }

    [Fact]
    public void Later_epochs_count_the_validation_and_the_mean_length_of_the_finished_ones()
    {
        // Epoch 1: 10 batches in 20 s, then 5 s of validation. Epoch 2 is half done after 10 s (2 s a batch).
        var status = TrainingStatus.Start("x")
            .After(Batch(1, 3, 10, 10, seconds: 20))
            .After(EpochEnd(1, 3, 10, seconds: 25, loss: 0.3, valLoss: 0.31))
            .After(Batch(2, 3, 5, 10, seconds: 10));

        Assert.Equal(TimeSpan.FromSeconds(25 + 10), status.Elapsed);
        // This epoch: 5 batches of 2 s and 5 s of validation; then one epoch of 25 s.
        Assert.Equal(TimeSpan.FromSeconds(5 * 2 + 5 + 25), status.Remaining);
        Assert.Equal("epoch 2/3 [==============>...............] 5/10 · loss 0.5000 · 0:35 elapsed · 0:40 left", status.ProgressLine());
    }

    [Fact]
    public void The_finished_display_keeps_every_line_the_epoch_log_writes_and_ends_with_done()
    {
        var reports = new[]
        {
            Batch(1, 2, 1, 2, 1.0, 0.7), Batch(1, 2, 2, 2, 2.0, 0.6), EpochEnd(1, 2, 2, 2.5, 0.6, 0.55),
            Batch(2, 2, 1, 2, 1.0, 0.5), Batch(2, 2, 2, 2, 2.0, 0.45), EpochEnd(2, 2, 2, 2.4, 0.45, 0.44),
        };
        var log = new StringWriter { NewLine = "\n" };
        var epochLog = new EpochLog(log);
        var status = TrainingStatus.Start("x");
        foreach (var report in reports)
        {
            epochLog.Report(report);
            status = status.After(report);
        }

        Assert.True(status.IsDone);
        Assert.Equal(log + "epoch 2/2 [==============================] 2/2 · loss 0.4500 · 0:05 elapsed · done", status.ToString());
    }

    [Fact]
    public void The_html_marks_every_state_with_the_display_id_and_shows_the_bar_as_a_progress_element()
    {
        var start = TrainingStatus.Start("id-1");
        var running = start.After(Batch(1, 2, 3, 8, seconds: 1.2, loss: 0.25));

        Assert.Equal("<div data-live-display=\"id-1\" style=\"font-family:monospace;white-space:pre;line-height:1.5\"><div>waiting for the first batch</div></div>", start.ToHtml());
        var html = running.ToHtml();
        Assert.StartsWith("<div data-live-display=\"id-1\" ", html);
        Assert.Contains("epoch 1/2 <progress max=\"8\" value=\"3\" style=\"width:12em;vertical-align:middle\"></progress> 3/8 &#183; loss 0.2500 &#183; 0:01 elapsed &#183; 0:05 left", html);
    }

    [Fact]
    public void Batches_show_at_most_once_per_interval_and_every_epoch_end_shows()
    {
        var shown = new List<TrainingStatus>();
        var display = new TrainingDisplay(shown.Add, TimeSpan.FromSeconds(1));

        // Batches every 0.4 s of training time.
        foreach (var batch in Enumerable.Range(1, 6))
            display.Report(Batch(1, 2, batch, 6, seconds: 0.4 * batch));
        display.Report(EpochEnd(1, 2, 6, seconds: 2.5, loss: 0.4, valLoss: 0.4));
        display.Report(Batch(2, 2, 1, 6, seconds: 0.4));

        // The empty state, batches 3 (1.2 s) and 6 (2.4 s, one interval after 1.2 s), the epoch end; not batch 1 of
        // epoch 2 (at 2.9 s of training time, 0.4 s after the last state shown).
        Assert.Equal([null, 3, 6, 6], shown.Select(s => s.Latest?.Batch));
        Assert.NotNull(shown[^1].Latest!.Completed);
        Assert.All(shown, s => Assert.Equal(shown[0].DisplayId, s.DisplayId));
        Assert.Equal(1, display.Status.Latest!.Batch);
        Assert.Equal(2, display.Status.Latest.Epoch);
    }

    [Fact]
    public void Show_outside_a_notebook_says_what_to_use_instead()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TrainingDisplay.Show());

        Assert.Contains("EpochLog", error.Message);
    }
}
