using Denoise.IO;

namespace Denoise.Tests.IO;

public sealed class RegularFileTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_regular_file_exists_and_a_missing_one_does_not()
    {
        var file = _temp.File("a.png");
        File.WriteAllText(file, "x");

        Assert.True(RegularFile.Exists(file));
        Assert.True(RegularFile.IsRegular(file));
        Assert.False(RegularFile.Exists(_temp.File("missing.png")));
        Assert.False(RegularFile.Exists(_temp.File("a.png", "below-a-file")));
        Assert.False(RegularFile.IsRegular(_temp.File("missing.png")));
    }

    [Fact]
    public void A_symbolic_link_to_a_file_is_followed()
    {
        var file = _temp.File("target.idx");
        File.WriteAllText(file, "x");
        var link = _temp.File("link.idx");
        File.CreateSymbolicLink(link, file);

        Assert.True(RegularFile.Exists(link));
    }

    [Fact]
    public void A_fifo_is_named_with_what_it_is_without_being_opened()
    {
        var fifo = SpecialFiles.MakeFifo(_temp.File("pipe.png"));

        var error = SpecialFiles.ThrowsPromptly<IOException>(() => RegularFile.Exists(fifo), fifo);

        Assert.Equal($"{fifo}: is a FIFO (named pipe), reading it could wait forever, not a regular file - give the path of a file", error.Message);
        Assert.False(RegularFile.IsRegular(fifo));
    }

    [Theory]
    [InlineData("/dev/null", "is a character device")]
    [InlineData("/tmp", "is a folder")]
    public void Devices_and_folders_are_named_with_what_they_are(string path, string what)
    {
        var error = Assert.Throws<IOException>(() => RegularFile.Exists(path));

        Assert.Equal($"{path}: {what}, not a regular file - give the path of a file", error.Message);
        Assert.False(RegularFile.IsRegular(path));
    }
}
