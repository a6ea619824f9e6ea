using System.Security.Cryptography;
using Plugboard.Manifests;
using Plugboard.Packaging.Archive;

namespace Plugboard.Packaging;

/// <summary>
/// Packs a plugin folder into a <c>.pbpkg</c>: the same files (names, bytes and execute bits) always
/// give the same archive bytes, whatever their timestamps or the order the file system lists them in.
/// </summary>
public static class PackageWriter
{
    /// <summary>
    /// Packs <paramref name="pluginDirectory"/> into the file <paramref name="outputPath"/>. The file appears
    /// complete or not at all (written aside, then moved into place); an existing file is replaced.
    /// </summary>
    /// <exception cref="PackageException">The folder or its manifest cannot be packed; the message says why and what to do.</exception>
    public static async Task<PackageInfo> PackAsync(string pluginDirectory, string outputPath, PackOptions? options = null, CancellationToken cancellationToken = default)
    {
        var output = Path.GetFullPath(outputPath);
        var folder = Path.GetDirectoryName(output)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(output)}.{Guid.NewGuid():N}.tmp");
        try
        {
            PackageInfo info;
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                info = await PackCoreAsync(pluginDirectory, stream, options ?? PackOptions.Default, [output, temp], cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, output, overwrite: true);
            return info with { Path = output };
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Packs <paramref name="pluginDirectory"/> into <paramref name="output"/> (written forward only; any stream).</summary>
    /// <exception cref="PackageException">The folder or its manifest cannot be packed; the message says why and what to do.</exception>
    public static Task<PackageInfo> PackAsync(string pluginDirectory, Stream output, PackOptions? options = null, CancellationToken cancellationToken = default)
        => PackCoreAsync(pluginDirectory, output, options ?? PackOptions.Default, [], cancellationToken);

    private static async Task<PackageInfo> PackCoreAsync(string pluginDirectory, Stream output, PackOptions options, string[] skippedPaths, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(pluginDirectory);
        if (!Directory.Exists(root))
        {
            throw new PackageException(PackageErrorKind.NotFound, $"Cannot pack '{root}': the folder does not exist.", root);
        }

        var manifest = ReadManifest(root);
        var executables = DeclaredExecutables(manifest);
        var leftOut = new List<string>();
        var ignore = IgnoreRules.For(root, options);
        RefuseIgnoredEntries(root, manifest, ignore);
        var files = PluginFolder.Collect(root, options.ExcludedNames, skippedPaths, ignore, executables, leftOut);

        // First pass: the content list goes into the archive, so every file is hashed before writing.
        var listed = new List<PackageFileEntry>(files.Count);
        foreach (var file in files)
        {
            await using var stream = OpenForRead(file.FullPath);
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            listed.Add(new PackageFileEntry(file.Path, stream.Length, Convert.ToHexStringLower(hash), file.Executable));
        }

        var contents = new PackageContents(manifest.Id, manifest.Version.ToFullString(), listed);
        var contentListBytes = contents.ToJsonBytes();
        var fullPaths = files.ToDictionary(f => f.Path, f => f.FullPath, StringComparer.Ordinal);

        await using var hashing = new HashingWriteStream(output);
        var zip = new DeterministicZipWriter(hashing);
        var entries = contents.Files.Select(f => f.Path).Append(PackageFormat.ContentListPath).Order(EntryPath.Order);
        foreach (var path in entries)
        {
            if (path == PackageFormat.ContentListPath)
            {
                using var list = new MemoryStream(contentListBytes, writable: false);
                await zip.AddAsync(path, list, executable: false, list.Length, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var expected = contents.Find(path)!;
// await using disposes it on every path; CA2000 misreads the flow here.
#pragma warning disable CA2000
            await using var stream = OpenForRead(fullPaths[path]);
#pragma warning restore CA2000
            var (size, sha256) = await zip.AddAsync(path, stream, expected.Executable, expected.Size, cancellationToken).ConfigureAwait(false);
            if (size != expected.Size || sha256 != expected.Sha256)
            {
                throw new PackageException(
                    PackageErrorKind.InvalidPluginFolder,
                    $"Cannot pack '{root}': '{path}' changed while it was being packed. Pack again when nothing is writing to the folder.",
                    root,
                    path);
            }
        }

        await zip.FinishAsync(cancellationToken).ConfigureAwait(false);
        return new PackageInfo
        {
            Id = contents.Id,
            Version = contents.Version,
            Digest = hashing.GetDigest(),
            FileCount = contents.Files.Count,
            Size = zip.Length,
            Contents = contents,
            LeftOut = [.. leftOut.Order(EntryPath.Order)],
            IgnoreRules = ignore.Origin,
        };
    }

    private static PluginManifest ReadManifest(string root)
    {
        try
        {
            return ManifestReader.ReadFile(root);
        }
        catch (ManifestException ex)
        {
            throw new PackageException(
                $"Cannot pack '{root}': its {PluginManifest.FileName} is invalid:{Environment.NewLine}{ManifestErrorText.Format(ex.Errors)}{Environment.NewLine}Fix the manifest and pack again.",
                root,
                ex.Errors,
                ex);
        }
    }

    // A package without its entry could not run: refuse rather than pack it, naming the rules that left the entry out.
    private static void RefuseIgnoredEntries(string root, PluginManifest manifest, IgnoreRules ignore)
    {
        foreach (var entry in manifest.Entry.Values)
        {
            var file = (manifest.Runtime == PluginRuntimeKind.Assembly ? entry.Trim() : entry.Trim().Split(' ', 2)[0]).Replace('\\', '/');
            if (file.StartsWith("./", StringComparison.Ordinal))
            {
                file = file[2..];
            }

            if (File.Exists(Path.Combine(root, file)) && ignore.IsIgnoredWithFolders(file))
            {
                throw new PackageException(
                    PackageErrorKind.InvalidPluginFolder,
                    $"Cannot pack '{root}': plugin.yaml's entry '{file}' is left out by the {ignore.Origin}{(ignore.IgnoreFile is null ? "" : " file")}. " +
                    (ignore.IgnoreFile is null
                        ? "Write a .pbignore that keeps it (it replaces the defaults), or point the entry at the published output"
                        : "Take it back with a '!' line in .pbignore (after the line that leaves it out), or point the entry elsewhere") + ".",
                    root,
                    file);
            }
        }
    }

    /// <summary>The files the manifest names as executables to run (process and command runtimes), so they keep their execute bit even when packed on Windows.</summary>
    private static HashSet<string> DeclaredExecutables(PluginManifest manifest)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        if (manifest.Runtime is PluginRuntimeKind.Process or PluginRuntimeKind.Command)
        {
            foreach (var entry in manifest.Entry.Values)
            {
                var program = entry.Trim().Split(' ', 2)[0].Replace('\\', '/');
                paths.Add(program.StartsWith("./", StringComparison.Ordinal) ? program[2..] : program);
            }
        }

        return paths;
    }

    // An empty file is not opened: FIFOs, sockets and devices report 0 bytes too, and opening a FIFO blocks until
    // someone writes to it. Packed as the empty file it claims to be.
    private static Stream OpenForRead(string path) => new FileInfo(path).Length == 0
        ? new MemoryStream([], writable: false)
        : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
}
