namespace Denoise.Training;

/// <summary>
/// Reports progress by calling <paramref name="report"/> on the reporting thread, in order (<see cref="Progress{T}"/>
/// would post every report to the thread pool, out of order and after training has moved on).
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
