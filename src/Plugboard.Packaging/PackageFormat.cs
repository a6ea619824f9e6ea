namespace Plugboard.Packaging;

/// <summary>Names and constants of the <c>.pbpkg</c> format (see <c>docs/packaging.md</c>).</summary>
public static class PackageFormat
{
    /// <summary>The file extension of a package, with its dot.</summary>
    public const string Extension = ".pbpkg";

    /// <summary>The archive path of the content list.</summary>
    public const string ContentListPath = ".pbpkg/contents.json";

    /// <summary>The folder inside a package reserved for Plugboard's own files.</summary>
    public const string ReservedFolder = ".pbpkg";

    /// <summary>The version of the content list format this library writes and reads.</summary>
    public const int ContentListFormat = 1;

    /// <summary>What is appended to a package path to name its detached signature.</summary>
    public const string SignatureSuffix = ".sig";

    /// <summary>The path of the detached signature of a package: the package path plus <c>.sig</c>.</summary>
    public static string SignaturePathFor(string packagePath) => packagePath + SignatureSuffix;

    /// <summary>The conventional file name of a package: <c>{id}-{version}.pbpkg</c>.</summary>
    public static string FileNameFor(string id, string version) => $"{id}-{version}{Extension}";
}
