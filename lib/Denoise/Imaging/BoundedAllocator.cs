using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp.Memory;

namespace Denoise.Imaging;

/// <summary>
/// ImageSharp's memory for one image: native blocks, at most <see cref="Limit"/> bytes of them alive at once. A decoder
/// that would hold more (whatever a file's structures announce: chunk lengths, strip sizes, frames) fails instead of
/// taking the machine's memory. Each block is freed when ImageSharp disposes it, so the 256 MB of a large image do not
/// linger as garbage (managed arrays would) or in a pool (ImageSharp's default allocator keeps them); and a block may
/// have any length, where the default pool cannot give one row of a very wide image. (No finalizer: a span may still
/// point into a block whose manager is unreachable, CA2015; ImageSharp disposes every buffer with its image.)
/// </summary>
internal sealed class BoundedAllocator(long limit) : MemoryAllocator
{
    private long live;

    /// <summary>How the exception this allocator throws begins, so that callers can tell it from ImageSharp's own.</summary>
    public const string Message = "image memory limit";

    /// <summary>The most bytes alive at once.</summary>
    public long Limit { get; } = limit;

    /// <summary>The most bytes that were alive at once so far (for tests and measurements).</summary>
    public long Peak { get; private set; }

    protected override int GetBufferCapacityInBytes() => int.MaxValue;

    public override IMemoryOwner<T> Allocate<T>(int length, AllocationOptions options = AllocationOptions.None)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var bytes = (long)length * Unsafe.SizeOf<T>();
        var now = Interlocked.Add(ref live, bytes);
        if (now > Limit)
        {
            Interlocked.Add(ref live, -bytes);
            throw new InvalidMemoryOperationException(
                $"{Message}: {now - bytes:N0} bytes held and {bytes:N0} more asked for, over the limit of {Limit:N0}");
        }
        Peak = Math.Max(Peak, now);
        return new NativeBlock<T>(this, length, bytes, options.HasFlag(AllocationOptions.Clean));
    }

    private sealed unsafe class NativeBlock<T> : MemoryManager<T>
    {
        private readonly BoundedAllocator owner;
        private readonly int length;
        private readonly long bytes;
        private void* pointer;

        public NativeBlock(BoundedAllocator owner, int length, long bytes, bool clean)
        {
            (this.owner, this.length, this.bytes) = (owner, length, bytes);
            // At least one byte: a zero-length block still needs an address to pin.
            var size = (nuint)Math.Max(1, bytes);
            pointer = clean ? NativeMemory.AllocZeroed(size) : NativeMemory.Alloc(size);
        }

        public override Span<T> GetSpan() =>
            pointer is null ? throw new ObjectDisposedException(nameof(NativeBlock<T>)) : new Span<T>(pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) =>
            new((byte*)pointer + (long)elementIndex * Unsafe.SizeOf<T>());

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
            var block = pointer;
            if (block is null)
                return;
            pointer = null;
            NativeMemory.Free(block);
            Interlocked.Add(ref owner.live, -bytes);
        }
    }
}
