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
            // Plain arrays of references, not LINQ over tuples: this runs before a host's first plugin loads, and
            // generic code over value types is compiled at run time even in a ReadyToRun host.
            var files = directory.GetFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 });
            var paths = new string[files.Length];
            for (var i = 0; i < files.Length; i++)
            {
                paths[i] = Path.GetRelativePath(directory.FullName, files[i].FullName);
            }

            Array.Sort(paths, files, StringComparer.Ordinal);
            var text = new StringBuilder();
            for (var i = 0; i < files.Length; i++)
            {
                text.Append(paths[i]).Append('|').Append(files[i].Length.ToString(CultureInfo.InvariantCulture)).Append('|')
                    .Append(files[i].LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
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
