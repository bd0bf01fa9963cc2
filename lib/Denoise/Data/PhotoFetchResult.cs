namespace Denoise.Data;

/// <summary>One photo after <see cref="PhotoFetcher.Fetch"/>: where it is, how big, and what was done.</summary>
public sealed record PhotoFetchResult(PhotoFile Photo, string Path, long Bytes, FetchStatus Status);
