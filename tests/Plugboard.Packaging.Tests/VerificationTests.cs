using System.IO.Compression;
using Plugboard.Packaging.Tests.Fixtures;

namespace Plugboard.Packaging.Tests;

public sealed class VerificationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<PackageInfo> PackSampleAsync()
        => await PackageWriter.PackAsync(SamplePlugin.Write(_temp.Combine("plugin")), _temp.Combine("p.pbpkg"));

    /// <summary>Replaces one file inside the archive by another of the same name and length, leaving the content list as it was.</summary>
    private static void TamperWith(string package, string entryName)
    {
        using var zip = ZipFile.Open(package, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName)!;
        byte[] content;
        using (var stream = entry.Open())
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            content = copy.ToArray();
        }

        content[content.Length / 2] ^= 0xFF;
        entry.Delete();
        HostileArchive.AddFile(zip, entryName, content);
    }

    [Fact]
    public async Task A_file_rewritten_inside_the_archive_is_detected()
    {
        var info = await PackSampleAsync();
        TamperWith(info.Path!, "lib/Hello.dll");

        var verification = await PackageVerifier.VerifyAsync(info.Path!);

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.ContentMismatch, problem.Kind);
        Assert.Equal("lib/Hello.dll", problem.EntryPath);
        Assert.Contains(info.Path!, problem.Message);
        Assert.Contains(info.Contents.Find("lib/Hello.dll")!.Sha256, problem.Message);
    }

    [Fact]
    public async Task A_file_rewritten_inside_the_archive_is_not_extracted()
    {
        var info = await PackSampleAsync();
        TamperWith(info.Path!, "lib/Hello.dll");

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageExtractor.ExtractAsync(info.Path!, _temp.Combine("out")));

        Assert.Equal(PackageErrorKind.ContentMismatch, error.Kind);
        Assert.False(Directory.Exists(_temp.Combine("out")));
        Assert.DoesNotContain(_temp.Listing(), p => p.Contains("extracting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_added_to_the_archive_is_detected()
    {
        var info = await PackSampleAsync();
        using (var zip = ZipFile.Open(info.Path!, ZipArchiveMode.Update))
        {
            HostileArchive.AddFile(zip, "lib/Extra.dll", [1, 2, 3]);
        }

        var verification = await PackageVerifier.VerifyAsync(info.Path!);

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.ContentMismatch, problem.Kind);
        Assert.Equal("lib/Extra.dll", problem.EntryPath);
    }

    [Fact]
    public async Task A_manifest_whose_id_differs_from_the_content_list_is_detected()
    {
        var manifest = SamplePlugin.Manifest.Replace("custom-hello", "custom-other", StringComparison.Ordinal);
        var bytes = System.Text.Encoding.UTF8.GetBytes(manifest);
        var package = HostileArchive.Write(_temp.Combine("p.pbpkg"), zip =>
        {
            HostileArchive.AddFile(zip, "plugin.yaml", bytes);
            HostileArchive.AddFile(zip, PackageFormat.ContentListPath, new PackageContents(SamplePlugin.Id, SamplePlugin.Version, [HostileArchive.Describe("plugin.yaml", bytes)]).ToJsonBytes());
        });

        var verification = await PackageVerifier.VerifyAsync(package);

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.ManifestMismatch, problem.Kind);
        Assert.Contains("custom-other", problem.Message);
    }

    [Theory]
    [InlineData("a NUL appended")]
    [InlineData("whitespace appended")]
    [InlineData("no final newline")]
    [InlineData("an upper-case digest")]
    [InlineData("other indentation")]
    public async Task A_content_list_not_in_its_exact_canonical_form_is_refused(string change)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(SamplePlugin.Manifest);
        var canonical = new PackageContents(SamplePlugin.Id, SamplePlugin.Version, [HostileArchive.Describe("plugin.yaml", bytes)]).ToJsonBytes();
        var text = System.Text.Encoding.UTF8.GetString(canonical);
        var altered = change switch
        {
            "a NUL appended" => text + "\0",
            "whitespace appended" => text + " \n",
            "no final newline" => text.TrimEnd('\n'),
            "an upper-case digest" => text.Replace(HostileArchive.Describe("plugin.yaml", bytes).Sha256, HostileArchive.Describe("plugin.yaml", bytes).Sha256.ToUpperInvariant(), StringComparison.Ordinal),
            _ => text.Replace("\n  ", "\n    ", StringComparison.Ordinal),
        };
        Assert.NotEqual(text, altered);
        var package = HostileArchive.Write(_temp.Combine("p.pbpkg"), zip =>
        {
            HostileArchive.AddFile(zip, "plugin.yaml", bytes);
            HostileArchive.AddFile(zip, PackageFormat.ContentListPath, System.Text.Encoding.UTF8.GetBytes(altered));
        });

        var verification = await PackageVerifier.VerifyAsync(package);

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.ContentListInvalid, problem.Kind);
        Assert.Contains("canonical form", problem.Message);
    }

    [Fact]
    public async Task A_content_list_out_of_entry_order_is_refused()
    {
        var manifest = System.Text.Encoding.UTF8.GetBytes(SamplePlugin.Manifest);
        var readme = "hello"u8.ToArray();
        var package = HostileArchive.Write(_temp.Combine("p.pbpkg"), zip =>
        {
            HostileArchive.AddFile(zip, "a-readme.txt", readme);
            HostileArchive.AddFile(zip, "plugin.yaml", manifest);
            // The canonical list with its two files swapped: well-formed in every other way.
            var list = System.Text.Json.Nodes.JsonNode.Parse(new PackageContents(SamplePlugin.Id, SamplePlugin.Version, [HostileArchive.Describe("plugin.yaml", manifest), HostileArchive.Describe("a-readme.txt", readme)]).ToJsonBytes())!;
            var files = list["files"]!.AsArray();
            var first = files[0]!.DeepClone();
            files.RemoveAt(0);
            files.Add(first);
            HostileArchive.AddFile(zip, PackageFormat.ContentListPath, System.Text.Encoding.UTF8.GetBytes(list.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, NewLine = "\n" }) + "\n"));
        });

        var verification = await PackageVerifier.VerifyAsync(package);

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.ContentListInvalid, problem.Kind);
        Assert.Contains("entry order", problem.Message);
    }

    [Fact]
    public async Task An_invalid_manifest_inside_a_package_is_reported()
    {
        var bytes = "id: custom-hello\nversion: not-a-version\n"u8.ToArray();
        var package = HostileArchive.Write(_temp.Combine("p.pbpkg"), zip =>
        {
            HostileArchive.AddFile(zip, "plugin.yaml", bytes);
            HostileArchive.AddFile(zip, PackageFormat.ContentListPath, new PackageContents(SamplePlugin.Id, SamplePlugin.Version, [HostileArchive.Describe("plugin.yaml", bytes)]).ToJsonBytes());
        });

        var verification = await PackageVerifier.VerifyAsync(package);

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.ManifestInvalid, problem.Kind);
        Assert.Null(verification.Manifest);
    }

    [Fact]
    public async Task A_wrong_expected_digest_names_both_digests()
    {
        var info = await PackSampleAsync();
        var expected = PackageDigest.Parse("sha256:" + new string('0', 64));

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { ExpectedDigest = expected });

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.DigestMismatch, problem.Kind);
        Assert.Contains(expected.Value, problem.Message);
        Assert.Contains(info.Digest.Value, problem.Message);
        Assert.Contains(info.Path!, problem.Message);
        var error = Assert.Throws<PackageException>(verification.ThrowIfInvalid);
        Assert.Equal(PackageErrorKind.DigestMismatch, error.Kind);
    }

    [Fact]
    public async Task A_file_that_is_not_a_package_is_reported_as_corrupt()
    {
        var path = _temp.Combine("junk.pbpkg");
        File.WriteAllText(path, "this is not a zip archive");

        var verification = await PackageVerifier.VerifyAsync(path);

        Assert.Equal(PackageErrorKind.CorruptArchive, Assert.Single(verification.Problems).Kind);
    }

    [Fact]
    public async Task A_plain_zip_without_content_list_is_not_a_package()
    {
        var path = HostileArchive.Write(_temp.Combine("plain.pbpkg"), zip => HostileArchive.AddFile(zip, "plugin.yaml", HostileArchive.ManifestBytes));

        var verification = await PackageVerifier.VerifyAsync(path);

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.ContentListInvalid, problem.Kind);
        Assert.Contains("plugboard pack", problem.Message);
    }

    [Fact]
    public async Task A_missing_package_is_reported_as_not_found()
    {
        var error = await Assert.ThrowsAsync<PackageException>(() => PackageVerifier.VerifyAsync(_temp.Combine("none.pbpkg")));

        Assert.Equal(PackageErrorKind.NotFound, error.Kind);
    }

    [Theory]
    [InlineData("sha256:ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789", true)]
    [InlineData("sha256:abc", false)]
    [InlineData("sha512:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", false)]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", false)]
    [InlineData("sha256:zzzdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", false)]
    public void Digests_parse_only_in_their_one_form(string text, bool valid)
    {
        Assert.Equal(valid, PackageDigest.TryParse(text, out var digest));
        if (valid)
        {
            Assert.Equal(text.ToLowerInvariant(), digest!.Value);
        }
    }
}
