using Denoise.Data;
using Denoise.IO;

namespace Denoise.Tests.Data;

public sealed class DataFetcherTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A data folder with all eight real files, copied from the real data folder (no network in tests).</summary>
    string CopyOfRealData()
    {
        var real = DataFolder.Resolve();
        var target = _temp.File("data");
        foreach (var file in DataCatalog.Files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.PathIn(target))!);
            File.Copy(file.PathIn(real), file.PathIn(target));
        }
        return target;
    }

    static string RealFashion => Path.Combine(DataFolder.Resolve(), DataCatalog.FolderName(DataSetKind.FashionMnist));

    [Fact]
    public void A_present_file_that_fails_its_checksum_is_replaced_by_a_verified_copy()
    {
        var target = CopyOfRealData();
        var bad = DataCatalog.Find(DataSetKind.FashionMnist, Split.Test, labels: true);
        File.WriteAllText(bad.PathIn(target), "not fashion-mnist");

        var results = DataFetcher.Fetch(target, RealFashion);

        Assert.Equal(bad.Sha256, Checksum.OfFile(bad.PathIn(target)));
        Assert.Equal(FetchStatus.Replaced, results.Single(r => r.File == bad).Status);
        Assert.All(results.Where(r => r.File != bad), r => Assert.Equal(FetchStatus.Verified, r.Status));
        Assert.Empty(Directory.GetFiles(target, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Fetch_repairs_a_damaged_file_instead_of_only_reporting_it()
    {
        var target = CopyOfRealData();
        var bad = DataCatalog.Find(DataSetKind.FashionMnist, Split.Train, labels: false);
        using (var file = File.OpenWrite(bad.PathIn(target)))
        {
            file.Position = 1000;
            file.WriteByte(0xFF);
        }

        DataFetcher.Fetch(target, RealFashion);

        Assert.Equal(bad.Sha256, Checksum.OfFile(bad.PathIn(target)));
    }

    [Fact]
    public void A_damaged_file_whose_source_is_damaged_too_is_left_as_it_was_with_both_hashes_named()
    {
        var target = CopyOfRealData();
        var bad = DataCatalog.Find(DataSetKind.FashionMnist, Split.Test, labels: true);
        File.WriteAllText(bad.PathIn(target), "not fashion-mnist");
        var source = Directory.CreateDirectory(_temp.File("source")).FullName;
        File.WriteAllText(Path.Combine(source, bad.FileName), "not mnist");

        var e = Assert.Throws<InvalidDataException>(() => DataFetcher.Fetch(target, source));

        Assert.StartsWith($"{Path.Combine(source, bad.FileName)}: checksum mismatch", e.Message);
        Assert.Contains($"expected SHA-256 {bad.Sha256}", e.Message);
        // SHA-256("not mnist"), computed independently with sha256sum.
        Assert.Contains("actual 3ef83aa954827a43e4b22ac9b3b65b42aa0cf4bc649ff0fa38a4d18e5ba50b63", e.Message);
        Assert.Equal("not fashion-mnist", File.ReadAllText(bad.PathIn(target)));
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
        // The eight files and a stamp beside each, nothing else.
        Assert.Equal(
            DataCatalog.Files.SelectMany(f => new[] { f.PathIn(target), Path.Combine(Path.GetDirectoryName(f.PathIn(target))!, $".{f.FileName}.verified") }).Order(),
            Directory.GetFiles(target, "*", SearchOption.AllDirectories).Order());
    }
}
