using System.Text.Json;
using Denoise.Data;
using Denoise.Tests.IO;

namespace Denoise.Tests.Data;

/// <summary>Loading checks each data file against its pin: by the stamp beside it while size and time match, else by hashing.</summary>
[Collection("torch")]
public sealed class DataIntegrityTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static readonly DataFile Images = DataCatalog.Find(DataSetKind.Mnist, Split.Test, labels: false);
    static readonly DataFile Labels = DataCatalog.Find(DataSetKind.Mnist, Split.Test, labels: true);

    /// <summary>A data folder holding a copy of the real MNIST test files (7.9 MB).</summary>
    string CopyOfMnistTest()
    {
        var real = DataFolder.Resolve();
        foreach (var file in new[] { Images, Labels })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.PathIn(_temp.Path))!);
            File.Copy(file.PathIn(real), file.PathIn(_temp.Path));
        }
        return _temp.Path;
    }

    static string StampOf(DataFile file, string folder) =>
        Path.Combine(Path.GetDirectoryName(file.PathIn(folder))!, $".{file.FileName}.verified");

    [Fact]
    public void A_data_file_damaged_after_it_was_fetched_is_noticed_when_loading()
    {
        var folder = CopyOfMnistTest();
        DataSets.Load(DataSetKind.Mnist, Split.Test, folder: folder).Dispose();
        using (var file = File.OpenWrite(Images.PathIn(folder)))
        {
            file.Position = 5000;
            file.WriteByte(0x42); // same size, one pixel changed: parses fine, so only the checksum can tell
        }

        var error = Assert.Throws<InvalidDataException>(() => DataSets.Load(DataSetKind.Mnist, Split.Test, folder: folder));

        Assert.StartsWith($"{Images.PathIn(folder)}: checksum mismatch: expected SHA-256 {Images.Sha256}, actual ", error.Message);
        Assert.EndsWith("run ./denoise data fetch to replace it", error.Message);
    }

    [Fact]
    public void A_data_file_that_is_not_the_pinned_one_does_not_load()
    {
        Samples.WriteDataFolder(_temp.Path, count: 3, [1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => DataSets.Load(DataSetKind.Mnist, Split.Test, folder: _temp.Path));

        Assert.Contains("checksum mismatch", error.Message);
    }

    [Fact]
    public void The_first_load_records_a_stamp_beside_each_file()
    {
        var folder = CopyOfMnistTest();

        DataSets.Load(DataSetKind.Mnist, Split.Test, folder: folder).Dispose();

        using var stamp = JsonDocument.Parse(File.ReadAllText(StampOf(Images, folder)));
        Assert.Equal(Images.Sha256, stamp.RootElement.GetProperty("Sha256").GetString());
        Assert.Equal(new FileInfo(Images.PathIn(folder)).Length, stamp.RootElement.GetProperty("Bytes").GetInt64());
        Assert.True(File.Exists(StampOf(Labels, folder)));
    }

    [Fact]
    public void A_stamp_that_matches_size_and_time_spares_the_hash()
    {
        // Files made by the test, with stamps claiming the pins: a load that trusts the stamps never hashes them.
        Samples.WriteDataFolder(_temp.Path, count: 3, [1, 2, 3]);
        foreach (var file in new[] { Images, Labels })
        {
            var info = new FileInfo(file.PathIn(_temp.Path));
            File.WriteAllText(StampOf(file, _temp.Path), JsonSerializer.Serialize(new { Bytes = info.Length, ModifiedUtc = info.LastWriteTimeUtc, file.Sha256 }));
        }

        using var set = DataSets.Load(DataSetKind.Mnist, Split.Test, folder: _temp.Path);

        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void A_file_changed_since_its_stamp_is_hashed_again()
    {
        Samples.WriteDataFolder(_temp.Path, count: 3, [1, 2, 3]);
        var info = new FileInfo(Images.PathIn(_temp.Path));
        File.WriteAllText(StampOf(Images, _temp.Path), JsonSerializer.Serialize(new { Bytes = info.Length, ModifiedUtc = info.LastWriteTimeUtc.AddSeconds(-1), Images.Sha256 }));

        var error = Assert.Throws<InvalidDataException>(() => DataSets.Load(DataSetKind.Mnist, Split.Test, folder: _temp.Path));

        Assert.StartsWith($"{Images.PathIn(_temp.Path)}: checksum mismatch", error.Message);
    }

    [Fact]
    public void A_damaged_stamp_only_costs_a_hash()
    {
        var folder = CopyOfMnistTest();
        File.WriteAllText(StampOf(Images, folder), "{ not json");

        using var set = DataSets.Load(DataSetKind.Mnist, Split.Test, folder: folder);

        Assert.Equal(10_000, set.Count);
        Assert.Contains(Images.Sha256, File.ReadAllText(StampOf(Images, folder)));
    }

    [ReadOnlyFolderFact]
    public void A_read_only_data_folder_still_loads_without_stamps()
    {
        var folder = CopyOfMnistTest();
        var mnist = Path.GetDirectoryName(Images.PathIn(folder))!;

        using (new ReadOnlyFolder(mnist))
        using (var set = DataSets.Load(DataSetKind.Mnist, Split.Test, folder: folder))
            Assert.Equal(10_000, set.Count);

        Assert.False(File.Exists(StampOf(Images, folder)));
    }

    [Fact]
    public void Fetch_leaves_a_stamp_that_the_next_load_trusts()
    {
        var folder = CopyOfMnistTest();
        var real = DataFolder.Resolve();
        foreach (var file in DataCatalog.Files.Where(f => !File.Exists(f.PathIn(folder))))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.PathIn(folder))!);
            File.Copy(file.PathIn(real), file.PathIn(folder));
        }

        DataFetcher.Fetch(folder, Path.Combine(real, "fashion-mnist"));
        Assert.All(DataCatalog.Files, f => Assert.True(File.Exists(StampOf(f, folder)), StampOf(f, folder)));
        var stamped = File.GetLastWriteTimeUtc(StampOf(Images, folder));
        DataSets.Load(DataSetKind.Mnist, Split.Test, folder: folder).Dispose();

        Assert.Equal(stamped, File.GetLastWriteTimeUtc(StampOf(Images, folder)));
    }
}
