using System.Text;

namespace Plugboard.Packaging.Archive;

/// <summary>
/// The rules every path inside a package follows, on packing and on reading: relative, '/'-separated,
/// no segment that could climb out of the target folder, and portable to Windows, Linux and macOS.
/// </summary>
internal static class EntryPath
{
    public const int MaxLength = 1024;
    public const int MaxSegmentLength = 255;

    private static readonly HashSet<string> WindowsDeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>Why <paramref name="path"/> is not allowed (a phrase to follow the path in a message), or null when it is.</summary>
    public static string? Check(string path)
    {
        if (path.Length == 0)
        {
            return "is empty";
        }

        if (path.Length > MaxLength)
        {
            return $"is longer than {MaxLength} characters";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "contains a backslash, which Windows reads as a folder separator; package paths use '/' only";
        }

        if (path[0] == '/')
        {
            return "is absolute; package paths are relative to the plugin folder";
        }

        if (path.Contains(':', StringComparison.Ordinal))
        {
            return "contains ':' (a drive letter or an NTFS alternate stream)";
        }

        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                return "contains a control character";
            }

            if (c is '<' or '>' or '"' or '|' or '?' or '*')
            {
                return $"contains '{c}', which is not allowed in file names on Windows";
            }
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "contains an empty segment ('//' or a trailing '/')";
            }

            if (segment is "." or "..")
            {
                return $"contains a '{segment}' segment, which could point outside the target folder";
            }

            if (segment.Length > MaxSegmentLength)
            {
                return $"has a segment longer than {MaxSegmentLength} characters";
            }

            if (segment[^1] is '.' or ' ')
            {
                return "has a segment ending in '.' or ' ', which Windows silently strips";
            }

            var stem = segment.Split('.')[0].TrimEnd(' ');
            if (WindowsDeviceNames.Contains(stem))
            {
                return $"has a segment named '{stem}', a reserved device name on Windows";
            }
        }

        return null;
    }

    /// <summary>
    /// The one order of entries in a package: by Unicode code point, which is the byte order of the
    /// UTF-8 names, so any language can reproduce it (UTF-16 ordinal order differs above U+D7FF).
    /// </summary>
    public static readonly IComparer<string> Order = Comparer<string>.Create(CompareCodePoints);

    /// <summary>
    /// The key two paths collide on when extracted to a case-insensitive or normalizing file system
    /// (Windows, macOS): Unicode NFC, upper-cased invariantly.
    /// </summary>
    public static string FoldForComparison(string path) => path.Normalize(NormalizationForm.FormC).ToUpperInvariant();

    /// <summary>Every folder a file path needs, e.g. <c>a</c> and <c>a/b</c> for <c>a/b/c.dll</c>.</summary>
    public static IEnumerable<string> ParentFolders(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    private static int CompareCodePoints(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var left = a.EnumerateRunes();
        var right = b.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            var difference = left.Current.Value.CompareTo(right.Current.Value);
            if (difference != 0)
            {
                return difference;
            }
        }
    }
}
