using System.Diagnostics;

namespace Denoise.Tests.IO;

/// <summary>FIFOs for tests, and a guard that turns a read that would wait for a writer forever into a failed test.</summary>
internal static class SpecialFiles
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Makes a named pipe with mkfifo(1) and returns its path.</summary>
    public static string MakeFifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>
    /// Asserts that <paramref name="read"/> throws <typeparamref name="T"/> promptly. A read still blocked on
    /// <paramref name="fifo"/> after 10 s is released by opening the FIFO for writing, and the test fails.
    /// </summary>
    public static T ThrowsPromptly<T>(Action read, string fifo) where T : Exception
    {
        var task = Task.Run(read);
        if (Task.WhenAny(task, Task.Delay(Patience)).Result != task)
        {
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { }
            Assert.Fail($"reading {fifo} still waited for a writer after {Patience.TotalSeconds} s");
        }
        return Assert.Throws<T>(() => task.GetAwaiter().GetResult());
    }
}
