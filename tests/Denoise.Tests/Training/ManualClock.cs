namespace Denoise.Tests.Training;

/// <summary>A clock that moves only when a test moves it: time budgets, epoch times and timings without the machine's speed.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long ticks;

    /// <summary>How many times the time was read.</summary>
    public int Reads { get; private set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        Reads++;
        return ticks;
    }

    public void Advance(TimeSpan by) => ticks += by.Ticks;

    public void Advance(double seconds) => Advance(TimeSpan.FromSeconds(seconds));
}
