using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Locking;
using Plugboard.Sources.Resolution;
using NuGet.Versioning;

namespace Plugboard.Integration.Tests.Fixtures;

/// <summary>
/// What must hold of a file-system cache whenever no writer runs, however the last writer ended (finished, failed or
/// killed): it is what a host starting right then relies on.
/// </summary>
public static class CacheInvariants
{
    /// <summary>
    /// Checks the cache as a host starting now would use it, and builds its current view as such a host does; fails with
    /// <paramref name="when"/> in the message. Returns the index, for the caller's own checks.
    /// </summary>
    public static async Task<CacheIndex> AssertLoadableAsync(PlugboardSourcesOptions options, string when)
    {
        var cache = new CacheStore(options.CacheDirectory);
        var blobs = Assert.IsType<FileSystemBlobStore>(cache.Blobs);

        // The index and the lock parse, and every entry's package is there with the digest its name says, and locked.
        CacheIndex index;
        PluginLockFile lockFile;
        try
        {
            index = await cache.ReadIndexAsync();
            lockFile = await PluginLockFile.LoadAsync(options.ResolvedLockFile);
        }
        catch (InvalidDataException ex)
        {
            Assert.Fail($"{when}: {ex.Message}");
            throw;
        }

        var contents = new Dictionary<string, PackageContents>(StringComparer.Ordinal);
        foreach (var entry in index.Entries)
        {
            var blob = blobs.PathOf(entry.PackageDigest);
            Assert.True(File.Exists(blob), $"{when}: the index has {entry.Id} {entry.Version} ({entry.Digest}) but its package {blob} is missing.");
            Assert.Equal(entry.PackageDigest, await PackageDigest.ComputeFileAsync(blob));
            Assert.True(entry.PackageDigest == lockFile.Find(entry.Id, entry.Version), $"{when}: {entry.Id} {entry.Version} ({entry.Digest}) is in the index but the lock has {lockFile.Find(entry.Id, entry.Version)?.Value ?? "nothing"}.");
            if (!contents.ContainsKey(entry.Digest))
            {
                var verification = await PackageVerifier.VerifyAsync(blob, new VerificationOptions { ExpectedDigest = entry.PackageDigest });
                Assert.True(verification.IsValid, $"{when}: package {blob} of {entry.Id} {entry.Version}: {string.Join("; ", verification.Problems.Select(p => p.Message))}");
                contents[entry.Digest] = verification.Contents!;
            }
        }

        // A plugin folder that exists is complete, referenced or not: extraction trusts an existing folder, so a later
        // sync referencing that version again would hand a partial folder to hosts.
        if (Directory.Exists(cache.PluginsDirectory))
        {
            foreach (var folder in Directory.EnumerateDirectories(cache.PluginsDirectory).SelectMany(Directory.EnumerateDirectories))
            {
                if (!Path.GetFileName(folder).StartsWith('.'))
                {
                    AssertComplete(folder, expected: null, when);
                }
            }
        }

        // Every plugin resolves, from the cache alone, to its newest indexed version in a complete folder.
        var logs = new LogCollector();
        using var loggerFactory = logs.CreateFactory();
        var resolved = await new CachedPluginResolver(cache, options, loggerFactory.CreateLogger<CachedPluginResolver>()).ResolveAsync();
        var newest = index.Entries.GroupBy(e => e.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(e => NuGetVersion.Parse(e.Version), VersionComparer.Default)!, StringComparer.Ordinal);
        Assert.True(
            newest.Keys.Order(StringComparer.Ordinal).SequenceEqual(resolved.Select(p => p.Id)),
            $"{when}: the index has {newest.Count} plugins, {resolved.Count} resolved.{Environment.NewLine}{logs}");
        foreach (var plugin in resolved)
        {
            var entry = newest[plugin.Id];
            Assert.True(entry.Version == plugin.Version.ToFullString() && entry.Digest == plugin.Digest.Value, $"{when}: {plugin.Id} resolved to {plugin.Version} ({plugin.Digest}), not its newest indexed {entry.Version} ({entry.Digest}).{Environment.NewLine}{logs}");
            AssertComplete(plugin.Directory, contents[entry.Digest], when);
        }

        // A host starting now builds its current view from that; the view holds exactly those plugins, each complete.
        var current = new CurrentPluginsDirectory(options.ResolvedCurrentDirectory);
        await current.UpdateAsync(resolved);
        var visible = Directory.EnumerateDirectories(current.Directory).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(resolved.Select(p => p.Id), visible);
        foreach (var plugin in resolved)
        {
            AssertComplete(Path.Combine(current.Directory, plugin.Id), contents[plugin.Digest.Value], when);
        }

        return index;
    }

    /// <summary>The version of each plugin in the index (the fs source offers one per plugin).</summary>
    public static Dictionary<string, string> VersionsOf(CacheIndex index)
        => index.Entries.ToDictionary(e => e.Id, e => e.Version, StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="folder"/> holds exactly the files of its content list (<c>.pbpkg/contents.json</c>, which must equal
    /// <paramref name="expected"/> when given), each with its size and SHA-256, and a plugin.yaml.
    /// </summary>
    public static void AssertComplete(string folder, PackageContents? expected, string when)
    {
        var listPath = Path.Combine(folder, PackageFormat.ContentListPath);
        Assert.True(File.Exists(listPath), $"{when}: plugin folder {folder} has no content list; it is incomplete. It holds: {Describe(folder)}");
        var list = PackageContents.Parse(File.ReadAllBytes(listPath), listPath);
        if (expected is not null)
        {
            Assert.True(list.ToJsonBytes().AsSpan().SequenceEqual(expected.ToJsonBytes()), $"{when}: plugin folder {folder} is {list.Id} {list.Version}, not the package {expected.Id} {expected.Version}.");
        }

        Assert.NotNull(list.Find("plugin.yaml"));
        var onDisk = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => f != PackageFormat.ContentListPath)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(
            onDisk.SequenceEqual(list.Files.Select(f => f.Path).Order(StringComparer.Ordinal)),
            $"{when}: plugin folder {folder} holds [{string.Join(", ", onDisk)}], its content list [{string.Join(", ", list.Files.Select(f => f.Path))}].");
        foreach (var file in list.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, file.Path));
            Assert.True(
                bytes.Length == file.Size && Convert.ToHexStringLower(SHA256.HashData(bytes)) == file.Sha256,
                $"{when}: {file.Path} in plugin folder {folder} is not the packaged file ({bytes.Length} bytes, {file.Size} listed).");
        }
    }

    private static string Describe(string folder)
        => string.Join(", ", Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)));
}
