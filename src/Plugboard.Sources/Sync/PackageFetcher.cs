using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources;

namespace Plugboard.Sources.Sync;

/// <summary>Fetching and verifying one package of a source, within the source's Timeout, into the sync's work folder.</summary>
internal sealed class PackageFetcher(CacheStore cache, TimeProvider time)
{
    private readonly CacheStore _cache = cache;
    private readonly TimeProvider _time = time;

    /// <summary>
    /// Fetches <paramref name="candidate"/> into the work folder (or copies it from the cache when the source publishes a
    /// digest the cache holds) and verifies it: digest, contents, manifest, signature, and what the source claimed.
    /// </summary>
    /// <exception cref="SourceException">The package cannot be fetched or is refused; nothing is left in the work folder.</exception>
    public async Task<(FetchedPackage Package, bool Fetched)> FetchAsync(
        SourceOptions options, SourcePackage candidate, PluginSet set, TrustStore? trust, string workDirectory, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(workDirectory, "packages", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "package" + PackageFormat.Extension);
        var fetched = false;

        // A digest the source publishes and the cache already holds needs no download: verify the cached bytes.
        if (candidate.ExpectedDigest is { } expected && await _cache.Blobs.ExistsAsync(expected, cancellationToken).ConfigureAwait(false) && !options.RequireSignature)
        {
            await _cache.Blobs.CopyToAsync(expected, path, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await WithinTimeoutAsync(options, $"fetching {candidate.Origin}", async ct => { await candidate.FetchAsync(path, ct).ConfigureAwait(false); return true; }, _time, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A refused or broken fetch leaves nothing behind, not even until the end of the sync.
                AtomicFile.TryDeleteDirectory(folder);
                throw;
            }

            fetched = true;
        }

        var verification = await PackageVerifier.VerifyAsync(
            path,
            new VerificationOptions { ExpectedDigest = candidate.ExpectedDigest, RequireSignature = options.RequireSignature, TrustStore = trust },
            cancellationToken).ConfigureAwait(false);
        if (!verification.IsValid)
        {
            var problems = string.Join("; ", verification.Problems.Select(p => p.Message.Replace(path, candidate.Origin, StringComparison.Ordinal)));
            throw new SourceException(options.Name, $"{candidate.Origin}: {problems}");
        }

        var manifest = verification.Manifest!;
        var version = manifest.Version.ToFullString();
        if ((candidate.ClaimedId is not null && candidate.ClaimedId != manifest.Id)
            || (candidate.ClaimedVersion is not null && candidate.ClaimedVersion != version))
        {
            throw new SourceException(options.Name, $"{candidate.Origin}: the source lists it as {candidate.ClaimedId} {candidate.ClaimedVersion}, but its manifest says {manifest.Id} {version}. Fix the source's index.");
        }

        var entry = new CacheEntry
        {
            Source = options.Name,
            Set = set.Key,
            Id = manifest.Id,
            Version = version,
            Digest = verification.Digest.Value,
            Origin = candidate.Origin,
            Fingerprint = candidate.Fingerprint,
            SignatureKeyId = verification.Signature == SignatureStatus.Valid ? verification.SignatureKeyId : null,
            Included = set.Takes(manifest.Id, manifest.Version),
        };
        return (new FetchedPackage(entry, path), fetched);
    }

    /// <summary>
    /// Runs one operation of a source within the source's Timeout, whatever the source does: one that ignores its
    /// token (a blocking read of a FIFO, a hung library call) is left behind and the sync of that source fails.
    /// </summary>
    internal static async Task<T> WithinTimeoutAsync<T>(SourceOptions options, string what, Func<CancellationToken, Task<T>> operation, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await operation(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SourceException(options.Name, $"Source '{options.Name}': {what} did not finish within its Timeout of {options.Timeout}; the previous cache state is kept. Check the source, or raise its Timeout.", ex);
        }
    }
}

/// <summary>A package fetched and verified: its cache entry and the staged file.</summary>
internal sealed record FetchedPackage(CacheEntry Entry, string Path);
