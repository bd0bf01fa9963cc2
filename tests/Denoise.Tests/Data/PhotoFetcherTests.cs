using Denoise.Data;
using Denoise.IO;

namespace Denoise.Tests.Data;

public sealed class PhotoFetcherTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The photos setup fetched: the same files as scikit-image's folder, wherever that is on this machine.</summary>
    static string RealPhotos => Path.Combine(DataFolder.Resolve(), PhotoCatalog.FolderName);

    [Fact]
    public void Fetch_copies_every_photo_verified_and_stamped_and_then_only_verifies()
    {
        var target = _temp.File("data");

        var first = PhotoFetcher.Fetch(target, RealPhotos);
        var second = PhotoFetcher.Fetch(target, RealPhotos);

        Assert.Equal(PhotoCatalog.Files, first.Select(r => r.Photo));
        Assert.All(first, r => Assert.Equal(FetchStatus.Copied, r.Status));
        Assert.All(second, r => Assert.Equal(FetchStatus.Verified, r.Status));
        Assert.All(second, r => Assert.Equal(r.Photo.Sha256, Checksum.OfFile(r.Path)));
        Assert.Equal(139512, second.Single(r => r.Photo.Name == "camera").Bytes);   // ls -l skimage/data/camera.png
        // The photos and a stamp beside each, nothing else.
        Assert.Equal(
            PhotoCatalog.Files.SelectMany(f => new[] { f.PathIn(target), Path.Combine(target, PhotoCatalog.FolderName, $".{f.FileName}.verified") }).Order(),
            Directory.GetFiles(target, "*", SearchOption.AllDirectories).Order());
    }

    [Fact]
    public void A_damaged_photo_is_replaced_by_a_verified_copy()
    {
        var target = _temp.File("data");
        PhotoFetcher.Fetch(target, RealPhotos);
        var bad = PhotoCatalog.Find("coffee");
        using (var file = File.OpenWrite(bad.PathIn(target)))
        {
            file.Position = 1000;
            file.WriteByte(0xFF);
        }

        var results = PhotoFetcher.Fetch(target, RealPhotos);

        Assert.Equal(bad.Sha256, Checksum.OfFile(bad.PathIn(target)));
        Assert.Equal(FetchStatus.Replaced, results.Single(r => r.Photo == bad).Status);
        Assert.All(results.Where(r => r.Photo != bad), r => Assert.Equal(FetchStatus.Verified, r.Status));
    }

    [Fact]
    public void Without_scikit_image_nothing_is_copied_and_the_message_says_what_to_install_or_pass()
    {
        var target = _temp.File("data");
        var source = Directory.CreateDirectory(_temp.File("empty")).FullName;

        var e = Assert.Throws<FileNotFoundException>(() => PhotoFetcher.Fetch(target, source));

        Assert.StartsWith($"{Path.Combine(source, "astronaut.png")} not found (nor 11 more photos there) - install scikit-image's sample images", e.Message);
        Assert.Contains("apt-get install python3-skimage", e.Message);
        Assert.Contains("pip install scikit-image", e.Message);
        Assert.Contains("--from FOLDER", e.Message);
        Assert.False(Directory.Exists(Path.Combine(target, PhotoCatalog.FolderName)));
    }

    [Fact]
    public void A_source_photo_with_a_wrong_hash_is_not_copied_and_is_named()
    {
        var source = Directory.CreateDirectory(_temp.File("source")).FullName;
        foreach (var photo in PhotoCatalog.Files)
            File.Copy(photo.PathIn(DataFolder.Resolve()), Path.Combine(source, photo.FileName));
        File.WriteAllText(Path.Combine(source, "camera.png"), "not a camera");
        var target = _temp.File("data");

        var e = Assert.Throws<InvalidDataException>(() => PhotoFetcher.Fetch(target, source));

        Assert.StartsWith($"{Path.Combine(source, "camera.png")}: checksum mismatch: expected SHA-256 {PhotoCatalog.Find("camera").Sha256}", e.Message);
        Assert.False(File.Exists(PhotoCatalog.Find("camera").PathIn(target)));
    }
}
