using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Plugboard.Manifests;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Fs;

/// <summary>
/// A folder of plugin folders (packed on the fly into deterministic packages, so the digest is stable) and/or
/// <c>.pbpkg</c> files (with their <c>.sig</c>). Unchanged files are recognized by size and modification
/// time, so a re-sync reads no content.
/// </summary>
public sealed class FsSource : IPluginSource
{
    private readonly SourceOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the source; <paramref name="options"/> must be valid for type <c>fs</c>.</summary>
    public FsSource(SourceOptions options, SourceContext context)
    {
        _options = options;
        _logger = context.LoggerFactory.CreateLogger<FsSource>();
        Root = System.IO.Path.GetFullPath(options.Path!);
        Sets = PluginSet.FromOptions(options);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public IReadOnlyList<PluginSet> Sets { get; }

    /// <summary>The source folder.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public Task<SourceListing> ListAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var packages = new List<SourcePackage>();
        foreach (var set in Sets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = set.Path.Length == 0 ? Root : System.IO.Path.Combine(Root, set.Path);
            if (!Directory.Exists(folder))
            {
                throw new SourceException(Name, $"Source '{Name}': folder '{folder}' (set '{set.Key}') does not exist. Create it or fix the source's Path / the set's Path.");
            }

            if (File.Exists(System.IO.Path.Combine(folder, PluginManifest.FileName)))
            {
                packages.Add(new FolderPackage(folder) { SetKey = set.Key, Origin = Origin(set, "."), Fingerprint = FolderFingerprint(folder) });
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*" + PackageFormat.Extension).Order(StringComparer.Ordinal))
            {
                packages.Add(new FilePackage(Name, file) { SetKey = set.Key, Origin = Origin(set, System.IO.Path.GetFileName(file)), Fingerprint = FileFingerprint(file) });
            }

            foreach (var sub in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
            {
                var name = System.IO.Path.GetFileName(sub);
                if (name.StartsWith('.'))
                {
                    continue;
                }

                if (File.Exists(System.IO.Path.Combine(sub, PluginManifest.FileName)))
                {
                    packages.Add(new FolderPackage(sub) { SetKey = set.Key, Origin = Origin(set, name), Fingerprint = FolderFingerprint(sub) });
                }
                else
                {
                    _logger.LogDebug("Source {Source}: '{Folder}' has no {Manifest}; skipped.", Name, sub, PluginManifest.FileName);
                }
            }
        }

        return Task.FromResult(new SourceListing { Packages = packages });
    }

    private static string Origin(PluginSet set, string name) => set.Path.Length == 0 ? name : $"{set.Path}/{name}";

    private static string FileFingerprint(string file)
    {
        var info = new FileInfo(file);
        var signature = new FileInfo(PackageFormat.SignaturePathFor(file));
        return signature.Exists
            ? $"file:{info.Length}:{info.LastWriteTimeUtc.Ticks}:sig:{signature.Length}:{signature.LastWriteTimeUtc.Ticks}"
            : $"file:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
    }

    /// <summary>A hash of every file's path, size, time and mode: reading no content, it changes whenever packing could give other bytes.</summary>
    internal static string FolderFingerprint(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = new List<(string Path, FileInfo Info)>();
        Collect(new DirectoryInfo(folder), string.Empty);
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var (path, info) in files)
        {
            var mode = OperatingSystem.IsWindows() ? 0 : (int)info.UnixFileMode;
            hash.AppendData(Encoding.UTF8.GetBytes($"{path}\0{info.Length}\0{info.LastWriteTimeUtc.Ticks}\0{mode}\n"));
        }

        return "tree:" + Convert.ToHexStringLower(hash.GetHashAndReset())[..32];

        void Collect(DirectoryInfo directory, string prefix)
        {
            foreach (var item in directory.EnumerateFileSystemInfos())
            {
                if (item.Name == ".git")
                {
                    continue;
                }

                if (item is DirectoryInfo sub && sub.LinkTarget is null)
                {
                    Collect(sub, prefix + item.Name + "/");
                }
                else if (item is FileInfo file)
                {
                    files.Add((prefix + item.Name, file));
                }
                else
                {
                    // A symbolic link to a folder: packing refuses it; make the fingerprint change if it does.
                    files.Add((prefix + item.Name + "@link:" + item.LinkTarget, new FileInfo(item.FullName)));
                }
            }
        }
    }

    private sealed class FolderPackage(string folder) : SourcePackage
    {
        public override async Task FetchAsync(string packagePath, CancellationToken cancellationToken)
            => await PackageWriter.PackAsync(folder, packagePath, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses what is not a regular file before opening it: FIFOs, sockets and devices all report 0 bytes, and opening
    /// a FIFO would block until someone writes to it. An empty file is no package either.
    /// </summary>
    private static void EnsureRegularFile(string sourceName, string file)
    {
        if (new FileInfo(file).Length == 0)
        {
            throw new SourceException(sourceName, $"Source '{sourceName}': '{file}' is empty or not a regular file (a FIFO, a socket or a device); an fs source reads regular files only. Remove it from the source folder.");
        }
    }

    private sealed class FilePackage(string sourceName, string file) : SourcePackage
    {
        public override async Task FetchAsync(string packagePath, CancellationToken cancellationToken)
        {
            EnsureRegularFile(sourceName, file);
            var signature = PackageFormat.SignaturePathFor(file);
            var signed = File.Exists(signature);
            if (signed)
            {
                EnsureRegularFile(sourceName, signature);
            }

            File.Copy(file, packagePath, overwrite: true);
            if (signed)
            {
                File.Copy(signature, PackageFormat.SignaturePathFor(packagePath), overwrite: true);
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }
    }
}
