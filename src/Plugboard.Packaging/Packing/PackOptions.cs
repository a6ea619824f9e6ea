namespace Plugboard.Packaging;

/// <summary>How <see cref="PackageWriter"/> packs a plugin folder.</summary>
public sealed record PackOptions
{
    /// <summary>The defaults.</summary>
    public static PackOptions Default { get; } = new();

    /// <summary>
    /// File and folder names skipped wherever they occur (compared exactly). Default: <c>.git</c>.
    /// The root <c>.pbpkg</c> folder of an extracted package is always skipped: packing regenerates it.
    /// </summary>
    public IReadOnlyCollection<string> ExcludedNames { get; init; } = [".git"];

    /// <summary>
    /// The ignore file read from the root of the plugin folder: gitignore syntax, never packed itself; when present it replaces the
    /// default rules. Default: <c>.pbignore</c>; null reads none.
    /// </summary>
    public string? IgnoreFileName { get; init; } = ".pbignore";

    /// <summary>The gitignore patterns applied when the folder has no ignore file: editor, OS and npm cache droppings.</summary>
    public IReadOnlyList<string> DefaultIgnoreRules { get; init; } =
        [".vs/", ".idea/", ".vscode/", "*.user", "*.suo", ".DS_Store", "Thumbs.db", "node_modules/.cache/"];

    /// <summary>
    /// Added to <see cref="DefaultIgnoreRules"/> when the folder has no ignore file and is a .NET project folder (a <c>*.csproj</c>,
    /// <c>*.fsproj</c> or <c>*.vbproj</c> at its root): the build outputs. Elsewhere <c>bin/</c> is often where a plugin's program is.
    /// </summary>
    public IReadOnlyList<string> DefaultProjectIgnoreRules { get; init; } = ["bin/", "obj/"];
}
