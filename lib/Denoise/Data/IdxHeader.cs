namespace Denoise.Data;

/// <summary>The header of an IDX file: element type and shape (first dimension = number of items).</summary>
/// <param name="Name">The file name, used in every message about the file.</param>
public sealed record IdxHeader(string Name, IdxElementType ElementType, IReadOnlyList<int> Shape)
{
    /// <summary>Magic number (4 bytes) plus one big-endian int32 per dimension.</summary>
    public int Length => 4 + 4 * Shape.Count;

    /// <summary>Number of data bytes the header announces (one byte per element).</summary>
    public long DataLength => Shape.Aggregate(1L, (product, d) => product * d);

    /// <summary>Number of items: images in an images file, labels in a labels file.</summary>
    public int Count => Shape[0];

    /// <summary>"images" for rank 3, "labels" for rank 1, "tensor" otherwise.</summary>
    public string Kind => KindOf(Shape.Count);

    /// <summary>The shape as it is usually written, e.g. "60000x28x28".</summary>
    public string ShapeText => string.Join("x", Shape);

    /// <summary>The magic number of an unsigned-byte IDX file of the given rank (2049 for labels, 2051 for images).</summary>
    public static int MagicFor(int rank) => ((int)IdxElementType.UnsignedByte << 8) | rank;

    internal static string KindOf(int rank) => rank switch { 1 => "labels", 3 => "images", _ => "tensor" };
}
