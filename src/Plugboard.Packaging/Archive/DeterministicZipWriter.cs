using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Plugboard.Packaging.Archive;

/// <summary>
/// Writes a zip archive whose bytes depend only on the entries given: fixed timestamp (1980-01-01 00:00,
/// the zip minimum), fixed deflate level, no extra fields or comments, "made by Unix" with normalized
/// modes (0644 or 0755), UTF-8 names. Forward-only, so it writes to any stream; no Zip64.
/// </summary>
internal sealed class DeterministicZipWriter
{
    // Deflate level 6 (zlib's default) stated explicitly so the bytes never follow a changed default.
    private const int DeflateLevel = 6;
    private const ushort VersionNeeded = 20;
    private const ushort VersionMadeByUnix = (3 << 8) | 20;
    private const ushort FlagUtf8Names = 1 << 11;
    private const ushort MethodStored = 0;
    private const ushort MethodDeflate = 8;
    private const ushort DosTimeMidnight = 0;
    private const ushort DosDate19800101 = (0 << 9) | (1 << 5) | 1;
    private const uint RegularFileMode = 0x8000;
    private const long InMemoryBufferLimit = 32L << 20;

    private readonly Stream _output;
    private readonly List<CentralEntry> _entries = [];
    private long _position;

    public DeterministicZipWriter(Stream output) => _output = output;

    /// <summary>The bytes written so far.</summary>
    public long Length => _position;

    /// <summary>Adds one file entry, reading <paramref name="content"/> to its end.</summary>
    /// <returns>The uncompressed size and the lower-case hex SHA-256 of what was read.</returns>
    public async Task<(long Size, string Sha256)> AddAsync(string path, Stream content, bool executable, long sizeHint, CancellationToken cancellationToken)
    {
        if (_entries.Count == ushort.MaxValue)
        {
            throw TooLarge(path, $"more than {ushort.MaxValue - 1} entries");
        }

        var crc = new System.IO.Hashing.Crc32();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;

        // The local header carries sizes and CRC before the data, so compress into a buffer first;
        // large files spill to a temp file that deletes itself.
        await using var compressed = sizeHint > InMemoryBufferLimit
            ? new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous)
            : (Stream)new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            await using (var deflate = new DeflateStream(compressed, new ZLibCompressionOptions { CompressionLevel = DeflateLevel, CompressionStrategy = ZLibCompressionStrategy.Default }, leaveOpen: true))
            {
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    var chunk = buffer.AsMemory(0, read);
                    crc.Append(chunk.Span);
                    sha.AppendData(chunk.Span);
                    size += read;
                    await deflate.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // An empty file is stored with no data rather than as a two-byte empty deflate stream.
        var method = size == 0 ? MethodStored : MethodDeflate;
        var compressedSize = size == 0 ? 0 : compressed.Length;
        if (size > uint.MaxValue || compressedSize > uint.MaxValue || _position > uint.MaxValue)
        {
            throw TooLarge(path, "4 GiB or more of data (Zip64 is not supported)");
        }

        var name = Encoding.UTF8.GetBytes(path);
        var entry = new CentralEntry(name, method, crc.GetCurrentHashAsUInt32(), (uint)compressedSize, (uint)size, (uint)_position, executable);
        await WriteAsync(LocalHeader(entry), cancellationToken).ConfigureAwait(false);
        if (compressedSize > 0)
        {
            compressed.Position = 0;
            await compressed.CopyToAsync(_output, cancellationToken).ConfigureAwait(false);
            _position += compressedSize;
        }

        _entries.Add(entry);
        return (size, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>Writes the central directory and the end record. The archive is complete afterwards.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        var start = _position;
        foreach (var entry in _entries)
        {
            await WriteAsync(CentralHeader(entry), cancellationToken).ConfigureAwait(false);
        }

        var size = _position - start;
        if (_position > uint.MaxValue)
        {
            throw TooLarge("(central directory)", "4 GiB or more in total (Zip64 is not supported)");
        }

        var end = new byte[22];
        var s = end.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], (uint)start);
        BinaryPrimitives.WriteUInt16LittleEndian(s[20..], 0);
        await WriteAsync(end, cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        _position += bytes.Length;
    }

    private static byte[] LocalHeader(CentralEntry e)
    {
        var header = new byte[30 + e.Name.Length];
        var s = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], VersionNeeded);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], FlagUtf8Names);
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], e.Method);
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], DosTimeMidnight);
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], DosDate19800101);
        BinaryPrimitives.WriteUInt32LittleEndian(s[14..], e.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(s[18..], e.CompressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[22..], e.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(s[26..], (ushort)e.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[28..], 0);
        e.Name.CopyTo(s[30..]);
        return header;
    }

    private static byte[] CentralHeader(CentralEntry e)
    {
        var header = new byte[46 + e.Name.Length];
        var s = header.AsSpan();
        var mode = RegularFileMode | (e.Executable ? 0x1EDu : 0x1A4u); // 0755 : 0644
        BinaryPrimitives.WriteUInt32LittleEndian(s, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], VersionMadeByUnix);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], VersionNeeded);
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], FlagUtf8Names);
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], e.Method);
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], DosTimeMidnight);
        BinaryPrimitives.WriteUInt16LittleEndian(s[14..], DosDate19800101);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], e.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], e.CompressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[24..], e.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)e.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[30..], 0); // extra field length
        BinaryPrimitives.WriteUInt16LittleEndian(s[32..], 0); // comment length
        BinaryPrimitives.WriteUInt16LittleEndian(s[34..], 0); // disk number
        BinaryPrimitives.WriteUInt16LittleEndian(s[36..], 0); // internal attributes
        BinaryPrimitives.WriteUInt32LittleEndian(s[38..], mode << 16);
        BinaryPrimitives.WriteUInt32LittleEndian(s[42..], e.LocalHeaderOffset);
        e.Name.CopyTo(s[46..]);
        return header;
    }

    private static PackageException TooLarge(string path, string what) => new(
        PackageErrorKind.InvalidPluginFolder,
        $"Cannot pack '{path}': the package would hold {what}. Split the plugin or remove large files.",
        entryPath: path);

    private sealed record CentralEntry(byte[] Name, ushort Method, uint Crc, uint CompressedSize, uint Size, uint LocalHeaderOffset, bool Executable);
}
