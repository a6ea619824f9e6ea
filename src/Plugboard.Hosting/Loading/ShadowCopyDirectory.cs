using System.Diagnostics;

namespace Plugboard.Hosting.Loading;

/// <summary>
/// A temporary folder holding copies of one plugin version's native libraries: the process maps the
/// copy, so the plugin's own files stay free to be overwritten or deleted while it is loaded. Deleted
/// when the version is unloaded; folders left by a process that died are removed at the next start.
/// </summary>
internal sealed class ShadowCopyDirectory
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "plugboard-shadow");
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _copies = new(StringComparer.Ordinal);
    private string? _path;

    /// <summary>Copies <paramref name="sourcePath"/> (once) and returns the path of the copy.</summary>
    public string Copy(string sourcePath, string pluginId)
    {
        lock (_gate)
        {
            if (_copies.TryGetValue(sourcePath, out var existing))
            {
                return existing;
            }

            _path ??= Directory.CreateDirectory(
                Path.Combine(Root, $"{Environment.ProcessId}-{pluginId}-{Guid.NewGuid():N}")).FullName;

            // Keep the file name: the runtime and the library itself may look for it by name.
            var target = Path.Combine(_path, $"{_copies.Count}", Path.GetFileName(sourcePath));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(sourcePath, target, overwrite: true);
            _copies[sourcePath] = target;
            return target;
        }
    }

    /// <summary>Deletes the copies; best effort (Windows keeps loaded libraries locked).</summary>
    public void Delete()
    {
        lock (_gate)
        {
            if (_path is null)
            {
                return;
            }

            try
            {
                Directory.Delete(_path, recursive: true);
                _path = null;
                _copies.Clear();
                DeleteRootIfEmpty();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for DeleteAbandoned at the next start.
            }
        }
    }

    /// <summary>Removes shadow folders of processes that are no longer running.</summary>
    public static void DeleteAbandoned()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(dir);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), out var pid) || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Still in use by someone; try again next time.
            }
        }
    }

    private static void DeleteRootIfEmpty()
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(Root).Any())
            {
                Directory.Delete(Root);
            }
        }
        catch (IOException)
        {
            // Another plugin created its folder meanwhile.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
