using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Sources.Cache;

namespace Plugboard.Sources.Resolution;

/// <summary>
/// A plain plugins folder for a host: <c>{directory}/{id}/</c> holds the resolved version of each plugin.
/// After a sync, only the plugins whose digest changed are replaced, each by a folder swap (the new copy is
/// staged beside the folder and renamed into place), so a host watching the folder (Plugboard.Hosting's
/// <c>PluginsDirectory</c> with <c>WatchForChanges</c>) reloads just those. Folders it did not create are left alone.
/// A replaced folder is renamed aside inside the folder under a hidden name (<c>.retired-…</c>, which hosts skip) and
/// deleted there.
/// </summary>
// The SemaphoreSlim never allocates a wait handle (AvailableWaitHandle is not read), so there is nothing to dispose.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim without a wait handle holds no unmanaged resource.")]
public sealed class CurrentPluginsDirectory
{
    // Hidden, so hosts skip it; the prefix also lets an update clear what an interrupted one left.
    private const string RetiredPrefix = ".retired-";

    private readonly ILogger _logger;
    private readonly SemaphoreSlim _updating = new(1, 1);

    /// <summary>Creates the view in <paramref name="directory"/>.</summary>
    public CurrentPluginsDirectory(string directory, ILogger<CurrentPluginsDirectory>? logger = null)
    {
        Directory = Path.GetFullPath(directory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The plugins folder to give the host.</summary>
    public string Directory { get; }

    // Outside the watched folder, on the same file system, so a swap is two renames and the host never sees a staging folder.
    private string SwapDirectory => Path.Combine(Path.GetDirectoryName(Directory)!, "." + Path.GetFileName(Directory) + ".swap");

    private string StatePath => Path.Combine(Path.GetDirectoryName(Directory)!, "." + Path.GetFileName(Directory) + ".state.json");

    /// <summary>Makes the folder hold exactly <paramref name="plugins"/> (of those it manages).</summary>
    /// <returns>The ids replaced, added or removed.</returns>
    public async Task<IReadOnlyList<string>> UpdateAsync(IReadOnlyList<ResolvedPlugin> plugins, CancellationToken cancellationToken = default)
    {
        await _updating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await UpdateLockedAsync(plugins, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _updating.Release();
        }
    }

    private async Task<IReadOnlyList<string>> UpdateLockedAsync(IReadOnlyList<ResolvedPlugin> plugins, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var retired in System.IO.Directory.EnumerateDirectories(Directory, RetiredPrefix + "*").ToList())
        {
            AtomicFile.TryDeleteDirectory(retired);
        }

        var state = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
        var changed = new List<string>();
        AtomicFile.TryDeleteDirectory(SwapDirectory);
        System.IO.Directory.CreateDirectory(SwapDirectory);
        try
        {
            foreach (var plugin in plugins)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var target = Path.Combine(Directory, plugin.Id);
                if (state.TryGetValue(plugin.Id, out var digest) && digest == plugin.Digest.Value && System.IO.Directory.Exists(target))
                {
                    continue;
                }

                var staged = Path.Combine(SwapDirectory, plugin.Id + "." + Guid.NewGuid().ToString("N"));
                Copy(plugin.Directory, staged);
                Replace(target, staged);
                state[plugin.Id] = plugin.Digest.Value;
                await WriteStateAsync(state, cancellationToken).ConfigureAwait(false);
                changed.Add(plugin.Id);
                _logger.LogInformation("Plugin {PluginId} {Version} ({Digest}) is now current in {Directory}.", plugin.Id, plugin.Version, plugin.Digest, Directory);
            }

            var wanted = plugins.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var id in state.Keys.Where(id => !wanted.Contains(id)).ToList())
            {
                Replace(Path.Combine(Directory, id), null);
                state.Remove(id);
                await WriteStateAsync(state, cancellationToken).ConfigureAwait(false);
                changed.Add(id);
                _logger.LogInformation("Plugin {PluginId} is no longer offered by any source; removed from {Directory}.", id, Directory);
            }
        }
        finally
        {
            AtomicFile.TryDeleteDirectory(SwapDirectory);
        }

        return changed;
    }

    // The old folder is renamed aside within the watched folder, never moved out of it: on Linux, .NET's
    // FileSystemWatcher drops the events that follow a directory moved out of its tree in the same read, so a
    // watching host would miss the new folder renamed in right after (and every later change inside it).
    private void Replace(string target, string? staged)
    {
        string? old = null;
        if (System.IO.Directory.Exists(target))
        {
            old = Path.Combine(Directory, RetiredPrefix + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N"));
            System.IO.Directory.Move(target, old);
        }

        if (staged is not null)
        {
            System.IO.Directory.Move(staged, target);
        }

        if (old is not null)
        {
            AtomicFile.TryDeleteDirectory(old);
        }
    }

    private static void Copy(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var directory in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(file));
            }
        }
    }

    private async Task<Dictionary<string, string>> ReadStateAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(StatePath))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        try
        {
            var state = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllBytesAsync(StatePath, cancellationToken).ConfigureAwait(false));
            return new Dictionary<string, string>(state ?? [], StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    private Task WriteStateAsync(Dictionary<string, string> state, CancellationToken cancellationToken)
        => AtomicFile.WriteAllBytesAsync(StatePath, JsonSerializer.SerializeToUtf8Bytes(state), cancellationToken);
}
