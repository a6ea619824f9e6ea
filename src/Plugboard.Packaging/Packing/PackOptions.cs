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
}
