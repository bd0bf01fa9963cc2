namespace Denoise.Imaging;

/// <summary>
/// A 5x7 pixel ASCII font (printable characters 32-126) for labels in image grids, since no font
/// library is available. The glyphs are those of the public-domain X11 "misc-fixed 5x7" font.
/// </summary>
internal static class PixelFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;
    private const char First = ' ';
    private const char Last = '~';

    // Each glyph is 7 rows, top first; each row is one base-32 digit (0-9, A-V) whose 5 bits are the
    // pixels left to right (16 = leftmost). The glyphs carry their own spacing, so the advance is 5.
    private const string Glyphs =
        "00000004444040AAA00000AVAVA00EKE5E0GI48I2008K8KA04440000" + //  !"#$%&'
        "488884084444800A4E4A0044V4400000648000U0000000CC00248G00" + // ()*+,-./
        "4AAAA404C444E0CI248U0U2C2IC04CKU440UGS2IC0CGSIIC0U244880" + // 01234567
        "CICIIC0CIIE2C00CC0CC00CC0C8G024842000U0U0008424804A24040" + // 89:;<=>?
        "CIMMGC0CIIUII0SISIIS0CIGGIC0SIIIIS0UGSGGU0UGSGGG0CIGMIE0" + // @ABCDEFG
        "IIUIII0E4444E02222IC0IKOOKI0GGGGGU0IUUIII0IQQMMI0CIIIIC0" + // HIJKLMNO
        "SIISGG0CIIIQC2SIISKI0CI84IC0E444440IIIIIC0IIIICC0IIIUUI0" + // PQRSTUVW
        "IICCII0AAA4440U248GU0E8888E00G84200E2222E04A0000000000U0" + // XYZ[\]^_
        "840000000EIMA0GGSIIS000CGGC022EIIE000CMOC04A8S88000EICGE" + // `abcdefg
        "GGSIII040C44E020222A4GGKOKI0C4444E000KUII000SIII000CIIC0" + // hijklmno
        "00SIISG00EIIE200SIGG000EO6S088S886000IIIE000AAA4000IIUU0" + // pqrstuvw
        "00ICCI000IIA4800U48U024C442044444408464480AK00000"; // xyz{|}~

    /// <summary>Width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>.</summary>
    public static int Measure(string text, int scale) => text.Length * GlyphWidth * scale;

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (x, y) into a row-major 8-bit buffer,
    /// each font pixel a scale x scale block of <paramref name="ink"/>; pixels outside the clip box are skipped.
    /// Characters outside printable ASCII are drawn as '?'.
    /// </summary>
    public static void Draw(byte[] pixels, int stride, string text, int x, int y, int scale, byte ink,
        int clipLeft, int clipTop, int clipRight, int clipBottom)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i] is >= First and <= Last ? text[i] : '?';
            var glyph = (c - First) * GlyphHeight;
            var left = x + i * GlyphWidth * scale;
            for (var row = 0; row < GlyphHeight; row++)
            {
                var bits = Digit(Glyphs[glyph + row]);
                for (var col = 0; col < GlyphWidth; col++)
                {
                    if ((bits & (16 >> col)) == 0) continue;
                    Fill(pixels, stride, left + col * scale, y + row * scale, scale, ink,
                        clipLeft, clipTop, clipRight, clipBottom);
                }
            }
        }
    }

    private static int Digit(char c) => c <= '9' ? c - '0' : c - 'A' + 10;

    private static void Fill(byte[] pixels, int stride, int x, int y, int size, byte ink,
        int clipLeft, int clipTop, int clipRight, int clipBottom)
    {
        var x0 = Math.Max(x, clipLeft);
        var x1 = Math.Min(x + size, clipRight);
        var y0 = Math.Max(y, clipTop);
        var y1 = Math.Min(y + size, clipBottom);
        for (var yy = y0; yy < y1; yy++)
            pixels.AsSpan(yy * stride + x0, Math.Max(0, x1 - x0)).Fill(ink);
    }
}
