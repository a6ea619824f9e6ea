using Plugboard.Sources.S3.Connection;

namespace Plugboard.Sources.S3.Cache;

/// <summary>
/// The cache in a bucket, shared by many hosts: packages by digest under <c>{Prefix}/sha256/</c> and, when
/// <see cref="ShareIndex"/> is set, the cache index at <c>{Prefix}/{IndexKey}</c>. Bind it from a
/// configuration section (<c>services.AddPlugboardS3Cache(configuration.GetSection("Plugboard:Cache:S3"))</c>).
/// </summary>
public sealed class S3CacheOptions : S3ConnectionOptions
{
    /// <summary>The default key of the index under the prefix.</summary>
    public const string DefaultIndexKey = "index.json";

    /// <summary>
    /// Whether the cache index is kept in the bucket too, so every host sees what any of them synced. Only for
    /// hosts with the same sources configuration (a sync drops from the index the sources it does not know).
    /// Default false: each host keeps its index in its cache folder and only packages are shared.
    /// </summary>
    public bool ShareIndex { get; set; }

    /// <summary>The key of the shared index under the prefix. Default <c>index.json</c>.</summary>
    public string IndexKey { get; set; } = DefaultIndexKey;

    /// <summary>
    /// Whether garbage collection may delete packages from the bucket. Default false: a host only knows what
    /// its own index references, and another host sharing the bucket may still need a package. Turn it on
    /// for the one host (or the shared index) that sees every reference.
    /// </summary>
    public bool AllowDelete { get; set; }

    /// <summary>
    /// Whether index writes are conditional (<c>If-Match</c> on the ETag read, <c>If-None-Match: *</c> when
    /// creating), so a write over another host's newer index fails instead of losing it. Default true; turn
    /// it off for servers that refuse the headers (the ETag is then still compared just before writing).
    /// </summary>
    public bool ConditionalWrites { get; set; } = true;

    /// <summary>Every problem of these options; empty when they are valid.</summary>
    public override IReadOnlyList<string> Validate()
    {
        var errors = base.Validate().ToList();
        if (ShareIndex && (string.IsNullOrWhiteSpace(IndexKey) || IndexKey.Trim().Trim('/').Length == 0 || IndexKey.Split('/').Contains("..")))
        {
            errors.Add($"{Owner}: IndexKey '{IndexKey}' must be a key under the prefix, such as index.json.");
        }

        return errors;
    }

    /// <inheritdoc />
    public override string ToString()
        => base.ToString() + $", index {(ShareIndex ? $"shared at {KeyFor(IndexKey)}" : "local")}{(AllowDelete ? ", deletes allowed" : string.Empty)}";
}
