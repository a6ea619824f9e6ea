using MAB.DotIgnore;

namespace Plugboard.Packaging;

/// <summary>
/// What packing leaves out of a plugin folder: the rules of its ignore file (gitignore syntax, <see cref="PackOptions.IgnoreFileName"/>),
/// or, without one, <see cref="PackOptions.DefaultIgnoreRules"/> plus, in a .NET project folder, <see cref="PackOptions.DefaultProjectIgnoreRules"/>.
/// </summary>
internal sealed class IgnoreRules
{
    private static readonly string[] ProjectFilePatterns = ["*.csproj", "*.fsproj", "*.vbproj"];

    private readonly IgnoreList _list;

    private IgnoreRules(IgnoreList list, string origin, string? ignoreFile)
    {
        _list = list;
        Origin = origin;
        IgnoreFile = ignoreFile;
    }

    /// <summary>Where the rules come from, for messages: the ignore file's name, or which defaults.</summary>
    public string Origin { get; }

    /// <summary>The ignore file's path in the folder (never packed), or null when the defaults apply.</summary>
    public string? IgnoreFile { get; }

    public static IgnoreRules For(string root, PackOptions options)
    {
        if (options.IgnoreFileName is { } name && Path.Combine(root, name) is var file && File.Exists(file))
        {
            return new IgnoreRules(new IgnoreList(Patterns(File.ReadLines(file))), name, file);
        }

        var project = ProjectFilePatterns.Any(pattern => Directory.EnumerateFiles(root, pattern).Any());
        var rules = project ? options.DefaultIgnoreRules.Concat(options.DefaultProjectIgnoreRules) : options.DefaultIgnoreRules;
        var origin = project ? "default rules for a .NET project folder" : "default rules";
        return new IgnoreRules(new IgnoreList(Patterns(rules)), origin, null);
    }

    /// <summary>Whether <paramref name="path"/> (relative, '/' separated) is left out; a folder's rules apply to everything in it.</summary>
    public bool IsIgnored(string path, bool isDirectory) => _list.IsIgnored(path, isDirectory);

    /// <summary>Whether a file is left out by its own rule or one of a folder above it (as git: a file in an ignored folder cannot be taken back).</summary>
    public bool IsIgnoredWithFolders(string path)
    {
        var parts = path.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            if (IsIgnored(string.Join('/', parts[..i]), isDirectory: true))
            {
                return true;
            }
        }

        return IsIgnored(path, isDirectory: false);
    }

    // gitignore: blank lines and lines starting with '#' are no patterns (a pattern starting with '#' is written '\#').
    private static IEnumerable<string> Patterns(IEnumerable<string> lines) =>
        lines.Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0 && !l.StartsWith('#'));
}
