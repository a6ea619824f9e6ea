using Plugboard.Manifests;

namespace Plugboard.Packaging;

/// <summary>
/// Thrown when a package cannot be packed, read, verified or extracted. The message says what failed, for
/// which package and entry, and what to do; <see cref="Kind"/> lets callers react without parsing it.
/// </summary>
public sealed class PackageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PackageException(PackageErrorKind kind, string message, string? packagePath = null, string? entryPath = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        PackagePath = packagePath;
        EntryPath = entryPath;
    }

    /// <summary>Creates the exception for an invalid manifest, keeping every manifest error.</summary>
    public PackageException(string message, string? packagePath, IReadOnlyList<ManifestError> manifestErrors, Exception? innerException = null)
        : this(PackageErrorKind.ManifestInvalid, message, packagePath, PluginManifest.FileName, innerException)
        => ManifestErrors = manifestErrors;

    /// <summary>What kind of failure this is.</summary>
    public PackageErrorKind Kind { get; }

    /// <summary>The package file (or plugin folder when packing) concerned, when known.</summary>
    public string? PackagePath { get; }

    /// <summary>The path inside the package concerned, when the failure is about one entry.</summary>
    public string? EntryPath { get; }

    /// <summary>The manifest errors when <see cref="Kind"/> is <see cref="PackageErrorKind.ManifestInvalid"/>; empty otherwise.</summary>
    public IReadOnlyList<ManifestError> ManifestErrors { get; } = [];
}

/// <summary>What went wrong with a package.</summary>
public enum PackageErrorKind
{
    /// <summary>The package file or plugin folder does not exist.</summary>
    NotFound,

    /// <summary>The plugin folder cannot be packed (a symbolic link, a name that is not portable, a file too large).</summary>
    InvalidPluginFolder,

    /// <summary>The manifest is missing or invalid.</summary>
    ManifestInvalid,

    /// <summary>The manifest's id or version differs from the content list's.</summary>
    ManifestMismatch,

    /// <summary>The file is not a readable zip archive, or an entry cannot be decompressed.</summary>
    CorruptArchive,

    /// <summary>The content list is missing or malformed.</summary>
    ContentListInvalid,

    /// <summary>An entry's bytes, size or presence differ from the content list.</summary>
    ContentMismatch,

    /// <summary>An entry's path could escape the target folder or is not portable.</summary>
    UnsafePath,

    /// <summary>An entry is a symbolic link, a device, a fifo or a socket, or is encrypted.</summary>
    UnsupportedEntry,

    /// <summary>Two entries have the same path, exactly or ignoring case.</summary>
    DuplicateEntry,

    /// <summary>The package exceeds an <see cref="ExtractionLimits"/> limit (entries, sizes, compression ratio).</summary>
    LimitExceeded,

    /// <summary>The package digest differs from the expected one.</summary>
    DigestMismatch,

    /// <summary>A signature is required but the package has none.</summary>
    SignatureMissing,

    /// <summary>The signing key is not in the trust store (or no trust store was given) and a signature is required.</summary>
    UnknownSigningKey,

    /// <summary>The signature file is malformed, is for another digest, or does not verify with the trusted key.</summary>
    SignatureInvalid,

    /// <summary>The extraction target already exists.</summary>
    TargetExists,
}
