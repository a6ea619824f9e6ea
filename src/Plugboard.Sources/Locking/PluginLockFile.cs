using System.Text.Json;
using System.Text.Json.Nodes;
using Plugboard.Packaging;
using Plugboard.Sources.Cache;

namespace Plugboard.Sources.Locking;

/// <summary>
/// <c>plugboard.lock</c>: plugin id + version → package digest, recorded the first time a package is seen
/// (trust on first use). A later package with the same id and version but other bytes is refused
/// (<see cref="LockConflictException"/>) until the entry is removed on purpose (<see cref="Unlock"/>, or
/// <c>SyncOptions.Relock</c>).
/// </summary>
/// <remarks>The file is JSON: <c>{ "format": 1, "plugins": { "id": { "1.0.0": "sha256:…" } } }</c>, keys sorted, so it diffs well in version control.</remarks>
public sealed class PluginLockFile
{
    /// <summary>The lock format this library writes.</summary>
    public const int CurrentFormat = 1;

    private readonly SortedDictionary<string, SortedDictionary<string, string>> _plugins = new(StringComparer.Ordinal);

    private PluginLockFile(string path) => Path = path;

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Every locked (id, version, digest).</summary>
    public IEnumerable<(string Id, string Version, PackageDigest Digest)> Entries
        => _plugins.SelectMany(p => p.Value.Select(v => (p.Key, v.Key, PackageDigest.Parse(v.Value))));

    /// <summary>Reads the lock file; an empty lock when the file does not exist yet.</summary>
    /// <exception cref="InvalidDataException">The file is not a lock file; the message names it and the problem.</exception>
    public static async Task<PluginLockFile> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        var lockFile = new PluginLockFile(System.IO.Path.GetFullPath(path));
        if (!File.Exists(lockFile.Path))
        {
            return lockFile;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(await File.ReadAllTextAsync(lockFile.Path, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Lock file '{lockFile.Path}' is not valid JSON ({ex.Message}). Restore it from version control, or delete it to trust the next sync's packages anew.", ex);
        }

        if (root is not JsonObject obj || obj["plugins"] is not JsonObject plugins)
        {
            throw new InvalidDataException($"Lock file '{lockFile.Path}' must be a JSON object with a 'plugins' object.");
        }

        foreach (var (id, versions) in plugins)
        {
            if (versions is not JsonObject byVersion)
            {
                throw new InvalidDataException($"Lock file '{lockFile.Path}': plugins.{id} must be an object of version → digest.");
            }

            foreach (var (version, digest) in byVersion)
            {
                var text = digest?.GetValueKind() == JsonValueKind.String ? digest.GetValue<string>() : null;
                if (!PackageDigest.TryParse(text, out var parsed))
                {
                    throw new InvalidDataException($"Lock file '{lockFile.Path}': plugins.{id}.{version} is not a digest ('sha256:' + 64 hex digits).");
                }

                lockFile.Record(id, version, parsed);
            }
        }

        return lockFile;
    }

    /// <summary>The digest locked for <paramref name="id"/> at <paramref name="version"/>, or null.</summary>
    public PackageDigest? Find(string id, string version)
        => _plugins.TryGetValue(id, out var versions) && versions.TryGetValue(version, out var digest) ? PackageDigest.Parse(digest) : null;

    /// <summary>
    /// Checks <paramref name="digest"/> against the lock and records it when the id and version are new.
    /// </summary>
    /// <returns>Whether the lock changed.</returns>
    /// <exception cref="LockConflictException">The id and version are locked to another digest.</exception>
    public bool Check(string id, string version, PackageDigest digest, string origin)
    {
        var locked = Find(id, version);
        if (locked is null)
        {
            Record(id, version, digest);
            return true;
        }

        if (locked != digest)
        {
            throw new LockConflictException(id, version, locked, digest, origin, Path);
        }

        return false;
    }

    /// <summary>Removes the lock of <paramref name="id"/> at <paramref name="version"/> (every version when null), so the next sync records what it finds.</summary>
    /// <returns>Whether anything was removed.</returns>
    public bool Unlock(string id, string? version = null)
    {
        if (!_plugins.TryGetValue(id, out var versions))
        {
            return false;
        }

        var removed = version is null ? versions.Count > 0 : versions.Remove(version);
        if (version is null || versions.Count == 0)
        {
            _plugins.Remove(id);
        }

        return removed;
    }

    /// <summary>Writes the lock file atomically.</summary>
    public Task SaveAsync(CancellationToken cancellationToken = default)
    {
        var plugins = new JsonObject();
        foreach (var (id, versions) in _plugins)
        {
            var byVersion = new JsonObject();
            foreach (var (version, digest) in versions)
            {
                byVersion[version] = digest;
            }

            plugins[id] = byVersion;
        }

        var root = new JsonObject { ["format"] = CurrentFormat, ["plugins"] = plugins };
        var bytes = System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return AtomicFile.WriteAllBytesAsync(Path, bytes, cancellationToken);
    }

    private void Record(string id, string version, PackageDigest digest)
    {
        if (!_plugins.TryGetValue(id, out var versions))
        {
            versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
            _plugins[id] = versions;
        }

        versions[version] = digest.Value;
    }
}
