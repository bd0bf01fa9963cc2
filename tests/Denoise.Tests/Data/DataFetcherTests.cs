using Denoise.Data;

namespace Denoise.Tests.Data;

public sealed class DataFetcherTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_present_file_with_a_wrong_hash_is_named_with_both_hashes()
    {
        var bad = DataCatalog.Find(DataSetKind.Mnist, Split.Test, labels: true);
        Directory.CreateDirectory(Path.GetDirectoryName(bad.PathIn(_temp.Path))!);
        File.WriteAllText(bad.PathIn(_temp.Path), "not mnist");

        var e = Assert.Throws<InvalidDataException>(() => DataFetcher.Fetch(_temp.Path, _temp.File("no-source")));

        Assert.StartsWith($"{bad.PathIn(_temp.Path)}: checksum mismatch", e.Message);
        Assert.Contains($"expected SHA-256 {bad.Sha256}", e.Message);
        // SHA-256("not mnist"), computed independently with sha256sum.
        Assert.Contains("actual 3ef83aa954827a43e4b22ac9b3b65b42aa0cf4bc649ff0fa38a4d18e5ba50b63", e.Message);
        Assert.Contains("delete it", e.Message);
    }

    [Fact]
    public void A_source_file_with_a_wrong_hash_is_not_copied()
    {
        var source = Directory.CreateDirectory(_temp.File("source")).FullName;
        foreach (var file in DataCatalog.Files.Where(f => f.Kind == DataSetKind.FashionMnist))
            File.WriteAllText(Path.Combine(source, file.FileName), "fake");
        var target = _temp.File("data");

        var e = Assert.Throws<InvalidDataException>(() => DataFetcher.Fetch(target, source));

        Assert.StartsWith(Path.Combine(source, "train-images-idx3-ubyte.gz") + ": checksum mismatch", e.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(target, "fashion-mnist")));
    }

    [Fact]
    public void A_missing_Debian_package_says_what_to_install()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DataFetcher.Fetch(_temp.File("data"), _temp.File("no-source")));

        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void Fetch_copies_what_is_missing_and_then_only_verifies()
    {
        // MNIST is taken from the real data folder (no network in tests); Fashion-MNIST from the Debian package.
        var real = DataFolder.Resolve();
        var target = _temp.File("data");
        foreach (var file in DataCatalog.Files.Where(f => f.Kind == DataSetKind.Mnist))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.PathIn(target))!);
            File.Copy(file.PathIn(real), file.PathIn(target));
        }

        var first = DataFetcher.Fetch(target);
        var second = DataFetcher.Fetch(target);

        Assert.Equal(DataCatalog.Files, first.Select(r => r.File));
        Assert.Equal([.. Enumerable.Repeat(FetchStatus.Verified, 4), .. Enumerable.Repeat(FetchStatus.Copied, 4)], first.Select(r => r.Status));
        Assert.All(second, r => Assert.Equal(FetchStatus.Verified, r.Status));
        Assert.Equal(26421856, second.Single(r => r.File.FileName == "train-images-idx3-ubyte.gz").Bytes);
        Assert.All(second, r => Assert.Equal(r.File.Sha256, Checksum.OfFile(r.Path)));
        Assert.Equal(8, Directory.GetFiles(target, "*", SearchOption.AllDirectories).Length);
    }
}
