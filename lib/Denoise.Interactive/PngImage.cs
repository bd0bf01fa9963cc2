using System.Net;

namespace Denoise.Interactive;

/// <summary>A PNG picture with an optional caption; a notebook cell that ends with one shows it inline.</summary>
/// <remarks>The picture is embedded as a data: URI so that exported reports need no side files.</remarks>
public sealed record PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public PngImage(byte[] png, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < Signature.Length || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            var head = Convert.ToHexString(png.AsSpan(0, Math.Min(png.Length, Signature.Length)));
            throw new ArgumentException(
                $"PngImage{(caption is null ? "" : $" '{caption}'")}: the {png.Length} bytes do not start with the PNG signature " +
                $"(found {(head.Length == 0 ? "nothing" : "0x" + head)}); pass the result of a ToPng() call.", nameof(png));
        }
        Png = png;
        Caption = caption;
    }

    public byte[] Png { get; }

    public string? Caption { get; }

    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Png);

    /// <summary>An HTML figure: the image, then the caption (HTML-escaped) underneath.</summary>
    public string ToHtml()
    {
        var alt = WebUtility.HtmlEncode(Caption ?? "image");
        var caption = Caption is null
            ? ""
            : $"<figcaption style=\"font-size:90%;color:#444\">{WebUtility.HtmlEncode(Caption)}</figcaption>";
        // pixelated: small MNIST-sized images are scaled up by the browser without blurring.
        return $"<figure style=\"margin:0.5em 0\"><img src=\"{DataUri}\" alt=\"{alt}\" style=\"image-rendering:pixelated;max-width:100%\"/>{caption}</figure>";
    }
}
