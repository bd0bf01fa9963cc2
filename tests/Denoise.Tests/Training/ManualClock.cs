namespace Denoise.Tests.Training;

/// <summary>A clock that moves only when a test moves it: time budgets and epoch times without the machine's speed.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => ticks;

    public void Advance(TimeSpan by) => ticks += by.Ticks;

    public void Advance(double seconds) => Advance(TimeSpan.FromSeconds(seconds));
}
