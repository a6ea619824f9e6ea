using Plugboard.Sources.S3.Cache;

namespace Plugboard.Server.Configuration;

/// <summary>
/// Where the center keeps its package cache (section <c>Plugboard:Cache</c>). By default in the data folder
/// (<c>{data}/cache</c>), which suits one center. Several replicas share it on S3: packages by digest and the index in a
/// bucket, each replica keeping only extracted folders locally.
/// </summary>
public sealed class CenterCacheOptions
{
    /// <summary><c>fs</c> (default: <c>{data}/cache</c>) or <c>s3</c> (<see cref="S3"/>).</summary>
    public string Type { get; set; } = "fs";

    /// <summary>
    /// The bucket with <c>Type: s3</c> (section <c>Plugboard:Cache:S3</c>): Endpoint, Region, Bucket, Prefix, ForcePathStyle,
    /// the credentials' environment variables or files (e.g. a mounted Kubernetes Secret), AllowInsecure (only explicit,
    /// and logged as a warning at every start). The index is always kept in the bucket; its writes are conditional
    /// where the server honours conditional writes (checked at start) and taken under the store's lock where not;
    /// <c>ConditionalWrites: false</c> skips the check and always takes the lock.
    /// </summary>
    public S3CacheOptions S3 { get; set; } = new();

    /// <summary>Whether the cache is on S3.</summary>
    public bool IsS3 => string.Equals(Type, "s3", StringComparison.OrdinalIgnoreCase);
}
