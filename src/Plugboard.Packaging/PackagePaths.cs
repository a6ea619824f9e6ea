using Plugboard.Packaging.Archive;

namespace Plugboard.Packaging;

/// <summary>
/// The rules every path inside a package follows, for tools that read other archives (a <c>.tar.gz</c> or
/// <c>.zip</c> of a plugin) and must refuse the same paths a package refuses: relative, '/'-separated, no
/// segment that could climb out of the target folder, and portable to Windows, Linux and macOS.
/// </summary>
public static class PackagePaths
{
    /// <summary>Why <paramref name="path"/> is not allowed (a phrase to follow the path in a message), or null when it is.</summary>
    /// <param name="path">A relative, '/'-separated path.</param>
    public static string? Check(string path) => EntryPath.Check(path);
}
