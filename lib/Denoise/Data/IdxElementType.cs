namespace Denoise.Data;

/// <summary>The element-type codes of the IDX format (third byte of the magic number).</summary>
/// <remarks>Only <see cref="UnsignedByte"/> is supported: MNIST and Fashion-MNIST use nothing else.</remarks>
public enum IdxElementType : byte
{
    UnsignedByte = 0x08,
    SignedByte = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
}
