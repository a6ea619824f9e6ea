using System.Formats.Tar;
using System.IO.Compression;
using Plugboard.Cli.Console;
using Plugboard.Manifests;
using Plugboard.Packaging;

namespace Plugboard.Cli.CommandPlugins.Fetching;

/// <summary>
/// Extracts a plugin published as a <c>.tar.gz</c> or <c>.zip</c> (krew's and helm's formats), refusing what a
/// package refuses: paths that climb out or are not portable (<see cref="PackagePaths"/>), links of any kind,
/// devices, duplicate entries, and more entries or bytes than <see cref="ExtractionLimits.Default"/> allows.
/// </summary>
internal static class PluginArchive
{
    /// <summary>Extracts <paramref name="archive"/> into the empty folder <paramref name="destination"/> and returns the plugin's folder in it.</summary>
    /// <returns><paramref name="destination"/> when it holds <c>plugin.yaml</c>, else its single top folder that does.</returns>
    /// <exception cref="CliException">An entry is refused, or no plugin.yaml is found; the message names the entry and the rule.</exception>
    public static async Task<string> ExtractAsync(string archive, string origin, string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        var extraction = new Extraction(origin, Path.GetFullPath(destination));
        if (IsZip(origin))
        {
            await ExtractZipAsync(archive, extraction, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ExtractTarGzAsync(archive, extraction, cancellationToken).ConfigureAwait(false);
        }

        if (File.Exists(Path.Combine(destination, PluginManifest.FileName)))
        {
            return destination;
        }

        var top = Directory.GetFileSystemEntries(destination);
        if (top.Length == 1 && Directory.Exists(top[0]) && File.Exists(Path.Combine(top[0], PluginManifest.FileName)))
        {
            return top[0];
        }

        throw new CliException($"'{origin}' has no {PluginManifest.FileName} at its root or in its single top folder; a command plugin archive holds the plugin folder (plugin.yaml with runtime: command, and its executable).");
    }

    /// <summary>Whether a name or URL path names an archive this class reads.</summary>
    public static bool IsArchiveName(string name)
        => IsZip(name) || name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);

    private static bool IsZip(string name) => name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    private static async Task ExtractTarGzAsync(string archive, Extraction extraction, CancellationToken cancellationToken)
    {
        var file = File.OpenRead(archive);
        await using (file.ConfigureAwait(false))
        {
            var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using (gzip.ConfigureAwait(false))
            {
                var reader = new TarReader(gzip);
                await using (reader.ConfigureAwait(false))
                {
                    try
                    {
                        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                        {
                            switch (entry.EntryType)
                            {
                                case TarEntryType.Directory:
                                    extraction.Folder(entry.Name);
                                    break;
                                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                                    var executable = (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
                                    await extraction.FileAsync(entry.Name, entry.DataStream ?? Stream.Null, executable, cancellationToken).ConfigureAwait(false);
                                    break;
                                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                                    throw extraction.Refused(entry.Name, $"is a link (to '{entry.LinkName}'); links are refused, since they could point outside the plugin folder: archive the files themselves");
                                case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                                    break;
                                default:
                                    throw extraction.Refused(entry.Name, $"is a {entry.EntryType} entry; a plugin archive holds only files and folders");
                            }
                        }
                    }
                    catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
                    {
                        throw new CliException($"'{extraction.Origin}' is not a readable .tar.gz archive ({ex.Message}); nothing was installed.", ExitCodes.Failure, ex);
                    }
                }
            }
        }
    }

    private static async Task ExtractZipAsync(string archive, Extraction extraction, CancellationToken cancellationToken)
    {
        ZipArchive zip;
        try
        {
            zip = await ZipFile.OpenReadAsync(archive, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new CliException($"'{extraction.Origin}' is not a readable .zip archive ({ex.Message}); nothing was installed.", ExitCodes.Failure, ex);
        }

        await using (zip.ConfigureAwait(false))
        {
            foreach (var entry in zip.Entries)
            {
                var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;
                var type = mode & 0xF000;
                if (type == 0xA000)
                {
                    throw extraction.Refused(entry.FullName, "is a symbolic link; links are refused, since they could point outside the plugin folder: archive the files themselves");
                }

                if (type is not (0 or 0x8000 or 0x4000))
                {
                    throw extraction.Refused(entry.FullName, "is not a file or a folder; a plugin archive holds only files and folders");
                }

                if (entry.FullName.EndsWith('/') || type == 0x4000)
                {
                    extraction.Folder(entry.FullName);
                    continue;
                }

                var content = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (content.ConfigureAwait(false))
                {
                    await extraction.FileAsync(entry.FullName, content, (mode & 0x49) != 0, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The state of one extraction: the entries written so far and the bytes they took, against the limits.</summary>
    private sealed class Extraction(string origin, string root)
    {
        private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);
        private readonly ExtractionLimits _limits = ExtractionLimits.Default;
        private long _total;

        public string Origin => origin;

        public void Folder(string name)
        {
            if (Normalize(name) is { } path)
            {
                Directory.CreateDirectory(Target(name, path));
            }
        }

        public async Task FileAsync(string name, Stream content, bool executable, CancellationToken cancellationToken)
        {
            var path = Normalize(name) ?? throw Refused(name, "names the archive's root folder, not a file");
            var target = Target(name, path);
            if (!_seen.Add(path))
            {
                throw Refused(name, "appears twice (or differs from another entry only in case)");
            }

            if (_seen.Count > _limits.MaxEntries)
            {
                throw Refused(name, $"is beyond the {_limits.MaxEntries} entries an archive may hold");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                long size = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    _total += read;
                    if (size > _limits.MaxEntrySize || _total > _limits.MaxTotalSize)
                    {
                        throw Refused(name, $"makes the archive larger than allowed ({_limits.MaxEntrySize} bytes per file, {_limits.MaxTotalSize} in all)");
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            if (!OperatingSystem.IsWindows())
            {
                var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                File.SetUnixFileMode(target, executable ? mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : mode);
            }
        }

        public CliException Refused(string name, string why)
            => new($"'{origin}' was refused: its entry '{TerminalText.Escape(name)}' {why}. Nothing was installed.");

        // Archivers write "./plugin.yaml" and "dir/"; the rest must be a package path.
        private string? Normalize(string name)
        {
            var path = name;
            while (path.StartsWith("./", StringComparison.Ordinal))
            {
                path = path[2..];
            }

            path = path.TrimEnd('/');
            if (path is "" or ".")
            {
                return null;
            }

            if (PackagePaths.Check(path) is { } problem)
            {
                throw Refused(name, problem);
            }

            return path;
        }

        private string Target(string name, string path)
        {
            var target = Path.GetFullPath(Path.Combine(root, path));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw Refused(name, "points outside the folder it is extracted to");
            }

            return target;
        }
    }
}
