namespace Plugboard.Packaging;

/// <summary>One file of a package as recorded in its content list.</summary>
/// <param name="Path">The path inside the package, with <c>/</c> separators.</param>
/// <param name="Size">The uncompressed size in bytes.</param>
/// <param name="Sha256">The lower-case hex SHA-256 of the uncompressed bytes.</param>
/// <param name="Executable">Whether the file is extracted with execute permission (mode 0755 instead of 0644).</param>
public sealed record PackageFileEntry(string Path, long Size, string Sha256, bool Executable = false);
