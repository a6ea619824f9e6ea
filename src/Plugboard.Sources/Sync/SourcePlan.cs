using Plugboard.Packaging;
using Plugboard.Sources.Cache;

namespace Plugboard.Sources.Sync;

/// <summary>
/// What one source's sync will commit, decided before the cache is touched: the source's new index record, the packages
/// fetched and verified to store, and the lock entries to record. <see cref="CacheCommit"/> applies it.
/// </summary>
/// <param name="Record">The source's record for the cache index, every package it offers now.</param>
/// <param name="Packages">The packages fetched and verified in this sync, staged in the work folder, to store as blobs.</param>
/// <param name="Locks">The lock entries to record: id and version seen for the first time.</param>
/// <param name="Fetched">How many packages were fetched (downloaded, copied or packed) rather than reused.</param>
internal sealed record SourcePlan(SourceRecord Record, IReadOnlyList<StagedPackage> Packages, IReadOnlyDictionary<(string Id, string Version), PendingLock> Locks, int Fetched);

/// <summary>A package fetched and verified into the work folder, to store under its digest.</summary>
internal sealed record StagedPackage(PackageDigest Digest, string Path);

/// <summary>A lock entry a plan records: the digest first seen for an id and version, and where it came from.</summary>
internal sealed record PendingLock(PackageDigest Digest, string Origin);
