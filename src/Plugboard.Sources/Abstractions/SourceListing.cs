namespace Plugboard.Sources;

/// <summary>What a source offers now.</summary>
public sealed record SourceListing
{
    /// <summary>Every package candidate of every set.</summary>
    public required IReadOnlyList<SourcePackage> Packages { get; init; }

    /// <summary>What the source was read at, for the run record (a commit id, an ETag, …); null when it has no such notion.</summary>
    public string? Revision { get; init; }

    /// <summary>How many network transfers listing took (git fetches, index downloads); 0 when the source was unchanged.</summary>
    public int RemoteFetches { get; init; }
}
