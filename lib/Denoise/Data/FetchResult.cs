namespace Denoise.Data;

/// <summary>One file after <see cref="DataFetcher.Fetch"/>: where it is, how big, and what was done.</summary>
/// <param name="Sha256">The verified SHA-256 (equal to <see cref="DataFile.Sha256"/>).</param>
public sealed record FetchResult(DataFile File, string Path, long Bytes, string Sha256, FetchStatus Status);
