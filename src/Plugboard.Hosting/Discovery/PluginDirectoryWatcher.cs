using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Discovery;

/// <summary>
/// Watches a plugins directory and reports which plugin folder changed, once it has been quiet for the
/// debounce period: copying a new version writes many files, and the folder should be reloaded once,
/// after the last of them. File-system events can be lost (inotify overflow, a folder moved out of the
/// watched tree), so it also rescans every <c>rescanInterval</c>: each folder's
/// <see cref="PluginFolderFingerprint"/> is compared with the one taken when it was last handed on, and a
/// folder that differs (or appeared, or vanished) goes through the same debounced path as an event.
/// </summary>
internal sealed class PluginDirectoryWatcher : IDisposable
{
    private readonly string _root;
    private readonly TimeSpan _debounce;
    private readonly Func<string, Task> _onFolderChanged;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly ConcurrentDictionary<string, Timer> _pending = new(StringComparer.Ordinal);

    // Each folder's fingerprint as of the last time it was handed to onFolderChanged (or first seen).
    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);
    private readonly Timer? _rescanTimer;
    private int _rescanning;
    private int _completedRescans;
    private volatile bool _disposed;

    /// <param name="root">The plugins directory.</param>
    /// <param name="debounce">How long a folder must stay quiet before it is handed on.</param>
    /// <param name="rescanInterval">How often to rescan for changes the events missed; zero for never.</param>
    /// <param name="onFolderChanged">What to do with a changed plugin folder.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="raiseEvents">False only in tests, to stand for a watcher that loses every event.</param>
    public PluginDirectoryWatcher(string root, TimeSpan debounce, TimeSpan rescanInterval, Func<string, Task> onFolderChanged, ILogger logger, bool raiseEvents = true)
    {
        _root = Path.GetFullPath(root);
        _debounce = debounce;
        _onFolderChanged = onFolderChanged;
        _logger = logger;
        _watcher = new FileSystemWatcher(_root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Created += OnChanged;
        _watcher.Changed += OnChanged;
        _watcher.Deleted += OnChanged;
        _watcher.Renamed += OnRenamed;
        _watcher.Error += OnError;
        _watcher.EnableRaisingEvents = raiseEvents;
        if (rescanInterval > TimeSpan.Zero)
        {
            // The baseline is what the host is about to load; changes from here on are caught.
            foreach (var folder in PluginFolders())
            {
                if (PluginFolderFingerprint.Of(folder) is { } fingerprint)
                {
                    _seen[folder] = fingerprint;
                }
            }

            _rescanTimer = new Timer(_ => Rescan(), null, rescanInterval, rescanInterval);
        }
    }

    /// <summary>How many periodic rescans have finished (tests wait on it rather than on the clock).</summary>
    public int CompletedRescans => Volatile.Read(ref _completedRescans);

    public void Dispose()
    {
        _disposed = true;
        _rescanTimer?.Dispose();
        _watcher.Dispose();
        foreach (var timer in _pending.Values)
        {
            timer.Dispose();
        }

        _pending.Clear();
    }

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        Schedule(e.OldFullPath);
        Schedule(e.FullPath);
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => Schedule(e.FullPath);

    private void OnError(object sender, ErrorEventArgs e)
    {
        // Events were lost (buffer overflow): look at every folder again.
        _logger.LogWarning(e.GetException(), "Watching {PluginsDirectory} lost events; rescanning every plugin folder", _root);
        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            Schedule(folder);
        }
    }

    private void Schedule(string path)
    {
        var folder = PluginFolderOf(path);
        if (folder is null || _disposed)
        {
            return;
        }

        var timer = _pending.GetOrAdd(folder, f => new Timer(Fire, f, Timeout.Infinite, Timeout.Infinite));
        timer.Change(_debounce, Timeout.InfiniteTimeSpan);
    }

    private void Fire(object? state)
    {
        var folder = (string)state!;
        if (_pending.TryRemove(folder, out var timer))
        {
            timer.Dispose();
        }

        if (_disposed)
        {
            return;
        }

        // Fingerprint before the host reads the folder: a change made while it loads then differs at the next rescan.
        if (PluginFolderFingerprint.Of(folder) is { } fingerprint)
        {
            _seen[folder] = fingerprint;
        }
        else
        {
            _seen.TryRemove(folder, out _);
        }

        _ = RunAsync(folder);
    }

    private async Task RunAsync(string folder)
    {
        try
        {
            await _onFolderChanged(folder).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Reacting to a change in {PluginFolder} failed", folder);
        }
    }

    private void Rescan()
    {
        if (_disposed || Interlocked.Exchange(ref _rescanning, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var folder in PluginFolders().Union(_seen.Keys, StringComparer.Ordinal).ToList())
            {
                if (_disposed)
                {
                    return;
                }

                // A folder already waiting out its debounce is handed on anyway, fingerprinted then.
                if (_pending.ContainsKey(folder))
                {
                    continue;
                }

                var fingerprint = PluginFolderFingerprint.Of(folder);
                var known = _seen.TryGetValue(folder, out var last);
                if (fingerprint is null ? known : !known || last != fingerprint)
                {
                    _logger.LogInformation("Rescanning {PluginsDirectory} found {PluginFolder} changed without a file-system event; reloading it", _root, folder);
                    Schedule(folder);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "Rescanning {PluginsDirectory} for changed plugin folders failed; trying again in the next interval", _root);
        }
        finally
        {
            Interlocked.Increment(ref _completedRescans);
            Volatile.Write(ref _rescanning, 0);
        }
    }

    private IEnumerable<string> PluginFolders() =>
        Directory.Exists(_root)
            ? Directory.EnumerateDirectories(_root).Where(d => !PluginDirectoryScanner.IsHidden(d))
            : [];

    // The top-level folder under the root that a changed path belongs to.
    private string? PluginFolderOf(string path)
    {
        var relative = Path.GetRelativePath(_root, path);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return null;
        }

        var first = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], 2)[0];
        return first.StartsWith('.') ? null : Path.Combine(_root, first);
    }
}
