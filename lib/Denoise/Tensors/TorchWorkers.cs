using System.Runtime.ExceptionServices;
using TorchSharp;

namespace Denoise.Tensors;

/// <summary>
/// Dedicated threads that each run torch with one intra-op thread, for data parallelism over the cores:
/// on chunk-sized tensors, libtorch's 2-thread OpenMP parallelism spends much of its time at barriers,
/// while two chunks on two single-threaded workers keep both cores busy.
/// </summary>
/// <remarks>
/// libtorch keeps the intra-op thread count per thread (OpenMP's nthreads ICV) plus one process-wide default
/// that new threads adopt at their first torch call. Each worker sets its own count to 1 once; the constructor then restores the
/// process-wide default to the caller's count while the workers are idle, so the caller's thread, and threads
/// started later, keep their settings.
/// </remarks>
internal sealed class TorchWorkers : IDisposable
{
    private readonly Thread[] threads;
    private readonly SemaphoreSlim[] start;
    private readonly CountdownEvent done;
    private Action<int>? work;
    private readonly ExceptionDispatchInfo?[] errors;
    private volatile bool stopping;

    public TorchWorkers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var callerThreads = torch.get_num_threads();
        start = Enumerable.Range(0, count).Select(_ => new SemaphoreSlim(0)).ToArray();
        errors = new ExceptionDispatchInfo?[count];
        done = new CountdownEvent(count);
        threads = Enumerable.Range(0, count).Select(i => new Thread(() => Loop(i))
        {
            IsBackground = true,
            Name = $"torch worker {i}",
        }).ToArray();
        foreach (var t in threads)
            t.Start();
        done.Wait();
        torch.set_num_threads(callerThreads);
    }

    public int Count => threads.Length;

    /// <summary>Runs <paramref name="action"/>(i) on worker i for every worker at once and waits for all.</summary>
    public void Run(Action<int> action)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        work = action;
        done.Reset();
        foreach (var s in start)
            s.Release();
        done.Wait();
        work = null;
        var failed = errors.FirstOrDefault(e => e is not null);
        Array.Clear(errors);
        failed?.Throw();
    }

    private void Loop(int index)
    {
        // A thread adopts the process-wide default lazily at its first get/parallel call, which would undo an
        // earlier set_num_threads(1): read the count first, so that the lazy initialisation has happened.
        _ = torch.get_num_threads();
        torch.set_num_threads(1);
        done.Signal();
        while (true)
        {
            start[index].Wait();
            if (stopping)
                return;
            try
            {
                work!(index);
            }
            catch (Exception e)
            {
                errors[index] = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                done.Signal();
            }
        }
    }

    public void Dispose()
    {
        if (stopping)
            return;
        stopping = true;
        foreach (var s in start)
            s.Release();
        foreach (var t in threads)
            t.Join();
        foreach (var s in start)
            s.Dispose();
        done.Dispose();
    }
}
