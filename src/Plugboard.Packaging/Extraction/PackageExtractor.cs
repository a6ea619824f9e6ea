using Plugboard.Packaging.Archive;

namespace Plugboard.Packaging;

/// <summary>
/// Extracts a package safely: the archive is checked before anything is written (paths, entry types,
/// duplicates, limits, content list), every byte is measured and hashed as it is decompressed, and the
/// files land in a hidden sibling folder that is moved into place only when all of them check out. On
/// any failure nothing is left behind.
/// </summary>
public static class PackageExtractor
{
    /// <summary>
    /// Extracts <paramref name="packagePath"/> into <paramref name="targetDirectory"/>, which must not exist.
    /// The package's <c>.pbpkg/contents.json</c> is extracted too, so the folder can be re-checked later.
    /// </summary>
    /// <param name="packagePath">The package file.</param>
    /// <param name="targetDirectory">The folder to create; its parent is created when missing.</param>
    /// <param name="limits">The limits on what the archive may cost; <see cref="ExtractionLimits.Default"/> when null.</param>
    /// <param name="expectedDigest">
    /// The digest the package must have (e.g. the one <see cref="PackageVerifier"/> checked or the lock
    /// records). It is computed from the same open file that is extracted, so the bytes verified are the
    /// bytes extracted.
    /// </param>
    /// <param name="cancellationToken">Cancels the extraction; nothing is left behind.</param>
    /// <exception cref="PackageException">The package is unsafe, damaged, over a limit or not the expected one, or the target exists; nothing was written.</exception>
    public static async Task<ExtractedPackage> ExtractAsync(
        string packagePath, string targetDirectory, ExtractionLimits? limits = null, PackageDigest? expectedDigest = null, CancellationToken cancellationToken = default)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetDirectory));
        var package = Path.GetFullPath(packagePath);
        if (Directory.Exists(target) || File.Exists(target))
        {
            throw TargetExists(package, target);
        }

        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"Cannot extract into a file system root ('{target}').", nameof(targetDirectory));
        Directory.CreateDirectory(parent);

        // A sibling in the same folder, so the final move is a rename on one file system.
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.extracting-{Guid.NewGuid():N}");
        try
        {
            PackageDigest digest;
            PackageContents contents;
            byte[] contentList;
            using (var reader = await PackageArchiveReader.OpenAsync(package, limits ?? ExtractionLimits.Default, expectedDigest, cancellationToken).ConfigureAwait(false))
            {
                digest = reader.Digest;
                contents = reader.Contents;
                contentList = reader.ContentListBytes;
                Directory.CreateDirectory(staging);
                foreach (var file in contents.Files)
                {
                    var destination = DestinationPath(staging, file.Path, package);
                    Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
// await using disposes it on every path; CA2000 misreads the flow here.
#pragma warning disable CA2000
                    await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
#pragma warning restore CA2000
                    {
                        await reader.CopyFileAsync(file, output, cancellationToken).ConfigureAwait(false);
                    }

                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(destination, file.Executable ? ExecutableMode : RegularMode);
                    }
                }

                var list = DestinationPath(staging, PackageFormat.ContentListPath, package);
                Directory.CreateDirectory(Path.GetDirectoryName(list)!);
                await File.WriteAllBytesAsync(list, contentList, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (Directory.Exists(target) || File.Exists(target))
            {
                // Someone else extracted to the same place meanwhile.
                throw TargetExists(package, target);
            }

            return new ExtractedPackage { Directory = target, Digest = digest, Contents = contents };
        }
        catch
        {
            DeleteQuietly(staging);
            throw;
        }
    }

    private const UnixFileMode RegularMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ExecutableMode = RegularMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Where an entry goes. The reader already refused unsafe paths; this re-checks the resolved path
    /// stays inside the staging folder, so a gap in those rules can never write elsewhere.
    /// </summary>
    private static string DestinationPath(string staging, string entryPath, string package)
    {
        var destination = Path.GetFullPath(Path.Combine(staging, entryPath.Replace('/', Path.DirectorySeparatorChar)));
        if (!destination.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new PackageException(
                PackageErrorKind.UnsafePath,
                $"Package '{package}': entry '{entryPath}' resolves outside the target folder. Refusing to extract it: the package is malicious; do not use it.",
                package,
                entryPath);
        }

        return destination;
    }

    private static PackageException TargetExists(string package, string target) => new(
        PackageErrorKind.TargetExists,
        $"Cannot extract package '{package}': '{target}' already exists. Remove it or extract somewhere else.",
        package);

    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: the staging folder is hidden and uniquely named; the original error matters more.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
