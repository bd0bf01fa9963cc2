using TorchSharp;

namespace Denoise.Tensors;

/// <summary>
/// Scalars for libtorch that live as long as the process. TorchSharp 0.107 hands a <see cref="Scalar"/> to libtorch as
/// a bare pointer and frees it in its finalizer, so a scalar made for one call (<c>t.clamp(0, 1)</c>, <c>2 * t</c>, and
/// inside TorchSharp <c>a + b</c> and <c>a.add_(b)</c>, which pass an alpha of 1) can be freed by the finalizer thread
/// while libtorch still reads it, whenever another thread sets off a garbage collection meanwhile. That stopped a full
/// report run's training ("Expected false to be true" from c10's Scalar::toLong) and, with a thread that collects
/// garbage in a loop (bench/GcStress), stopped a training run within seconds. lib/ therefore holds every scalar it
/// hands libtorch: one of these, a static one beside the code that uses it, or a <c>using</c> local; and it calls
/// TorchSharp's overloads that take the scalar (<c>a.add(b, One)</c>, not <c>a + b</c>).
/// tests/Denoise.Tests/ScalarLifetimeTests reads lib/ and TorchSharp's IL to keep it so.
/// </summary>
public static class Scalars
{
    public static readonly Scalar Zero = 0.0.ToScalar();
    public static readonly Scalar One = 1.0.ToScalar();
    public static readonly Scalar Two = 2.0.ToScalar();

    /// <summary>255, the largest 8-bit pixel value.</summary>
    public static readonly Scalar ByteMax = 255.0.ToScalar();
}
