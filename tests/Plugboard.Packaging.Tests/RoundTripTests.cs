using Plugboard.Packaging.Tests.Fixtures;

namespace Plugboard.Packaging.Tests;

public sealed class RoundTripTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_packed_plugin_verifies_and_extracts_to_the_same_files()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { ExpectedDigest = info.Digest });
        var extracted = await PackageExtractor.ExtractAsync(info.Path!, _temp.Combine("cache", "custom-hello"));

        Assert.True(verification.IsValid, string.Join("\n", verification.Problems.Select(p => p.Message)));
        Assert.Equal(SamplePlugin.Id, verification.Manifest!.Id);
        Assert.Equal(info.Digest, verification.Digest);
        Assert.Equal(SignatureStatus.Missing, verification.Signature);
        Assert.Equal(info.Digest, extracted.Digest);
        Assert.Equal(SamplePlugin.Id, extracted.Id);
        Assert.Equal(SamplePlugin.Version, extracted.Version);
        foreach (var (path, content) in SamplePlugin.Files)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(extracted.Directory, path)));
        }
    }

    [Fact]
    public async Task Extraction_writes_the_content_list_so_the_folder_can_be_checked_later()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        var extracted = await PackageExtractor.ExtractAsync(info.Path!, _temp.Combine("out"));

        var list = PackageContents.Parse(File.ReadAllBytes(Path.Combine(extracted.Directory, ".pbpkg", "contents.json")));
        Assert.Equal(info.Contents.ToJsonBytes(), list.ToJsonBytes());
    }

    [Fact]
    public async Task Extracted_files_get_normalized_permissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        var extracted = await PackageExtractor.ExtractAsync(info.Path!, _temp.Combine("out"));

        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(Path.Combine(extracted.Directory, "bin", "tool.sh")));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(Path.Combine(extracted.Directory, "lib", "Hello.dll")));
    }

    [Fact]
    public async Task An_extracted_package_packs_again_to_the_same_digest()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));
        var extracted = await PackageExtractor.ExtractAsync(info.Path!, _temp.Combine("out"));

        var again = await PackageWriter.PackAsync(extracted.Directory, _temp.Combine("again.pbpkg"));

        Assert.Equal(info.Digest, again.Digest);
    }

    [Fact]
    public async Task Extraction_with_an_expected_digest_refuses_other_bytes_before_writing_anything()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));
        var recorded = PackageDigest.Parse("sha256:" + new string('1', 64));

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageExtractor.ExtractAsync(info.Path!, _temp.Combine("out"), expectedDigest: recorded));

        Assert.Equal(PackageErrorKind.DigestMismatch, error.Kind);
        Assert.Contains(recorded.Value, error.Message);
        Assert.Contains(info.Digest.Value, error.Message);
        Assert.False(Directory.Exists(_temp.Combine("out")));
    }

    [Fact]
    public async Task Extraction_with_the_right_expected_digest_succeeds()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        var extracted = await PackageExtractor.ExtractAsync(info.Path!, _temp.Combine("out"), expectedDigest: info.Digest);

        Assert.Equal(info.Digest, extracted.Digest);
    }

    [Fact]
    public async Task Concurrent_extractions_to_one_target_give_one_complete_folder()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));
        var target = _temp.Combine("cache", info.Digest.Hex);

        var attempts = Enumerable.Range(0, 4).Select(_ => Task.Run(() => PackageExtractor.ExtractAsync(info.Path!, target))).ToList();
        await Task.WhenAll(attempts.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(1, attempts.Count(a => a.IsCompletedSuccessfully));
        Assert.All(attempts.Where(a => a.IsFaulted), a => Assert.Equal(PackageErrorKind.TargetExists, Assert.IsType<PackageException>(a.Exception!.InnerException).Kind));
        Assert.Equal(SamplePlugin.Files[1].Content, File.ReadAllBytes(Path.Combine(target, "lib", "Hello.dll")));
        Assert.Equal([info.Digest.Hex], Directory.GetFileSystemEntries(_temp.Combine("cache")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Extraction_refuses_an_existing_target_and_leaves_it_untouched()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));
        var target = Directory.CreateDirectory(_temp.Combine("out")).FullName;
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageExtractor.ExtractAsync(info.Path!, target));

        Assert.Equal(PackageErrorKind.TargetExists, error.Kind);
        Assert.Contains(target, error.Message);
        Assert.Equal(["keep.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.DoesNotContain(_temp.Listing(), p => p.Contains("extracting", StringComparison.Ordinal));
    }
}
