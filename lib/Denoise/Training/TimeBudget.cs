using System.Globalization;
using Denoise.Metrics;

namespace Denoise.Training;

/// <summary>
/// Turns a time budget (<see cref="TrainingOptions.Minutes"/>) into a number of epochs, by the clock it is given: a plan
/// at the start from the timed cost of a few steps, then after every epoch a new plan from the epochs' measured times,
/// so that the run ends as near the budget as whole epochs allow, on a fast machine or a slow one. It does arithmetic
/// on what its clock says and nothing else, so a test drives it with a clock of its own; <see cref="Trainer"/> gives it
/// the system's.
/// </summary>
public sealed class TimeBudget
{
    /// <summary>
    /// A plan is kept while the end it predicts lies within half an epoch of the budget's end, that is while no other
    /// number of epochs ends nearer: re-planning for a few seconds' swing would move a cosine schedule's learning rate
    /// to and fro for nothing.
    /// </summary>
    public const double Tolerance = 0.5;

    /// <summary>The epochs whose median gives an epoch's length: the latest ones, as the machine is now.</summary>
    public const int EpochsTimed = 3;

    /// <summary>
    /// The most epochs a plan holds, what a run may have (<see cref="TrainingOptions.MaxEpochs"/>): a probe too fast for
    /// the clock to see would otherwise plan without end, and a week's budget over a tiny epoch past what resumes.
    /// </summary>
    public const int MostEpochs = TrainingOptions.MaxEpochs;

    private readonly TimeProvider clock;
    private readonly long started;
    private readonly List<double> epochSeconds = [];
    private TimeSpan lastEpochEnd;

    /// <summary>A budget of <paramref name="budget"/> that starts now, by <paramref name="clock"/>.</summary>
    public TimeBudget(TimeSpan budget, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(clock);
        Budget = budget;
        this.clock = clock;
        started = clock.GetTimestamp();
    }

    public TimeSpan Budget { get; }

    /// <summary>The time since the budget started (the probe's own time included).</summary>
    public TimeSpan Spent => clock.GetElapsedTime(started);

    /// <summary>The epochs the run is planned to take; 0 until <see cref="Start"/>.</summary>
    public int Epochs { get; private set; }

    /// <summary>How the budget became <see cref="Epochs"/>, for logs: the start's estimate and every change since.</summary>
    public string Plan { get; private set; } = "";

    /// <summary>
    /// The first plan, before any epoch: one training batch (<paramref name="trainBatch"/>) and one validation batch
    /// (<paramref name="validationBatch"/>) are timed, an epoch costs <paramref name="batches"/> and
    /// <paramref name="validationBatches"/> of them, and as many epochs are planned as end nearest the budget once the
    /// timing itself is paid for (at least one).
    /// </summary>
    public int Start(Action trainBatch, long batches, Action validationBatch, long validationBatches)
    {
        var epochSeconds = batches * SecondsPer(trainBatch, times: 4) + validationBatches * SecondsPer(validationBatch, times: 1);
        lastEpochEnd = Spent;
        Epochs = Math.Max(1, EpochsIn(Budget - lastEpochEnd, epochSeconds));
        Plan = string.Create(CultureInfo.InvariantCulture,
            $"time budget {Budget.TotalMinutes:0.##} min: {Describe(Epochs)} of about {epochSeconds:0} s each, as timed at the start");
        return Epochs;
    }

    /// <summary>
    /// The plan once epoch <paramref name="completed"/> has ended, now. An epoch's length is the time between the ends of
    /// two epochs by the budget's clock (validation, checkpoints and progress displays included; the first epoch's from
    /// the end of <see cref="Start"/>): the median of the latest <see cref="EpochsTimed"/>, the first left out once later
    /// ones are timed (it pays for warming up). The plan stands while the end it predicts lies within
    /// <see cref="Tolerance"/> of an epoch of the budget's end; else it becomes the epochs done plus as many as end
    /// nearest the budget's end (none, once it is reached).
    /// </summary>
    public int AfterEpoch(int completed)
    {
        if (Epochs == 0)
            throw new InvalidOperationException("the budget has no plan yet to correct: call Start first");
        var now = Spent;
        epochSeconds.Add((now - lastEpochEnd).TotalSeconds);
        lastEpochEnd = now;
        var typical = Statistics.Median([.. epochSeconds.Skip(epochSeconds.Count > 1 ? 1 : 0).TakeLast(EpochsTimed)]);
        var left = (Budget - now).TotalSeconds;
        if (Math.Abs(left - (Epochs - completed) * typical) <= Tolerance * typical)
            return Epochs;
        Epochs = Math.Min(MostEpochs, completed + Math.Max(0, EpochsIn(Budget - now, typical)));
        Plan += string.Create(CultureInfo.InvariantCulture, $"; after epoch {completed} ({typical:0} s each): {Describe(Epochs)}");
        return Epochs;
    }

    /// <summary>Adds to <see cref="Plan"/> the time the run took by the budget's clock, once its last epoch has ended.</summary>
    public void Finish() =>
        Plan += string.Create(CultureInfo.InvariantCulture, $"; ended after {Spent.TotalSeconds:0} s of {Budget.TotalSeconds:0} s");

    /// <summary>
    /// The seconds one call of <paramref name="run"/> takes: two untimed calls first (new worker threads, Adam's state,
    /// libtorch's kernel caches), then the median of three timed rounds of <paramref name="times"/> calls, so that one
    /// slow moment of a shared machine does not shorten the whole run.
    /// </summary>
    public double SecondsPer(Action run, int times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        run();
        run();
        var rounds = new double[3];
        for (var round = 0; round < rounds.Length; round++)
        {
            var start = clock.GetTimestamp();
            for (var i = 0; i < times; i++)
                run();
            rounds[round] = clock.GetElapsedTime(start).TotalSeconds / times;
        }

        return Statistics.Median(rounds);
    }

    /// <summary>
    /// The whole epochs of <paramref name="epochSeconds"/> whose end lies nearest the end of <paramref name="left"/>
    /// (half an epoch or more left over makes one more), at most <see cref="MostEpochs"/>.
    /// </summary>
    private static int EpochsIn(TimeSpan left, double epochSeconds)
    {
        var seconds = left.TotalSeconds;
        if (seconds <= 0)
            return 0;
        return epochSeconds <= 0 || seconds / epochSeconds >= MostEpochs
            ? MostEpochs
            : (int)Math.Round(seconds / epochSeconds, MidpointRounding.AwayFromZero);
    }

    private static string Describe(int epochs) => epochs == 1 ? "1 epoch" : $"{epochs} epochs";
}
