using System.Globalization;
using System.Text;

namespace Plugboard.Hosting.Discovery;

/// <summary>
/// What a plugin folder looks like from its files' names, sizes and modification times, without reading
/// them: cheap enough to take for every folder on every periodic rescan. Two equal fingerprints mean the
/// folder was not touched in between (a same-size rewrite keeping the old modification time is the one
/// change it cannot see).
/// </summary>
internal static class PluginFolderFingerprint
{
    /// <summary>The fingerprint of <paramref name="folder"/>, or null when it does not exist.</summary>
    public static string? Of(string folder)
    {
        var directory = new DirectoryInfo(folder);
        if (!directory.Exists)
        {
            return null;
        }

        try
        {
            var files = directory.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
                .Select(f => (Path: Path.GetRelativePath(directory.FullName, f.FullName), f.Length, Ticks: f.LastWriteTimeUtc.Ticks))
                .OrderBy(f => f.Path, StringComparer.Ordinal);
            var text = new StringBuilder();
            foreach (var (path, length, ticks) in files)
            {
                text.Append(path).Append('|').Append(length.ToString(CultureInfo.InvariantCulture)).Append('|').Append(ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            return text.ToString();
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while being enumerated.
            return null;
        }
    }
}
