using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Plugboard.Packaging.Tests.Fixtures;

/// <summary>Crafts zip archives a well-behaved packer would never produce, with System.IO.Compression and raw header edits.</summary>
public static class HostileArchive
{
    public const int SymlinkAttributes = unchecked((int)0xA1FF_0000); // S_IFLNK | 0777 in the high 16 bits
    public const int FifoAttributes = 0x11A4 << 16; // S_IFIFO | 0644
    public const int CharDeviceAttributes = 0x21A4 << 16; // S_IFCHR | 0644
    public const int RegularFileAttributes = unchecked((int)0x81A4_0000); // S_IFREG | 0644

    public static readonly byte[] ManifestBytes = Encoding.UTF8.GetBytes(SamplePlugin.Manifest);

    /// <summary>Writes an archive built by <paramref name="build"/> to <paramref name="path"/>.</summary>
    public static string Write(string path, Action<ZipArchive> build)
    {
        using (var file = File.Create(path))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            build(zip);
        }

        return path;
    }

    public static void AddFile(ZipArchive zip, string name, byte[] content, int? externalAttributes = null)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        if (externalAttributes is { } attributes)
        {
            entry.ExternalAttributes = attributes;
        }

        using var stream = entry.Open();
        stream.Write(content);
    }

    /// <summary>Adds a content list naming <paramref name="files"/> and the sample manifest, plus the manifest itself.</summary>
    public static void AddManifestAndContentList(ZipArchive zip, params PackageFileEntry[] files)
    {
        AddFile(zip, "plugin.yaml", ManifestBytes);
        var contents = new PackageContents(SamplePlugin.Id, SamplePlugin.Version, [Describe("plugin.yaml", ManifestBytes), .. files]);
        AddFile(zip, PackageFormat.ContentListPath, contents.ToJsonBytes());
    }

    public static PackageFileEntry Describe(string path, byte[] content) => new(path, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));

    /// <summary>
    /// Adds an entry of <paramref name="megabytes"/> MiB of zeros, generated while compressing so it never
    /// exists uncompressed; returns its true size and SHA-256.
    /// </summary>
    public static PackageFileEntry AddZeros(ZipArchive zip, string name, int megabytes)
    {
        var chunk = new byte[1 << 20];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize);
        using (var stream = entry.Open())
        {
            for (var i = 0; i < megabytes; i++)
            {
                stream.Write(chunk);
                sha.AppendData(chunk);
            }
        }

        return new PackageFileEntry(name, (long)megabytes << 20, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>
    /// Rewrites the uncompressed size an entry declares, in its central directory record and its local
    /// header, leaving the compressed data alone: a header that lies.
    /// </summary>
    public static void PatchDeclaredSize(string archivePath, string entryName, uint size)
    {
        var bytes = File.ReadAllBytes(archivePath);
        var name = Encoding.UTF8.GetBytes(entryName);
        var patched = false;
        for (var i = 0; i + 46 <= bytes.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) != 0x02014b50)
            {
                continue;
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28));
            if (!bytes.AsSpan(i + 46, nameLength).SequenceEqual(name))
            {
                continue;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), size);
            var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i + 42));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), size);
            patched = true;
        }

        Assert.True(patched, $"entry {entryName} not found in the central directory");
        File.WriteAllBytes(archivePath, bytes);
    }
}
