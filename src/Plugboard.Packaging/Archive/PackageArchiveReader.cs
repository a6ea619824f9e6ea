using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Plugboard.Manifests;

namespace Plugboard.Packaging.Archive;

/// <summary>
/// Opens a package and checks its structure before any file is read: every entry path is safe, no
/// links, devices or duplicates, entry count and declared sizes within limits, and the archive holds
/// exactly the files its content list names. Then streams each file, measuring the bytes actually
/// decompressed against the limits and the content list. Verification and extraction both read through it.
/// </summary>
internal sealed class PackageArchiveReader : IDisposable
{
    private const long MaxContentListSize = 16L << 20;
    private const uint UnixTypeMask = 0xF000;
    private const uint UnixRegularFile = 0x8000;
    private const uint UnixDirectory = 0x4000;
    private const uint DosReparsePoint = 0x400;

    private readonly Stream _stream;
    private readonly ZipArchive _archive;
    private readonly ExtractionLimits _limits;
    private readonly Dictionary<string, ZipArchiveEntry> _files = new(StringComparer.Ordinal);
    private long _totalRead;

    private PackageArchiveReader(string packagePath, Stream stream, ZipArchive archive, PackageDigest digest, ExtractionLimits limits)
    {
        PackagePath = packagePath;
        _stream = stream;
        _archive = archive;
        Digest = digest;
        _limits = limits;
    }

    public string PackagePath { get; }

    public PackageDigest Digest { get; }

    public PackageContents Contents { get; private set; } = null!;

    /// <summary>The content list exactly as stored in the archive.</summary>
    public byte[] ContentListBytes { get; private set; } = [];

    /// <summary>
    /// Opens and structurally checks a package; throws <see cref="PackageException"/> on the first problem.
    /// With <paramref name="expectedDigest"/>, different bytes are refused before anything else is looked at.
    /// </summary>
    public static async Task<PackageArchiveReader> OpenAsync(string packagePath, ExtractionLimits limits, PackageDigest? expectedDigest, CancellationToken cancellationToken)
    {
        limits.Validate();
        var path = Path.GetFullPath(packagePath);
        if (!File.Exists(path))
        {
            throw new PackageException(PackageErrorKind.NotFound, $"Package '{path}' does not exist.", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        try
        {
            // The digest and the entries come from the same open file, so they describe the same bytes.
            var digest = await PackageDigest.ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
            if (expectedDigest is not null && expectedDigest != digest)
            {
                throw new PackageException(PackageErrorKind.DigestMismatch, DigestMismatchMessage(path, digest, expectedDigest), path);
            }

            // Refuse an archive announcing too many entries before the zip reader builds a list of them all.
            if (await DeclaredEntryCountAsync(stream, cancellationToken).ConfigureAwait(false) is { } declared && declared > limits.MaxEntries)
            {
                throw new PackageException(
                    PackageErrorKind.LimitExceeded,
                    $"Package '{path}' declares {declared} entries, more than the limit of {limits.MaxEntries}. Refusing to read it; if the package is genuine, raise ExtractionLimits.{nameof(ExtractionLimits.MaxEntries)}.",
                    path);
            }

            stream.Position = 0;
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException ex)
            {
                throw new PackageException(PackageErrorKind.CorruptArchive, $"Package '{path}' is not a readable zip archive ({ex.Message}). Download or pack it again.", path, innerException: ex);
            }

            var reader = new PackageArchiveReader(path, stream, archive, digest, limits);
            try
            {
                await reader.IndexAsync(cancellationToken).ConfigureAwait(false);
                return reader;
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Streams one file into <paramref name="destination"/>, enforcing the limits on the decompressed
    /// bytes and checking size and SHA-256 against the content list.
    /// </summary>
    public async Task CopyFileAsync(PackageFileEntry file, Stream destination, CancellationToken cancellationToken)
    {
        var entry = _files[file.Path];
        var (size, sha256) = await CopyCheckedAsync(entry, file.Size, "the size the content list records", destination, cancellationToken).ConfigureAwait(false);
        if (size != file.Size)
        {
            throw new PackageException(
                PackageErrorKind.ContentMismatch,
                $"Package '{PackagePath}': entry '{file.Path}' has {size} bytes but the content list records {file.Size}. The package was modified after packing; do not use it, fetch it again from its source.",
                PackagePath,
                file.Path);
        }

        if (!string.Equals(sha256, file.Sha256, StringComparison.Ordinal))
        {
            throw new PackageException(
                PackageErrorKind.ContentMismatch,
                $"Package '{PackagePath}': entry '{file.Path}' has SHA-256 {sha256} but the content list records {file.Sha256}. The package was modified after packing; do not use it, fetch it again from its source.",
                PackagePath,
                file.Path);
        }
    }

    /// <summary>
    /// The entry count of the end-of-central-directory record (or of its Zip64 version), or null when
    /// there is none; the zip reader then reports the archive as unreadable.
    /// </summary>
    private static async Task<long?> DeclaredEntryCountAsync(Stream stream, CancellationToken cancellationToken)
    {
        const int EndRecordSize = 22;
        const int Zip64LocatorSize = 20;
        const int Zip64EndRecordSize = 56;
        var length = stream.Length;
        var tail = new byte[(int)Math.Min(length, EndRecordSize + ushort.MaxValue + Zip64LocatorSize)];
        stream.Position = length - tail.Length;
        await stream.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
        for (var i = tail.Length - EndRecordSize; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != 0x06054b50)
            {
                continue;
            }

            long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 10));
            var locator = i - Zip64LocatorSize;
            if (count == ushort.MaxValue && locator >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(locator)) == 0x07064b50)
            {
                var offset = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(locator + 8));
                if (offset <= (ulong)(length - Zip64EndRecordSize))
                {
                    var record = new byte[Zip64EndRecordSize];
                    stream.Position = (long)offset;
                    await stream.ReadExactlyAsync(record, cancellationToken).ConfigureAwait(false);
                    if (BinaryPrimitives.ReadUInt32LittleEndian(record) == 0x06064b50)
                    {
                        var total = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
                        count = total > long.MaxValue ? long.MaxValue : (long)total;
                    }
                }
            }

            return count;
        }

        return null;
    }

    /// <summary>The one wording of a digest mismatch, shared by verification and extraction.</summary>
    public static string DigestMismatchMessage(string path, PackageDigest actual, PackageDigest expected) =>
        $"Package '{path}' has digest {actual} but {expected} was expected. These are different bytes from the ones recorded (lock file or source index): do not use them. Fetch the package again; if the publisher really changed it, update the recorded digest deliberately.";

    public void Dispose()
    {
        _archive.Dispose();
        _stream.Dispose();
    }

    private async Task IndexAsync(CancellationToken cancellationToken)
    {
        var entries = _archive.Entries;
        if (entries.Count > _limits.MaxEntries)
        {
            throw Limit(null, $"has {entries.Count} entries, more than the limit of {_limits.MaxEntries}", nameof(ExtractionLimits.MaxEntries));
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal); // folded path -> path as written
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = entry.FullName;
            var isFolder = name.EndsWith('/');
            var path = isFolder ? name[..^1] : name;
            if (EntryPath.Check(path) is { } problem)
            {
                throw Hostile(PackageErrorKind.UnsafePath, name, problem);
            }

            CheckEntryType(entry, isFolder);
            if (!seen.TryAdd(EntryPath.FoldForComparison(path), name))
            {
                var other = seen[EntryPath.FoldForComparison(path)];
                var how = string.Equals(other, name, StringComparison.Ordinal) ? "appears twice" : $"collides with '{other}' on case-insensitive file systems";
                throw Hostile(PackageErrorKind.DuplicateEntry, name, how);
            }

            if (isFolder)
            {
                folders.Add(EntryPath.FoldForComparison(path));
                continue;
            }

            if (path.StartsWith(PackageFormat.ReservedFolder + "/", StringComparison.Ordinal) && path != PackageFormat.ContentListPath)
            {
                throw Hostile(PackageErrorKind.UnsafePath, name, $"is inside the reserved folder '{PackageFormat.ReservedFolder}/'");
            }

            _files[path] = entry;
        }

        foreach (var path in _files.Keys)
        {
            if (folders.Contains(EntryPath.FoldForComparison(path)))
            {
                throw Hostile(PackageErrorKind.DuplicateEntry, path, "is both a file and a folder");
            }

            foreach (var parent in EntryPath.ParentFolders(path))
            {
                if (seen.TryGetValue(EntryPath.FoldForComparison(parent), out var file) && _files.ContainsKey(file))
                {
                    throw Hostile(PackageErrorKind.DuplicateEntry, path, $"needs '{parent}' to be a folder but '{file}' is a file");
                }
            }
        }

        Contents = await ReadContentListAsync(cancellationToken).ConfigureAwait(false);
        CheckAgainstContentList();
    }

    private void CheckEntryType(ZipArchiveEntry entry, bool isFolder)
    {
        var attributes = (uint)entry.ExternalAttributes;
        var unixType = (attributes >> 16) & UnixTypeMask;
        var kind = unixType switch
        {
            0xA000 => "a symbolic link",
            0x1000 => "a named pipe (fifo)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => null,
        };
        if (kind is null && (attributes & DosReparsePoint) != 0)
        {
            kind = "a Windows reparse point (link)";
        }

        if (kind is null && unixType == UnixDirectory && !isFolder)
        {
            kind = "a folder whose name does not end in '/'";
        }

        if (kind is null && unixType is not (0 or UnixRegularFile or UnixDirectory))
        {
            kind = $"of unknown file type 0x{unixType:X4}";
        }

        if (kind is null && isFolder && entry.Length != 0)
        {
            kind = "a folder entry with content";
        }

        if (kind is null && entry.IsEncrypted)
        {
            kind = "encrypted";
        }

        if (kind is not null)
        {
            throw Hostile(PackageErrorKind.UnsupportedEntry, entry.FullName, $"is {kind}; packages hold regular files only");
        }
    }

    private async Task<PackageContents> ReadContentListAsync(CancellationToken cancellationToken)
    {
        if (!_files.TryGetValue(PackageFormat.ContentListPath, out var entry))
        {
            throw new PackageException(
                PackageErrorKind.ContentListInvalid,
                $"Package '{PackagePath}' is not a Plugboard package: it has no '{PackageFormat.ContentListPath}'. Pack plugin folders with 'plugboard pack'.",
                PackagePath,
                PackageFormat.ContentListPath);
        }

        using var buffer = new MemoryStream();
        await CopyCheckedAsync(entry, MaxContentListSize, "the most a content list may hold", buffer, cancellationToken).ConfigureAwait(false);
        ContentListBytes = buffer.ToArray();
        return PackageContents.Parse(ContentListBytes, PackagePath);
    }

    private void CheckAgainstContentList()
    {
        if (Contents.Find(PluginManifest.FileName) is null)
        {
            throw new PackageException(
                PackageErrorKind.ContentListInvalid,
                $"Package '{PackagePath}' has no '{PluginManifest.FileName}' in its content list; every package carries its manifest at the root. Pack it again with 'plugboard pack'.",
                PackagePath,
                PluginManifest.FileName);
        }

        foreach (var file in Contents.Files)
        {
            if (!_files.TryGetValue(file.Path, out var entry))
            {
                throw Mismatch(file.Path, "is in the content list but not in the archive");
            }

            // Headers are not trusted for safety, but a header that disagrees with the list is already proof of tampering.
            if (entry.Length != file.Size)
            {
                throw Mismatch(file.Path, $"declares {entry.Length} bytes but the content list records {file.Size}");
            }

            if (file.Size > _limits.MaxEntrySize)
            {
                throw Limit(file.Path, $"lists '{file.Path}' with {file.Size} bytes, more than the per-entry limit of {_limits.MaxEntrySize}", nameof(ExtractionLimits.MaxEntrySize));
            }
        }

        foreach (var path in _files.Keys)
        {
            if (path != PackageFormat.ContentListPath && Contents.Find(path) is null)
            {
                throw Mismatch(path, "is in the archive but not in the content list");
            }
        }

        if (Contents.TotalSize > _limits.MaxTotalSize)
        {
            throw Limit(null, $"lists {Contents.TotalSize} bytes of files, more than the limit of {_limits.MaxTotalSize}", nameof(ExtractionLimits.MaxTotalSize));
        }
    }

    private async Task<(long Size, string Sha256)> CopyCheckedAsync(ZipArchiveEntry entry, long maxSize, string maxSizeMeaning, Stream destination, CancellationToken cancellationToken)
    {
        var name = entry.FullName;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var compressed = Math.Max(entry.CompressedLength, 1);
        long count = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            await using var source = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException ex)
                {
                    throw new PackageException(
                        PackageErrorKind.CorruptArchive,
                        $"Package '{PackagePath}': entry '{name}' cannot be decompressed ({ex.Message}). The package is damaged; fetch it again from its source.",
                        PackagePath,
                        name,
                        ex);
                }

                if (read == 0)
                {
                    break;
                }

                count += read;
                _totalRead += read;
                if (count > maxSize)
                {
                    throw Mismatch(name, $"decompresses to more than {maxSize} bytes, {maxSizeMeaning}");
                }

                if (count > _limits.MaxEntrySize)
                {
                    throw Limit(name, $"entry '{name}' decompresses to more than the per-entry limit of {_limits.MaxEntrySize} bytes", nameof(ExtractionLimits.MaxEntrySize));
                }

                if (_totalRead > _limits.MaxTotalSize)
                {
                    throw Limit(name, $"decompresses to more than the total limit of {_limits.MaxTotalSize} bytes", nameof(ExtractionLimits.MaxTotalSize));
                }

                if (count >= _limits.CompressionRatioThreshold && count > _limits.MaxCompressionRatio * compressed)
                {
                    throw Limit(name, $"entry '{name}' expands more than {_limits.MaxCompressionRatio}:1 ({compressed} compressed bytes gave over {count}); this is how zip bombs look", nameof(ExtractionLimits.MaxCompressionRatio));
                }

                sha.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (count, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private PackageException Hostile(PackageErrorKind kind, string entryName, string problem) => new(
        kind,
        $"Package '{PackagePath}': entry '{entryName}' {problem}. Refusing to read it: the package is damaged or malicious; do not use it and tell its publisher.",
        PackagePath,
        entryName);

    private PackageException Mismatch(string entryName, string problem) => new(
        PackageErrorKind.ContentMismatch,
        $"Package '{PackagePath}': entry '{entryName}' {problem}. The package was modified after packing; do not use it, fetch it again from its source.",
        PackagePath,
        entryName);

    private PackageException Limit(string? entryName, string problem, string limitName) => new(
        PackageErrorKind.LimitExceeded,
        $"Package '{PackagePath}' {problem}. Refusing to read it; if the package is genuine, raise ExtractionLimits.{limitName}.",
        PackagePath,
        entryName);
}
