using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Discovery;

/// <summary>
/// Watches a plugins directory and reports which plugin folder changed, once it has been quiet for the
/// debounce period: copying a new version writes many files, and the folder should be reloaded once,
/// after the last of them.
/// </summary>
internal sealed class PluginDirectoryWatcher : IDisposable
{
    private readonly string _root;
    private readonly TimeSpan _debounce;
    private readonly Func<string, Task> _onFolderChanged;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly ConcurrentDictionary<string, Timer> _pending = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    public PluginDirectoryWatcher(string root, TimeSpan debounce, Func<string, Task> onFolderChanged, ILogger logger)
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
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _disposed = true;
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
