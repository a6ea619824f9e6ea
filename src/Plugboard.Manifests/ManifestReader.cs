namespace Plugboard.Manifests;

/// <summary>Reads and validates <c>plugin.yaml</c> files.</summary>
public static class ManifestReader
{
    /// <summary>Reads the manifest in a plugin folder or at a file path.</summary>
    /// <exception cref="ManifestException">The file is missing, not valid YAML, or has invalid values; lists every error.</exception>
    public static PluginManifest ReadFile(string path) => throw new NotImplementedException("SKELETON: being written");

    /// <summary>Parses manifest text; <paramref name="fileName"/> is used in error messages.</summary>
    /// <exception cref="ManifestException">Lists every error with line/column or field path.</exception>
    public static PluginManifest Parse(string yaml, string fileName = PluginManifest.FileName) => throw new NotImplementedException("SKELETON: being written");
}

/// <summary>One problem in a manifest.</summary>
/// <param name="File">The manifest file.</param>
/// <param name="Line">1-based line, when known.</param>
/// <param name="Column">1-based column, when known.</param>
/// <param name="Path">The field path, e.g. <c>contracts[0].version</c>, when the problem is a value.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record ManifestError(string File, int? Line, int? Column, string? Path, string Message);

/// <summary>Thrown when a manifest cannot be read; carries every error found.</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ManifestException(IReadOnlyList<ManifestError> errors) : base("SKELETON") => Errors = errors;

    /// <summary>Every error found.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }
}
