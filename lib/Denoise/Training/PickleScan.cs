using System.Buffers.Binary;
using System.Text;

namespace Denoise.Training;

/// <summary>
/// Walks the opcodes of a pickle (protocols 0 to 5, as Python's pickletools lists them) without running any of them:
/// every opcode must be known, every length it announces must fit in the bytes that are left, and it must end in
/// STOP. What it names (the classes and functions a pickle calls) is returned, so that a caller can refuse a pickle
/// before it is unpickled. An unpickler would otherwise allocate whatever a length says (2³¹ bytes for one string)
/// before it finds the file too short.
/// </summary>
internal static class PickleScan
{
    /// <summary>The "module.name" of every GLOBAL, INST and STACK_GLOBAL, in order.</summary>
    /// <exception cref="InvalidDataException">The pickle is damaged or crafted; the message says where and why.</exception>
    public static IReadOnlyList<string> Globals(byte[] pickle)
    {
        var globals = new List<string>();
        var (previous, last) = ((string?)null, (string?)null);   // the last two strings, for STACK_GLOBAL
        var at = 0;
        while (at < pickle.Length)
        {
            var start = at;
            var opcode = pickle[at++];
            ReadOnlySpan<byte> Take(ulong count, string what)
            {
                if (count > (ulong)(pickle.Length - at))
                    throw new InvalidDataException($"its pickle announces {what} of {count:N0} bytes at byte {start:N0}, where {pickle.Length - at:N0} are left");
                var taken = pickle.AsSpan(at, (int)count);
                at += (int)count;
                return taken;
            }
            ulong Length(int bytes, bool signed)
            {
                var raw = Take((ulong)bytes, "a length field");
                if (signed && BinaryPrimitives.ReadInt32LittleEndian(raw) < 0)
                    throw new InvalidDataException($"its pickle announces a negative length at byte {start:N0}");
                return bytes switch
                {
                    1 => raw[0],
                    4 => BinaryPrimitives.ReadUInt32LittleEndian(raw),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(raw),
                };
            }
            string Line()
            {
                var end = pickle.AsSpan(at).IndexOf((byte)'\n');
                if (end < 0)
                    throw new InvalidDataException($"its pickle has a text argument without an end of line at byte {start:N0}");
                var text = Encoding.UTF8.GetString(pickle, at, end);
                at += end + 1;
                return text;
            }
            void Remember(string text) => (previous, last) = (last, text);

            switch (opcode)
            {
                case (byte)'.':                                         // STOP
                    return globals;
                case (byte)'(' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'N' or (byte)'t' or (byte)')' or (byte)'l'
                    or (byte)']' or (byte)'d' or (byte)'}' or (byte)'a' or (byte)'e' or (byte)'s' or (byte)'u' or (byte)'b'
                    or (byte)'R' or (byte)'Q' or (byte)'o' or 0x81 or 0x85 or 0x86 or 0x87 or 0x88 or 0x89 or 0x8F or 0x90
                    or 0x91 or 0x92 or 0x94 or 0x97 or 0x98:
                    break;                                              // no argument
                case 0x93:                                              // STACK_GLOBAL: module and name from the stack
                    globals.Add($"{previous ?? "?"}.{last ?? "?"}");
                    break;
                case (byte)'K' or (byte)'h' or (byte)'q' or 0x80 or 0x82:
                    Take(1, "an argument");
                    break;
                case (byte)'M' or 0x83:
                    Take(2, "an argument");
                    break;
                case (byte)'J' or (byte)'j' or (byte)'r' or 0x84:
                    Take(4, "an argument");
                    break;
                case (byte)'G':                                         // BINFLOAT
                    Take(8, "a float");
                    break;
                case 0x95:                                              // FRAME: the frame must fit in what is left
                    if (Length(8, signed: false) is var frame && frame > (ulong)(pickle.Length - at))
                        throw new InvalidDataException($"its pickle announces a frame of {frame:N0} bytes at byte {start:N0}, where {pickle.Length - at:N0} are left");
                    break;
                case (byte)'U' or (byte)'C' or 0x8A:                    // SHORT_BINSTRING, SHORT_BINBYTES, LONG1
                    Take(Length(1, signed: false), "a value");
                    break;
                case 0x8C:                                              // SHORT_BINUNICODE
                    Remember(Encoding.UTF8.GetString(Take(Length(1, signed: false), "a string")));
                    break;
                case (byte)'T' or 0x8B:                                 // BINSTRING, LONG4
                    Take(Length(4, signed: true), "a value");
                    break;
                case (byte)'B':                                         // BINBYTES
                    Take(Length(4, signed: false), "a bytes object");
                    break;
                case (byte)'X':                                         // BINUNICODE
                    Remember(Encoding.UTF8.GetString(Take(Length(4, signed: false), "a string")));
                    break;
                case 0x8D:                                              // BINUNICODE8
                    Remember(Encoding.UTF8.GetString(Take(Length(8, signed: false), "a string")));
                    break;
                case 0x8E or 0x96:                                      // BINBYTES8, BYTEARRAY8
                    Take(Length(8, signed: false), "a bytes object");
                    break;
                case (byte)'I' or (byte)'L' or (byte)'F' or (byte)'S' or (byte)'P' or (byte)'g' or (byte)'p':
                    Line();
                    break;
                case (byte)'V':                                         // UNICODE
                    Remember(Line());
                    break;
                case (byte)'c' or (byte)'i':                            // GLOBAL, INST: module and name on two lines
                    var module = Line();
                    globals.Add($"{module}.{Line()}");
                    break;
                default:
                    throw new InvalidDataException($"its pickle holds opcode 0x{opcode:x2} at byte {start:N0}, which pickle does not define");
            }
        }
        throw new InvalidDataException($"its pickle ends after {pickle.Length:N0} bytes without its STOP opcode");
    }
}
