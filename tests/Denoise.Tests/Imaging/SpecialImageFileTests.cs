using Denoise.Imaging;
using Denoise.Tests.IO;

namespace Denoise.Tests.Imaging;

[Collection("torch")]
public sealed class SpecialImageFileTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_fifo_given_as_an_image_is_an_error_naming_it_not_a_hang()
    {
        var fifo = SpecialFiles.MakeFifo(_temp.File("digit.png"));

        var error = SpecialFiles.ThrowsPromptly<IOException>(() => GrayImage.Load(fifo).Dispose(), fifo);

        Assert.StartsWith($"{fifo}: is a FIFO (named pipe)", error.Message);
    }

    [Fact]
    public void A_folder_given_as_an_image_is_called_a_folder()
    {
        var folder = Directory.CreateDirectory(_temp.File("digits.png")).FullName;

        var error = Assert.Throws<IOException>(() => GrayImage.Load(folder));

        Assert.StartsWith($"{folder}: is a folder, not a regular file", error.Message);
    }

    [Fact]
    public void A_device_given_as_an_image_is_called_a_device()
    {
        var error = Assert.Throws<IOException>(() => GrayImage.Load("/dev/null"));

        Assert.StartsWith("/dev/null: is a character device, not a regular file", error.Message);
    }
}
