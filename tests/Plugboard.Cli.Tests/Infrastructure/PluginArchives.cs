using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace Plugboard.Cli.Tests.Infrastructure;

/// <summary>Archives of plugin folders as people publish them (<c>tar czf</c>, zip), and hostile ones.</summary>
public static class PluginArchives
{
    /// <summary>A folder the test project's build wrote or knows (AssemblyMetadata of the test assembly).</summary>
    public static string Folder(string key) => typeof(PluginArchives).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>A <c>.tar.gz</c> of <paramref name="folder"/> under a top folder <paramref name="top"/>, with the files' modes.</summary>
    public static byte[] TarGz(string folder, string top)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, top + "/"));
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                tar.WriteEntry(file, $"{top}/{Path.GetRelativePath(folder, file).Replace('\\', '/')}");
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A <c>.tar.gz</c> of the given entries: a null content makes a symbolic link to <c>/etc/passwd</c>.</summary>
    public static byte[] TarGz(params (string Name, string? Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, content) in entries)
            {
                if (content is null)
                {
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = "/etc/passwd" });
                    continue;
                }

                var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                };
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A <c>.zip</c> of <paramref name="folder"/> at its root.</summary>
    public static byte[] Zip(string folder)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var entry = zip.CreateEntryFromFile(file, Path.GetRelativePath(folder, file).Replace('\\', '/'));
                entry.ExternalAttributes = unchecked((int)((0x8000u | 0x1EDu) << 16));
            }
        }

        return buffer.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
