using Denoise.Training;

namespace Denoise.Tests.Training;

/// <summary>The arithmetic of <see cref="TimeBudget"/>, on a clock the test moves: the same result on every machine.</summary>
public sealed class TimeBudgetTests
{
    private readonly ManualClock clock = new();

    [Fact]
    public void The_start_plans_the_epochs_that_fit_after_the_timing_itself()
    {
        var budget = new TimeBudget(TimeSpan.FromMinutes(1), clock);

        // A training batch takes 0.5 s, a validation batch 2 s; an epoch is 10 of the one and 3 of the other: 11 s.
        var epochs = budget.Start(() => clock.Advance(0.5), batches: 10, () => clock.Advance(2), validationBatches: 3);

        // Timing ran 2 + 3 × 4 training batches (7 s) and 2 + 3 × 1 validations (10 s): 43 s are left, 97 % of them
        // is 41.71 s, which holds 3 epochs of 11 s.
        Assert.Equal(TimeSpan.FromSeconds(17), budget.Spent);
        Assert.Equal(3, epochs);
        Assert.Equal(3, budget.Epochs);
        Assert.Equal("time budget 1 min: 3 epochs of about 11 s each, as timed at the start", budget.Plan);
    }

    [Fact]
    public void The_first_epoch_corrects_the_plan_by_its_measured_time_and_later_ones_keep_it()
    {
        var budget = new TimeBudget(TimeSpan.FromMinutes(1), clock);
        budget.Start(() => clock.Advance(0.5), batches: 10, () => clock.Advance(2), validationBatches: 3);

        clock.Advance(13);   // the first epoch took 13 s, not 11: at 30 s, 97 % of the 30 s left hold 2 more
        Assert.Equal(3, budget.AfterEpoch(1, epochSeconds: 13));
        clock.Advance(5);
        Assert.Equal(3, budget.AfterEpoch(2, epochSeconds: 5));

        Assert.Equal("time budget 1 min: 3 epochs of about 11 s each, as timed at the start; after epoch 1 (13 s): 3 epochs", budget.Plan);
    }

    [Fact]
    public void A_slow_first_epoch_shortens_the_run_to_itself_and_a_fast_one_lengthens_it()
    {
        var slow = new TimeBudget(TimeSpan.FromSeconds(100), clock);
        slow.Start(() => { }, batches: 10, () => { }, validationBatches: 1);
        clock.Advance(90);
        Assert.Equal(1, slow.AfterEpoch(1, epochSeconds: 90));   // 9.7 s left: no room for another epoch of 90 s

        var fast = new TimeBudget(TimeSpan.FromSeconds(100), clock);
        fast.Start(() => clock.Advance(1), batches: 10, () => { }, validationBatches: 1);   // 14 s timing, epochs of 10 s: 8
        Assert.Equal(8, fast.Epochs);
        clock.Advance(2);
        Assert.Equal(1 + 40, fast.AfterEpoch(1, epochSeconds: 2));   // at 16 s, 97 % of 84 s hold 40 epochs of 2 s
    }

    [Fact]
    public void A_budget_spent_by_the_timing_still_trains_one_epoch()
    {
        var budget = new TimeBudget(TimeSpan.FromSeconds(1), clock);

        Assert.Equal(1, budget.Start(() => clock.Advance(1), batches: 4, () => clock.Advance(1), validationBatches: 1));
        Assert.Equal(1, budget.AfterEpoch(1, epochSeconds: 4));
    }

    [Fact]
    public void Steps_too_fast_for_the_clock_plan_at_most_the_cap()
    {
        var budget = new TimeBudget(TimeSpan.FromMinutes(1), clock);

        Assert.Equal(TimeBudget.MostEpochs, budget.Start(() => { }, batches: 4, () => { }, validationBatches: 1));
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

        Assert.Throws<InvalidOperationException>(() => budget.AfterEpoch(1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeBudget(TimeSpan.Zero, clock));
    }
}
