using System.IO.Compression;
using Plugboard.Packaging.Tests.Fixtures;

namespace Plugboard.Packaging.Tests;

public sealed class PackingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Packing_the_same_folder_twice_gives_identical_bytes()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));

        var first = await PackageWriter.PackAsync(plugin, _temp.Combine("first.pbpkg"));
        var second = await PackageWriter.PackAsync(plugin, _temp.Combine("second.pbpkg"));

        Assert.Equal(File.ReadAllBytes(first.Path!), File.ReadAllBytes(second.Path!));
        Assert.Equal(first.Digest, second.Digest);
    }

    [Fact]
    public async Task Creation_order_and_timestamps_do_not_change_the_bytes()
    {
        var older = SamplePlugin.Write(_temp.Combine("a"), reverse: false, modified: new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        var newer = SamplePlugin.Write(_temp.Combine("b"), reverse: true, modified: new DateTime(2024, 7, 8, 9, 10, 11, DateTimeKind.Utc));

        var a = await PackageWriter.PackAsync(older, _temp.Combine("a.pbpkg"));
        var b = await PackageWriter.PackAsync(newer, _temp.Combine("b.pbpkg"));

        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(File.ReadAllBytes(a.Path!), File.ReadAllBytes(b.Path!));
    }

    [Fact]
    public async Task Packing_to_a_stream_gives_the_same_bytes_as_packing_to_a_file()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var toFile = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));
        using var memory = new MemoryStream();

        var toStream = await PackageWriter.PackAsync(plugin, memory);

        Assert.Equal(File.ReadAllBytes(toFile.Path!), memory.ToArray());
        Assert.Equal(toFile.Digest, toStream.Digest);
        Assert.Equal(memory.Length, toStream.Size);
        Assert.Null(toStream.Path);
    }

    [Fact]
    public async Task Package_info_describes_the_package()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.Equal(SamplePlugin.Id, info.Id);
        Assert.Equal(SamplePlugin.Version, info.Version);
        Assert.Equal(SamplePlugin.Files.Count, info.FileCount);
        Assert.Equal(new FileInfo(info.Path!).Length, info.Size);
        Assert.Equal(await PackageDigest.ComputeFileAsync(info.Path!), info.Digest);
        Assert.Matches("^sha256:[0-9a-f]{64}$", info.Digest.Value);
    }

    [Fact]
    public async Task The_archive_is_a_standard_zip_with_sorted_entries_fixed_times_and_a_content_list()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        using var zip = ZipFile.OpenRead(info.Path!);

        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains(PackageFormat.ContentListPath, names);
        Assert.Equal(SamplePlugin.Files.Select(f => f.Path).Append(PackageFormat.ContentListPath).Order(StringComparer.Ordinal), names);
        Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
        Assert.All(zip.Entries, e => Assert.Equal(0x8000, (e.ExternalAttributes >> 16) & 0xF000));
    }

    [Fact]
    public async Task Entries_are_ordered_by_unicode_code_point_like_their_utf8_bytes()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        File.WriteAllText(Path.Combine(plugin, "\U0001F600.txt"), "above the BMP");
        File.WriteAllText(Path.Combine(plugin, "\uFB01.txt"), "above the surrogates");

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        using var zip = ZipFile.OpenRead(info.Path!);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.True(names.IndexOf("\uFB01.txt") < names.IndexOf("\U0001F600.txt"), "U+FB01 sorts before U+1F600 although its UTF-16 form sorts after");
        var utf8 = names.Select(System.Text.Encoding.UTF8.GetBytes).ToList();
        Assert.Equal(utf8.Order(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))), utf8);
    }

    [Fact]
    public async Task The_content_list_records_size_and_sha256_of_every_file()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        foreach (var (path, content) in SamplePlugin.Files)
        {
            var listed = info.Contents.Find(path);
            Assert.NotNull(listed);
            Assert.Equal(HostileArchive.Describe(path, content) with { Executable = listed.Executable }, listed);
        }
    }

    [Fact]
    public async Task Execute_bits_are_kept_and_normalized()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        File.SetUnixFileMode(Path.Combine(plugin, "README.md"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite | UnixFileMode.SetUser);

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        using var zip = ZipFile.OpenRead(info.Path!);
        Assert.Equal(0x81EDu, (uint)zip.GetEntry("bin/tool.sh")!.ExternalAttributes >> 16); // 0755
        Assert.Equal(0x81A4u, (uint)zip.GetEntry("README.md")!.ExternalAttributes >> 16); // 0644, setuid and o+w dropped
        Assert.True(info.Contents.Find("bin/tool.sh")!.Executable);
        Assert.False(info.Contents.Find("README.md")!.Executable);
    }

    [Fact]
    public async Task Git_folders_are_left_out_by_default()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        Directory.CreateDirectory(Path.Combine(plugin, ".git"));
        File.WriteAllText(Path.Combine(plugin, ".git", "HEAD"), "ref: refs/heads/main\n");

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.DoesNotContain(info.Contents.Files, f => f.Path.StartsWith(".git", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_package_written_inside_the_plugin_folder_does_not_pack_itself()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var output = Path.Combine(plugin, "out.pbpkg");

        var first = await PackageWriter.PackAsync(plugin, output);
        var second = await PackageWriter.PackAsync(plugin, output);

        Assert.Equal(first.Digest, second.Digest);
        Assert.Null(second.Contents.Find("out.pbpkg"));
    }

    [Fact]
    public async Task An_invalid_manifest_is_refused_with_its_errors()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        File.WriteAllText(Path.Combine(plugin, "plugin.yaml"), "id: Not_An_Id\nversion: one\nentry: lib/Hello.dll\n");

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg")));

        Assert.Equal(PackageErrorKind.ManifestInvalid, error.Kind);
        Assert.NotEmpty(error.ManifestErrors);
        Assert.Contains("plugin.yaml", error.Message);
        Assert.Contains(plugin, error.Message);
        Assert.False(File.Exists(_temp.Combine("p.pbpkg")));
        Assert.Equal(["plugin"], _temp.Listing().Where(p => !p.Contains('/')).ToList());
    }

    [Fact]
    public async Task A_folder_without_a_manifest_is_refused()
    {
        var plugin = Directory.CreateDirectory(_temp.Combine("empty")).FullName;

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg")));

        Assert.Equal(PackageErrorKind.ManifestInvalid, error.Kind);
    }

    [Fact]
    public async Task A_symbolic_link_in_the_plugin_folder_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // creating symbolic links needs privileges on Windows
        }

        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        File.CreateSymbolicLink(Path.Combine(plugin, "lib", "link.dll"), "/etc/passwd");

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg")));

        Assert.Equal(PackageErrorKind.InvalidPluginFolder, error.Kind);
        Assert.Equal("lib/link.dll", error.EntryPath);
        Assert.Contains("symbolic link", error.Message);
    }

    [Fact]
    public async Task A_link_to_a_file_inside_the_folder_is_packed_as_that_file_and_npm_command_links_are_left_out()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // creating symbolic links needs privileges on Windows
        }

        // What `npm ci` leaves: a package with a bin script, and node_modules/.bin linking to it.
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var script = Path.Combine(plugin, "node_modules", "tool", "cli.js");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, "console.log('tool');\n");
        Directory.CreateDirectory(Path.Combine(plugin, "node_modules", ".bin"));
        File.CreateSymbolicLink(Path.Combine(plugin, "node_modules", ".bin", "tool"), "../tool/cli.js");
        File.CreateSymbolicLink(Path.Combine(plugin, "lib", "alias.txt"), "../node_modules/tool/cli.js");

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.Equal(["node_modules/.bin/tool"], info.LeftOut);
        var alias = Assert.Single(info.Contents.Files, f => f.Path == "lib/alias.txt");
        Assert.Equal(info.Contents.Find("node_modules/tool/cli.js")!.Sha256, alias.Sha256);
        Assert.Null(info.Contents.Find("node_modules/.bin/tool"));
        var verification = await PackageVerifier.VerifyAsync(info.Path!);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems.Select(p => p.Message)));
    }

    [Theory]
    [InlineData("dangling", "does not exist")]
    [InlineData("folder", "symbolic link to the folder")]
    [InlineData("outside", "outside the plugin folder")]
    public async Task A_link_that_dangles_names_a_folder_or_leaves_the_folder_is_refused(string kind, string expected)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // creating symbolic links needs privileges on Windows
        }

        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        var outside = _temp.Combine("outside.txt");
        File.WriteAllText(outside, "secret");
        var link = Path.Combine(plugin, "lib", "link");
        _ = kind switch
        {
            "dangling" => File.CreateSymbolicLink(link, "missing.txt"),
            "folder" => Directory.CreateSymbolicLink(link, "."),
            _ => File.CreateSymbolicLink(link, "../../outside.txt"),
        };

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg")));

        Assert.Equal(PackageErrorKind.InvalidPluginFolder, error.Kind);
        Assert.Equal("lib/link", error.EntryPath);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Names_that_differ_only_in_case_are_refused()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            return; // needs a case-sensitive file system
        }

        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        File.WriteAllText(Path.Combine(plugin, "readme.md"), "lower case twin");

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg")));

        Assert.Equal(PackageErrorKind.InvalidPluginFolder, error.Kind);
        Assert.Contains("case", error.Message);
    }

    [Fact]
    public async Task A_missing_folder_is_reported_as_not_found()
    {
        var error = await Assert.ThrowsAsync<PackageException>(() => PackageWriter.PackAsync(_temp.Combine("nowhere"), _temp.Combine("p.pbpkg")));

        Assert.Equal(PackageErrorKind.NotFound, error.Kind);
    }
}
