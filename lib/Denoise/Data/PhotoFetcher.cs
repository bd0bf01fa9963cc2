using Denoise.IO;

namespace Denoise.Data;

/// <summary>
/// Copies the pinned photographs (<see cref="PhotoCatalog"/>) from scikit-image's data folder into the data folder and
/// verifies them, as <see cref="DataFetcher"/> does for the digits: photos already there are verified and kept, a
/// photo that fails its checksum is copied again (temp file, verify, rename), and every verified photo gets a stamp.
/// </summary>
public static class PhotoFetcher
{
    /// <summary>Copies what is missing or damaged and verifies everything against the SHA-256 pins.</summary>
    /// <param name="folder">The data folder; <see cref="DataFolder.Resolve()"/> if null.</param>
    /// <param name="source">The folder that holds scikit-image's sample images; <see cref="PhotoCatalog.SystemFolder"/> if null.</param>
    /// <returns>One result per photo of <see cref="PhotoCatalog.Files"/>, in that order.</returns>
    /// <exception cref="FileNotFoundException">A photo to copy is not in <paramref name="source"/>; the message says what to install or pass.</exception>
    /// <exception cref="InvalidDataException">A source photo does not match its pin; the message names it and both hashes.</exception>
    public static IReadOnlyList<PhotoFetchResult> Fetch(string? folder = null, string? source = null)
    {
        folder ??= DataFolder.Resolve();
        source ??= PhotoCatalog.SystemFolder;
        DataFolder.CheckNotAFile(folder);
        // True: present and matching its pin; false: present but damaged, to be replaced.
        var present = PhotoCatalog.Files
            .Where(f => RegularFile.Exists(f.PathIn(folder)))
            .ToDictionary(f => f, f => Checksum.OfFile(f.PathIn(folder)) == f.Sha256);
        var needed = PhotoCatalog.Files.Where(f => !present.GetValueOrDefault(f)).ToList();

        // Every source is looked at before anything is copied, so a missing package stops the fetch before it starts.
        var missing = needed.Select(f => Path.Combine(source, f.FileName)).Where(p => !RegularFile.Exists(p)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{missing[0]} not found{(missing.Count > 1 ? $" (nor {missing.Count - 1} more photos there)" : "")} - {PhotoCatalog.InstallAdvice}", missing[0]);
        foreach (var photo in needed)
        {
            var from = Path.Combine(source, photo.FileName);
            using var stream = File.OpenRead(from);
            Checksum.CopyVerified(stream, photo.PathIn(folder), photo.Sha256, from,
                "it is not the photo scikit-image ships; reinstall it (apt-get install --reinstall python3-skimage) or pass --from another copy");
        }

        foreach (var photo in PhotoCatalog.Files)
            DataStamp.Record(photo.PathIn(folder), photo.Sha256);
        return PhotoCatalog.Files.Select(f => new PhotoFetchResult(f, f.PathIn(folder), new FileInfo(f.PathIn(folder)).Length,
                present.TryGetValue(f, out var intact) ? intact ? FetchStatus.Verified : FetchStatus.Replaced : FetchStatus.Copied))
            .ToList();
    }
}
