using System.IO.Compression;
using Plugboard.Packaging.Tests.Fixtures;

namespace Plugboard.Packaging.Tests;

/// <summary>Hostile archives are refused before anything is written, and a refused extraction leaves nothing behind.</summary>
public sealed class ExtractionSafetyTests : IDisposable
{
    private static readonly byte[] Payload = "owned\n"u8.ToArray();
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Package => _temp.Combine("hostile.pbpkg");

    private string Target => _temp.Combine("cache", "plugin");

    /// <summary>Extracts and expects refusal; checks that neither the target nor a staging folder exists afterwards.</summary>
    private async Task<PackageException> RefusedAsync(string package, ExtractionLimits? limits = null)
    {
        var error = await Assert.ThrowsAsync<PackageException>(() => PackageExtractor.ExtractAsync(package, Target, limits));

        Assert.False(Directory.Exists(Target), "the target folder must not exist after a refused extraction");
        Assert.Equal(["cache", "hostile.pbpkg"], _temp.Listing());
        Assert.Contains(Path.GetFullPath(package), error.Message);
        return error;
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("lib/../../evil")]
    [InlineData("/etc/x")]
    [InlineData("C:/Windows/evil.dll")]
    [InlineData("C:evil.dll")]
    [InlineData("..\\evil")]
    [InlineData("lib\\..\\..\\evil")]
    [InlineData("lib//evil")]
    [InlineData("./evil")]
    [InlineData("lib/evil.dll:stream")]
    [InlineData("lib/CON.txt")]
    [InlineData("lib/evil. ")]
    public async Task Entries_that_could_escape_the_target_or_are_not_portable_are_refused(string name)
    {
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddManifestAndContentList(zip);
            HostileArchive.AddFile(zip, name, Payload);
        });

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.UnsafePath, error.Kind);
        Assert.Equal(name, error.EntryPath);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "cache", "evil")));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "evil")));
    }

    [Theory]
    [InlineData(HostileArchive.SymlinkAttributes, "symbolic link")]
    [InlineData(HostileArchive.FifoAttributes, "fifo")]
    [InlineData(HostileArchive.CharDeviceAttributes, "device")]
    public async Task Links_and_special_files_are_refused(int externalAttributes, string described)
    {
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddManifestAndContentList(zip, HostileArchive.Describe("lib/link", "/etc/passwd"u8.ToArray()));
            HostileArchive.AddFile(zip, "lib/link", "/etc/passwd"u8.ToArray(), externalAttributes);
        });

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.UnsupportedEntry, error.Kind);
        Assert.Equal("lib/link", error.EntryPath);
        Assert.Contains(described, error.Message);
    }

    [Theory]
    [InlineData("lib/a.dll", "lib/a.dll")]
    [InlineData("lib/a.dll", "LIB/A.DLL")]
    [InlineData("lib/caf\u00e9.txt", "lib/cafe\u0301.txt")]
    public async Task Duplicate_entries_are_refused_also_ignoring_case_and_normalization(string first, string second)
    {
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddManifestAndContentList(zip, HostileArchive.Describe(first, Payload));
            HostileArchive.AddFile(zip, first, Payload);
            HostileArchive.AddFile(zip, second, Payload);
        });

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.DuplicateEntry, error.Kind);
        Assert.Equal(second, error.EntryPath);
    }

    [Fact]
    public async Task A_file_where_a_folder_is_needed_is_refused()
    {
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddManifestAndContentList(zip, HostileArchive.Describe("lib", Payload), HostileArchive.Describe("lib/a.dll", Payload));
            HostileArchive.AddFile(zip, "lib", Payload);
            HostileArchive.AddFile(zip, "lib/a.dll", Payload);
        });

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.DuplicateEntry, error.Kind);
    }

    [Fact]
    public async Task Too_many_entries_are_refused_before_reading_any()
    {
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddManifestAndContentList(zip);
            for (var i = 0; i < 20; i++)
            {
                HostileArchive.AddFile(zip, $"f{i}.txt", Payload);
            }
        });

        var error = await RefusedAsync(Package, ExtractionLimits.Default with { MaxEntries = 10 });

        Assert.Equal(PackageErrorKind.LimitExceeded, error.Kind);
        Assert.Contains("MaxEntries", error.Message);
    }

    [Fact]
    public async Task More_entries_than_the_zip_end_record_can_count_are_refused_from_its_zip64_record()
    {
        // 70 000 empty entries force a Zip64 end record; the count is read from it before any entry is listed.
        HostileArchive.Write(Package, zip =>
        {
            for (var i = 0; i < 70_000; i++)
            {
                zip.CreateEntry($"f{i}");
            }
        });

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.LimitExceeded, error.Kind);
        Assert.Contains("declares 70000 entries", error.Message);
    }

    [Fact]
    public async Task A_zip_bomb_is_stopped_by_the_compression_ratio_limit()
    {
        HostileArchive.Write(Package, zip =>
        {
            var bomb = HostileArchive.AddZeros(zip, "lib/bomb.bin", megabytes: 200);
            HostileArchive.AddManifestAndContentList(zip, bomb);
        });
        Assert.True(new FileInfo(Package).Length < 1 << 20, "200 MiB of zeros compress to well under 1 MiB");

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.LimitExceeded, error.Kind);
        Assert.Equal("lib/bomb.bin", error.EntryPath);
        Assert.Contains("MaxCompressionRatio", error.Message);
    }

    [Fact]
    public async Task A_zip_bomb_whose_headers_understate_its_size_never_expands_past_the_declared_size()
    {
        var declared = HostileArchive.Describe("lib/bomb.bin", new byte[1000]);
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddZeros(zip, "lib/bomb.bin", megabytes: 200);
            HostileArchive.AddManifestAndContentList(zip, declared);
        });
        HostileArchive.PatchDeclaredSize(Package, "lib/bomb.bin", 1000);

        var extracted = await PackageExtractor.ExtractAsync(Package, Target);

        // Decompression stops at the declared size, which the content list pins: 1000 bytes, not 200 MiB.
        Assert.Equal(1000, new FileInfo(Path.Combine(extracted.Directory, "lib", "bomb.bin")).Length);
    }

    [Fact]
    public async Task A_header_that_disagrees_with_the_content_list_is_refused_before_decompressing()
    {
        HostileArchive.Write(Package, zip =>
        {
            var bomb = HostileArchive.AddZeros(zip, "lib/bomb.bin", megabytes: 200);
            HostileArchive.AddManifestAndContentList(zip, bomb with { Size = 1000 });
        });

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.ContentMismatch, error.Kind);
        Assert.Equal("lib/bomb.bin", error.EntryPath);
    }

    [Fact]
    public async Task An_entry_over_the_size_limit_is_refused()
    {
        HostileArchive.Write(Package, zip =>
        {
            var big = HostileArchive.AddZeros(zip, "lib/big.bin", megabytes: 3);
            HostileArchive.AddManifestAndContentList(zip, big);
        });

        var error = await RefusedAsync(Package, ExtractionLimits.Default with { MaxEntrySize = 2 << 20, MaxCompressionRatio = 10_000 });

        Assert.Equal(PackageErrorKind.LimitExceeded, error.Kind);
        Assert.Contains("MaxEntrySize", error.Message);
    }

    [Fact]
    public async Task A_package_over_the_total_size_limit_is_refused()
    {
        HostileArchive.Write(Package, zip =>
        {
            var a = HostileArchive.AddZeros(zip, "a.bin", megabytes: 2);
            var b = HostileArchive.AddZeros(zip, "b.bin", megabytes: 2);
            HostileArchive.AddManifestAndContentList(zip, a, b);
        });

        var error = await RefusedAsync(Package, ExtractionLimits.Default with { MaxTotalSize = 3 << 20, MaxCompressionRatio = 10_000 });

        Assert.Equal(PackageErrorKind.LimitExceeded, error.Kind);
        Assert.Contains("MaxTotalSize", error.Message);
    }

    [Fact]
    public async Task A_failure_after_some_files_were_written_removes_them_all()
    {
        // The good file sorts first and is written before the bad one is found to differ from the content list.
        var good = "good"u8.ToArray();
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddManifestAndContentList(zip, HostileArchive.Describe("a/good.txt", good), HostileArchive.Describe("z/bad.txt", Payload) with { Sha256 = new string('0', 64) });
            HostileArchive.AddFile(zip, "a/good.txt", good);
            HostileArchive.AddFile(zip, "z/bad.txt", Payload);
        });

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.ContentMismatch, error.Kind);
        Assert.Equal("z/bad.txt", error.EntryPath);
    }

    [Fact]
    public async Task A_cancelled_extraction_leaves_nothing_behind()
    {
        var info = await PackageWriter.PackAsync(SamplePlugin.Write(_temp.Combine("plugin")), Package);
        Directory.Delete(_temp.Combine("plugin"), recursive: true);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PackageExtractor.ExtractAsync(info.Path!, Target, cancellationToken: cancelled.Token));

        Assert.False(Directory.Exists(Target));
        Assert.DoesNotContain(_temp.Listing(), p => p.Contains("extracting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Encrypted_entries_are_refused()
    {
        // System.IO.Compression cannot write encrypted entries: set the flag bit in both headers by hand.
        HostileArchive.Write(Package, zip =>
        {
            HostileArchive.AddManifestAndContentList(zip, HostileArchive.Describe("secret.bin", Payload));
            HostileArchive.AddFile(zip, "secret.bin", Payload);
        });
        SetEncryptedFlag(Package, "secret.bin");

        var error = await RefusedAsync(Package);

        Assert.Equal(PackageErrorKind.UnsupportedEntry, error.Kind);
        Assert.Contains("encrypted", error.Message);
    }

    private static void SetEncryptedFlag(string path, string entryName)
    {
        var bytes = File.ReadAllBytes(path);
        var name = System.Text.Encoding.UTF8.GetBytes(entryName);
        for (var i = 0; i + 46 <= bytes.Length; i++)
        {
            if (BitConverter.ToUInt32(bytes, i) == 0x02014b50 && bytes.AsSpan(i + 46, BitConverter.ToUInt16(bytes, i + 28)).SequenceEqual(name))
            {
                bytes[i + 8] |= 1;
                bytes[(int)BitConverter.ToUInt32(bytes, i + 42) + 6] |= 1;
            }
        }

        File.WriteAllBytes(path, bytes);
    }
}
