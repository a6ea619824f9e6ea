using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Discovery;

/// <summary>
/// Watches a plugins directory and reports which plugin folder changed, once it has been quiet for the
/// debounce period: copying a new version writes many files, and the folder should be reloaded once,
/// after the last of them. File-system events can be lost (inotify overflow, the directory swapped for
/// another), so it also rescans every <c>rescanInterval</c>: each folder's <see cref="PluginFolderFingerprint"/>
/// is compared with the one taken when it was last handed on, and a folder that differs (or appeared, or
/// vanished) goes through the same debounced path as an event.
/// </summary>
/// <remarks>
/// Debounced folders are handed on by a dedicated thread, not the thread pool: a host whose callers hold
/// every pool thread in synchronous plugin calls still picks a change up within the debounce plus the load
/// time. That thread waits on the host's <see cref="TimeProvider"/> (a timer of the provider wakes it) and,
/// as a fallback that needs no pool thread, for the remaining time itself.
/// </remarks>
internal sealed class PluginDirectoryWatcher : IDisposable
{
    private readonly string _root;
    private readonly TimeSpan _debounce;
    private readonly Func<string, Task> _onFolderChanged;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FileSystemWatcher _watcher;
    private readonly Lock _gate = new();

    // Folders waiting out their debounce, with when they are due (on the provider's clock).
    private readonly Dictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);

    // Each folder's fingerprint as of the last time it was handed to onFolderChanged (or first seen).
    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);
    private readonly ITimer _wakeTimer;
    private readonly ITimer? _rescanTimer;
    // Disposed by the watcher's thread when it ends, not by Dispose: that thread may be waiting on it then.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "The watcher's own thread disposes it as it ends; Dispose only wakes that thread.")]
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _worker;
    private int _rescanning;
    private volatile bool _disposed;

    /// <param name="root">The plugins directory.</param>
    /// <param name="debounce">How long a folder must stay quiet before it is handed on.</param>
    /// <param name="rescanInterval">How often to rescan for changes the events missed; zero for never.</param>
    /// <param name="onFolderChanged">What to do with a changed plugin folder; runs on the watcher's own thread, one folder at a time.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="timeProvider">The clock of the debounce and the rescans.</param>
    public PluginDirectoryWatcher(string root, TimeSpan debounce, TimeSpan rescanInterval, Func<string, Task> onFolderChanged, ILogger logger, TimeProvider timeProvider)
    {
        _root = Path.GetFullPath(root);
        _debounce = debounce;
        _onFolderChanged = onFolderChanged;
        _logger = logger;
        _time = timeProvider;
        _wakeTimer = _time.CreateTimer(_ => Wake(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _worker = new Thread(HandOnDueFolders) { IsBackground = true, Name = "Plugboard plugin folder watcher" };
        _worker.Start();
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

            _rescanTimer = _time.CreateTimer(_ => Rescan(), null, rescanInterval, rescanInterval);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _rescanTimer?.Dispose();
        _wakeTimer.Dispose();
        _watcher.Dispose();
        lock (_gate)
        {
            _due.Clear();
        }

        // The worker sees _disposed and ends; it is not waited for (it may be loading a plugin, which the host's stop cancels).
        Wake();
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
        _logger.WatchLostEvents(e.GetException(), _root);
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

        lock (_gate)
        {
            _due[folder] = _time.GetUtcNow() + _debounce;
            ArmWakeTimer();
        }

        Wake();
    }

    // Under _gate: the provider's timer wakes the worker when the earliest folder is due.
    private void ArmWakeTimer()
    {
        if (_disposed || _due.Count == 0)
        {
            return;
        }

        var wait = _due.Values.Min() - _time.GetUtcNow();
        _wakeTimer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void HandOnDueFolders()
    {
        try
        {
            HandOnUntilDisposed();
        }
        finally
        {
            _wake.Dispose();
        }
    }

    private void HandOnUntilDisposed()
    {
        while (!_disposed)
        {
            var ready = new List<string>();
            TimeSpan? untilNext = null;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                foreach (var (folder, due) in _due)
                {
                    if (due <= now)
                    {
                        ready.Add(folder);
                    }
                    else if (untilNext is null || due - now < untilNext)
                    {
                        untilNext = due - now;
                    }
                }

                foreach (var folder in ready)
                {
                    _due.Remove(folder);
                }
            }

            foreach (var folder in ready.Order(StringComparer.Ordinal))
            {
                if (_disposed)
                {
                    return;
                }

                HandOn(folder);
            }

            if (ready.Count == 0)
            {
                // Woken by the provider's timer or by a new event; the timeout is the fallback on the real clock.
                _wake.Wait(untilNext ?? Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void HandOn(string folder)
    {
        // Fingerprint before the host reads the folder: a change made while it loads then differs at the next rescan.
        if (PluginFolderFingerprint.Of(folder) is { } fingerprint)
        {
            _seen[folder] = fingerprint;
        }
        else
        {
            _seen.TryRemove(folder, out _);
        }

        try
        {
            // Blocking on purpose, on this thread of the watcher's own: a plugin that loads and initializes
            // synchronously is swapped in without waiting for a pool thread, and folders go one at a time.
            _onFolderChanged(folder).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_disposed)
        {
        }
        catch (Exception ex)
        {
            _logger.ReactingToChangeFailed(ex, folder);
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
                lock (_gate)
                {
                    if (_due.ContainsKey(folder))
                    {
                        continue;
                    }
                }

                var fingerprint = PluginFolderFingerprint.Of(folder);
                var known = _seen.TryGetValue(folder, out var last);
                if (fingerprint is null ? known : !known || last != fingerprint)
                {
                    _logger.RescanFoundChange(_root, folder);
                    Schedule(folder);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.RescanFailed(ex, _root);
        }
        finally
        {
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
