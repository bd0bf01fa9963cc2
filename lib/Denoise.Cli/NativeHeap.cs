using System.Runtime.InteropServices;

namespace Denoise.Cli;

/// <summary>
/// How this process's C heap treats large blocks. glibc serves blocks under a threshold that grows with use (up to 32 MB)
/// from its heaps, and keeps them once freed: working through a large image in pieces of a few megabytes then grew the
/// resident memory by the size of every piece (measured: `metrics` on two 8192 x 8192 images reached 2.9 GB, 1.2 GB with
/// this). A fixed threshold makes every larger block its own mapping, returned to the system when libtorch frees it.
/// </summary>
internal static class NativeHeap
{
    /// <summary>Blocks of at least this many bytes are mapped on their own (glibc's M_MMAP_THRESHOLD).</summary>
    public const int LargeBlock = 1 << 20;

    /// <summary>
    /// Sets the fixed threshold, for commands that work through large images piece by piece; elsewhere (training) the
    /// default stays. Does nothing where the C library is not glibc.
    /// </summary>
    public static void ReturnLargeBlocks()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            const int MmapThreshold = -3;
            MallocOption(MmapThreshold, LargeBlock);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another C library (musl has no such option): its own policy stays.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallocOption(int parameter, int value);
}
