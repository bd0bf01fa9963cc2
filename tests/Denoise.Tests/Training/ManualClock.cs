namespace Denoise.Tests.Training;

/// <summary>A clock that moves only when a test moves it: timings become what the test says they are.</summary>
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
}
