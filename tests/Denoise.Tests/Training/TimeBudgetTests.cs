using Denoise.Training;

namespace Denoise.Tests.Training;

/// <summary>The arithmetic of <see cref="TimeBudget"/>, on a clock the test moves: the same result on every machine.</summary>
public sealed class TimeBudgetTests
{
    private readonly ManualClock clock = new();

    /// <summary>A budget of <paramref name="seconds"/> whose start timed epochs of <paramref name="epochSeconds"/> and cost nothing.</summary>
    private TimeBudget Started(double seconds, double epochSeconds)
    {
        var budget = new TimeBudget(TimeSpan.FromSeconds(seconds), clock);
        budget.Start(() => { }, batches: 1, () => { }, validationBatches: 0);
        // A probe too fast for the clock plans the most epochs; the first epoch's time corrects that.
        Assert.Equal(TimeBudget.MostEpochs, budget.Epochs);
        return budget;
    }

    /// <summary>Runs epochs of the given lengths, each followed by the budget's new plan, until the plan is done.</summary>
    private static List<int> Run(TimeBudget budget, ManualClock clock, Func<int, double> epochSeconds)
    {
        var plans = new List<int>();
        for (var epoch = 1; epoch <= budget.Epochs; epoch++)
        {
            clock.Advance(epochSeconds(epoch));
            plans.Add(budget.AfterEpoch(epoch));
        }
        return plans;
    }

    [Fact]
    public void The_start_plans_the_epochs_that_end_nearest_the_budget_after_the_timing_itself()
    {
        var budget = new TimeBudget(TimeSpan.FromMinutes(1), clock);

        // A training batch takes 0.5 s, a validation batch 2 s; an epoch is 10 of the one and 3 of the other: 11 s.
        var epochs = budget.Start(() => clock.Advance(0.5), batches: 10, () => clock.Advance(2), validationBatches: 3);

        // Timing ran 2 + 3 × 4 training batches (7 s) and 2 + 3 × 1 validations (10 s): 43 s are left, 3.9 epochs of
        // 11 s; 4 end 1 s after the budget, 3 would end 10 s before it.
        Assert.Equal(TimeSpan.FromSeconds(17), budget.Spent);
        Assert.Equal(4, epochs);
        Assert.Equal(4, budget.Epochs);
        Assert.Equal("time budget 1 min: 4 epochs of about 11 s each, as timed at the start", budget.Plan);
    }

    [Fact]
    public void Every_epoch_plans_again_from_the_epochs_measured_times_and_the_run_ends_within_half_an_epoch_of_the_budget()
    {
        var budget = Started(seconds: 600, epochSeconds: 0);

        // The first epoch pays for warming up (30 s), the rest take 20 s: after it, 570 s left hold 19 epochs of 30 s;
        // after the second, the median leaves out the first: 550 s hold 27.5 of 20 s -> 2 + 28 = 30 (nearest, rounding up).
        var plans = Run(budget, clock, epoch => epoch == 1 ? 30 : 20);

        Assert.Equal(30, plans.Count);
        Assert.Equal([20, 30], plans.Take(2));
        Assert.All(plans.Skip(1), plan => Assert.Equal(30, plan));
        Assert.InRange(budget.Spent.TotalSeconds, 600 - 10, 600 + 10);   // 610 s: within half an epoch of 20 s
        budget.Finish();
        Assert.Equal("time budget 10 min: 10000 epochs of about 0 s each, as timed at the start; after epoch 1 (30 s each): 20 epochs; after epoch 2 (20 s each): 30 epochs; ended after 610 s of 600 s", budget.Plan);
    }

    [Theory]
    [InlineData(2, 7)]     // a 2-minute budget, epochs of 7 s: 6 % of it each
    [InlineData(15, 41)]   // the 15-minute U-Net run that used only 11.2 minutes with one correction
    [InlineData(15, 20)]
    [InlineData(60, 90)]
    public void On_any_machine_the_run_ends_within_5_percent_of_the_budget(double minutes, double epochSeconds)
    {
        // A slow first epoch (one and a half times the rest) and a machine whose epochs swing by ±10 % from one to
        // the next, as a shared one does.
        var budget = Started(minutes * 60, epochSeconds: 0);

        Run(budget, clock, epoch => epoch == 1 ? 1.5 * epochSeconds : epochSeconds * (epoch % 3 == 0 ? 1.1 : epoch % 3 == 1 ? 0.9 : 1.0));

        Assert.InRange(budget.Spent.TotalMinutes, 0.95 * minutes, 1.05 * minutes);
    }

    [Fact]
    public void A_machine_that_slows_down_midway_shortens_the_plan_and_one_that_speeds_up_lengthens_it()
    {
        var slowing = Started(seconds: 300, epochSeconds: 0);
        var plans = Run(slowing, clock, epoch => epoch <= 5 ? 10 : 20);

        Assert.True(plans[4] > plans[^1], $"plans {string.Join(", ", plans)}");
        Assert.InRange(slowing.Spent.TotalSeconds, 300 - 10, 300 + 10);

        var speeding = new TimeBudget(TimeSpan.FromSeconds(300), clock);
        speeding.Start(() => { }, 1, () => { }, 0);
        plans = Run(speeding, clock, epoch => epoch <= 5 ? 20 : 10);

        Assert.True(plans[4] < plans[^1], $"plans {string.Join(", ", plans)}");
        Assert.InRange(speeding.Spent.TotalSeconds, 300 - 5, 300 + 5);
    }

    [Fact]
    public void A_plan_whose_end_is_within_the_tolerance_stands()
    {
        var budget = Started(seconds: 100, epochSeconds: 0);

        clock.Advance(10);
        Assert.Equal(10, budget.AfterEpoch(1));   // 90 s left: 9 more of 10 s
        clock.Advance(10.5);
        Assert.Equal(10, budget.AfterEpoch(2));   // 79.5 s left, 8 more of 10.5 s end 4.5 s late: within half an epoch
        clock.Advance(13);
        // The median of 10.5 and 13 s is 11.75 s: 66.5 s left, 7 more end 15.75 s late, more than half an epoch;
        // 5.66 of 11.75 s fit, so 3 + 6 (nearest).
        Assert.Equal(9, budget.AfterEpoch(3));
    }

    [Fact]
    public void A_slow_first_epoch_ends_a_short_run_and_the_budget_spent_by_the_timing_still_trains_one_epoch()
    {
        var slow = Started(seconds: 100, epochSeconds: 0);
        clock.Advance(90);
        Assert.Equal(1, slow.AfterEpoch(1));   // 10 s left: a ninth of another epoch of 90 s

        var spent = new TimeBudget(TimeSpan.FromSeconds(1), clock);
        Assert.Equal(1, spent.Start(() => clock.Advance(1), batches: 4, () => clock.Advance(1), validationBatches: 1));
        clock.Advance(4);
        Assert.Equal(1, spent.AfterEpoch(1));
    }

    [Fact]
    public void Steps_too_fast_for_the_clock_plan_at_most_the_cap()
    {
        var budget = new TimeBudget(TimeSpan.FromMinutes(1), clock);

        Assert.Equal(TimeBudget.MostEpochs, budget.Start(() => { }, batches: 4, () => { }, validationBatches: 1));
        Assert.Equal(TimeBudget.MostEpochs, budget.AfterEpoch(1));   // an epoch the clock does not see either
    }

    [Fact]
    public void Timing_takes_the_median_round_so_one_slow_moment_does_not_count()
    {
        var budget = new TimeBudget(TimeSpan.FromMinutes(1), clock);
        var calls = 0;

        // Two untimed calls, then rounds of 4 calls; the second round holds one call of 10 s instead of 1 s.
        var seconds = budget.SecondsPer(() => clock.Advance(++calls == 7 ? 10 : 1), times: 4);

        Assert.Equal(14, calls);
        Assert.Equal(1.0, seconds);
    }

    [Fact]
    public void A_correction_before_a_plan_is_a_mistake_of_the_caller()
    {
        var budget = new TimeBudget(TimeSpan.FromMinutes(1), clock);

        Assert.Throws<InvalidOperationException>(() => budget.AfterEpoch(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeBudget(TimeSpan.Zero, clock));
    }
}
