using System.Globalization;
using Denoise.Metrics;

namespace Denoise.Training;

/// <summary>
/// Turns a time budget (<see cref="TrainingOptions.Minutes"/>) into a number of epochs, by the clock it is given: a plan
/// at the start from the timed cost of a few steps, then a correction from the epochs' measured times. It does
/// arithmetic on what its clock says and nothing else, so a test drives it with a clock of its own;
/// <see cref="Trainer"/> gives it the system's.
/// </summary>
public sealed class TimeBudget
{
    /// <summary>The share of the remaining time that a plan fills: 3 % is kept for the machine's swings.</summary>
    public const double Margin = 0.97;

    /// <summary>The most epochs a plan holds: a probe too fast for the clock to see would otherwise plan without end.</summary>
    public const int MostEpochs = 10_000;

    private readonly TimeProvider clock;
    private readonly long started;

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

    /// <summary>How the budget became <see cref="Epochs"/>, for logs: the start's estimate and any correction.</summary>
    public string Plan { get; private set; } = "";

    /// <summary>
    /// The first plan, before any epoch: one training batch (<paramref name="trainBatch"/>) and one validation batch
    /// (<paramref name="validationBatch"/>) are timed, an epoch costs <paramref name="batches"/> and
    /// <paramref name="validationBatches"/> of them, and as many epochs are planned as fit in what is left of the
    /// budget once the timing itself is paid for (at least one).
    /// </summary>
    public int Start(Action trainBatch, long batches, Action validationBatch, long validationBatches)
    {
        var epochSeconds = batches * SecondsPer(trainBatch, times: 4) + validationBatches * SecondsPer(validationBatch, times: 1);
        Epochs = Math.Max(1, EpochsIn(Budget - Spent, epochSeconds));
        Plan = string.Create(CultureInfo.InvariantCulture,
            $"time budget {Budget.TotalMinutes:0.##} min: {Describe(Epochs)} of about {epochSeconds:0} s each, as timed at the start");
        return Epochs;
    }

    /// <summary>
    /// The plan once epoch <paramref name="completed"/> has taken <paramref name="epochSeconds"/>: after the first
    /// epoch, the epochs done plus as many of its measured length as fit in what is left (a few timed steps can
    /// misjudge a whole epoch, for other work in the process or a busy moment of the machine; an epoch cannot). Later
    /// epochs keep the plan: a run whose schedule follows its length moves its learning rate at every correction.
    /// </summary>
    public int AfterEpoch(int completed, double epochSeconds)
    {
        if (Epochs == 0)
            throw new InvalidOperationException("the budget has no plan yet to correct: call Start first");
        if (completed != 1)
            return Epochs;
        Epochs = completed + Math.Max(0, EpochsIn(Budget - Spent, epochSeconds));
        Plan += string.Create(CultureInfo.InvariantCulture, $"; after epoch {completed} ({epochSeconds:0} s): {Describe(Epochs)}");
        return Epochs;
    }

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

    /// <summary>Whole epochs of <paramref name="epochSeconds"/> in the margin's share of <paramref name="left"/>, at most <see cref="MostEpochs"/>.</summary>
    private static int EpochsIn(TimeSpan left, double epochSeconds)
    {
        var seconds = left.TotalSeconds * Margin;
        if (seconds <= 0)
            return 0;
        return epochSeconds <= 0 || seconds / epochSeconds >= MostEpochs ? MostEpochs : (int)(seconds / epochSeconds);
    }

    private static string Describe(int epochs) => epochs == 1 ? "1 epoch" : $"{epochs} epochs";
}
