using System.IO.Compression;
using System.Text;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Http;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

/// <summary>
/// What a source, a feed or a package controlled by an attacker can try, against real servers on 127.0.0.1: each
/// test asserts what reached the server, the disk and the result, and that the other sources of the sync go on.
/// </summary>
public sealed class HostileSourceTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Publishes a package on <paramref name="server"/> at <c>/packages/{file}</c>, returning its index entry (URL relative to the index).</summary>
    private async Task<HttpFeedPackage> PublishAsync(RawHttpServer server, string id, string version, string? absoluteBase = null)
    {
        var info = await TestPlugins.WritePackageAsync(_ws.Folder("packed"), id, version);
        var name = Path.GetFileName(info.Path!);
        server.Serve("/packages/" + name, await File.ReadAllBytesAsync(info.Path!));
        return new HttpFeedPackage { Id = id, Version = version, Digest = info.Digest.Value, Url = (absoluteBase is null ? "packages/" : absoluteBase + "/packages/") + name };
    }

    private static void ServeIndex(RawHttpServer server, params HttpFeedPackage[] packages)
        => server.Serve("/index.json", Encoding.UTF8.GetBytes(new HttpFeedIndex { Packages = packages }.ToJson()));

    private SourceOptions AddFeed(string name, RawHttpServer server)
    {
        var source = _ws.AddSource(name, "http", server.BaseUrl + "/index.json");
        source.AllowInsecure = true;
        return source;
    }

    [Fact]
    public async Task A_feed_token_goes_only_to_the_feed_origin_never_to_a_package_url_on_another_port()
    {
        await using var feed = RawHttpServer.Start();
        await using var other = RawHttpServer.Start();
        var own = await PublishAsync(feed, "custom-alpha", "1.0.0");
        var foreign = await PublishAsync(other, "custom-beta", "1.0.0", other.BaseUrl);
        ServeIndex(feed, own, foreign);
        var tokenFile = Path.Combine(_ws.Folder("secrets"), "token");
        await File.WriteAllTextAsync(tokenFile, "s3cret-token\n");
        AddFeed("feed", feed).Credentials.TokenFile = tokenFile;

        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(2, run["feed"].Added);
        Assert.Equal(2, feed.Requests.Count);
        Assert.All(feed.Requests, head => Assert.Contains("\r\nAuthorization: Bearer s3cret-token\r\n", head));
        var request = Assert.Single(other.Requests);
        Assert.DoesNotContain("Authorization", request, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_holding_a_line_break_is_refused_at_configuration_time_and_nothing_is_sent()
    {
        await using var feed = RawHttpServer.Start();
        ServeIndex(feed, await PublishAsync(feed, "custom-alpha", "1.0.0"));
        var tokenFile = Path.Combine(_ws.Folder("secrets"), "token");
        await File.WriteAllTextAsync(tokenFile, "abc\r\nX-Injected: yes\n");
        AddFeed("feed", feed).Credentials.TokenFile = tokenFile;
        var git = _ws.AddSource("repo", "git", feed.BaseUrl + "/repo.git");
        git.AllowInsecure = true;
        git.Credentials.TokenFile = tokenFile;

        var refused = await Assert.ThrowsAsync<SourceConfigurationException>(() => _ws.SyncAsync());

        Assert.Equal(2, refused.Errors.Count(e => e.Contains(tokenFile, StringComparison.Ordinal) && e.Contains("control characters", StringComparison.Ordinal)));
        Assert.Contains(refused.Errors, e => e.StartsWith("Source 'feed'", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.StartsWith("Source 'repo'", StringComparison.Ordinal));
        Assert.DoesNotContain("X-Injected", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", refused.Message, StringComparison.Ordinal);
        Assert.Empty(feed.Requests);
    }

    [Fact]
    public async Task A_manifest_with_a_byte_order_mark_packs_verifies_and_syncs_from_a_folder_and_a_feed()
    {
        var folder = _ws.Folder("fs");
        var plugin = TestPlugins.WriteFolder(folder, "custom-bom", "1.0.0");
        var manifest = Path.Combine(plugin, "plugin.yaml");
        await File.WriteAllBytesAsync(manifest, [0xEF, 0xBB, 0xBF, .. await File.ReadAllBytesAsync(manifest)]);
        var packed = await PackageWriter.PackAsync(plugin, Path.Combine(_ws.Folder("out"), "custom-bom-1.0.0.pbpkg"));
        await using var feed = RawHttpServer.Start();
        feed.Serve("/packages/custom-bom-1.0.0.pbpkg", await File.ReadAllBytesAsync(packed.Path!));
        ServeIndex(feed, new HttpFeedPackage { Id = "custom-bom", Version = "1.0.0", Digest = packed.Digest.Value, Url = "packages/custom-bom-1.0.0.pbpkg" });
        _ws.AddSource("local", "fs", folder);
        AddFeed("feed", feed);

        var verification = await PackageVerifier.VerifyAsync(packed.Path!);
        var run = await _ws.SyncAsync();

        Assert.True(verification.IsValid, string.Join("; ", verification.Problems.Select(p => p.Message)));
        Workspace.AssertOk(run);
        Assert.Equal(1, run["local"].Added);
        Assert.Equal(1, run["feed"].Added);
    }

    private static long SizeOf(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
        : 0;

    private string AddGoodFsSource()
    {
        var folder = _ws.Folder("good");
        TestPlugins.WriteFolder(folder, "custom-good", "1.0.0");
        _ws.AddSource("good", "fs", folder);
        return folder;
    }

    [Fact]
    public async Task Endless_downloads_stop_at_the_source_budget_and_leave_no_partial_file()
    {
        await using var feed = RawHttpServer.Start();
        var listed = new List<HttpFeedPackage>();
        for (var i = 0; i < 5; i++)
        {
            feed.ServeEndless($"/packages/endless-{i}.pbpkg");
            listed.Add(new HttpFeedPackage { Id = $"custom-endless{i}", Version = "1.0.0", Digest = PackageDigest.FromHash(new byte[32]).Value, Url = $"packages/endless-{i}.pbpkg" });
        }

        ServeIndex(feed, [.. listed]);
        AddFeed("feed", feed).MaxDownloadBytes = 4L << 20;
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["feed"].Status);
        Assert.Contains("budget of 4 MiB", run["feed"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
        Assert.True(SizeOf(_ws.CacheDirectory) < 1L << 20, $"the cache holds {SizeOf(_ws.CacheDirectory)} bytes after the budget stop");
        Assert.DoesNotContain(Directory.EnumerateFiles(_ws.CacheDirectory, "*.pbpkg", SearchOption.AllDirectories), f => f.StartsWith(Path.Combine(_ws.CacheDirectory, "tmp"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_oversized_signature_is_refused_before_it_is_read_and_never_stored()
    {
        await using var feed = RawHttpServer.Start();
        var package = await PublishAsync(feed, "custom-alpha", "1.0.0");
        var padding = new string('A', 300_000);
        feed.Serve("/packages/custom-alpha-1.0.0.pbpkg.sig", Encoding.UTF8.GetBytes($"{{\"keyId\":\"k\",\"algorithm\":\"ecdsa-p256-sha256\",\"signature\":\"{padding}\",\"digest\":\"{package.Digest}\"}}"));
        ServeIndex(feed, package with { SignatureUrl = "packages/custom-alpha-1.0.0.pbpkg.sig" });
        AddFeed("feed", feed);
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["feed"].Status);
        Assert.Contains("(signature) is larger than 8 KiB", run["feed"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
        Assert.Empty(Directory.EnumerateFiles(_ws.CacheDirectory, "*.sig", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_fifo_named_like_a_package_fails_only_its_source_and_never_hangs_the_sync()
    {
        var folder = _ws.Folder("fifo");
        await TestPlugins.WritePackageAsync(folder, "custom-real", "1.0.0");
        MakeFifo(Path.Combine(folder, "custom-fifo-1.0.0.pbpkg"));
        var pluginWithFifoManifest = Directory.CreateDirectory(Path.Combine(folder, "custom-pipe")).FullName;
        MakeFifo(Path.Combine(pluginWithFifoManifest, "plugin.yaml"));
        _ws.AddSource("fifo", "fs", folder);
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["fifo"].Status);
        Assert.Contains("custom-fifo-1.0.0.pbpkg' is empty or not a regular file", run["fifo"].Error);
        Assert.Contains("plugin.yaml: is empty or not a regular file", run["fifo"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
    }

    [Fact]
    public async Task A_source_that_stops_answering_mid_body_fails_at_its_timeout_and_the_others_go_on()
    {
        await using var feed = RawHttpServer.Start();
        feed.Routes["/index.json"] = new RawResponse(200, [], async (stream, ct) =>
        {
            await stream.WriteAsync("{\"packages\":["u8.ToArray(), ct);
            await Task.Delay(Timeout.Infinite, ct);
        }, 1000);
        AddFeed("stuck", feed).Timeout = TimeSpan.FromSeconds(1);
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["stuck"].Status);
        Assert.Contains("did not finish within its Timeout of 00:00:01", run["stuck"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
    }

    [Fact]
    public async Task A_sync_waiting_for_the_cache_lock_says_who_holds_it_and_gives_up_after_its_timeout()
    {
        AddGoodFsSource();
        _ws.Options.CacheLockTimeout = TimeSpan.FromMilliseconds(500);
        using var held = await Cache.CacheDirectoryLock.AcquireAsync(_ws.CacheDirectory, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<Cache.CacheLockTimeoutException>(() => _ws.SyncAsync());

        Assert.Contains($"locked by process {Environment.ProcessId} ", refused.Message);
        Assert.Contains("CacheLockTimeout", refused.Message);
        Assert.Contains(_ws.Logs.Messages, m => m.Level == Microsoft.Extensions.Logging.LogLevel.Warning && m.Message.Contains($"held by process {Environment.ProcessId} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gzip_bomb_index_is_refused_as_too_large_with_the_limit()
    {
        await using var feed = RawHttpServer.Start();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 80; i++)
            {
                gzip.Write(zeros);
            }
        }

        feed.Serve("/index.json", compressed.ToArray(), ("Content-Encoding", "gzip"));
        AddFeed("bomb", feed);
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["bomb"].Status);
        Assert.Contains("is larger than 64 MiB (after decompression)", run["bomb"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
    }

    [Fact]
    public async Task A_source_replacing_a_version_by_a_lower_one_is_refused_as_a_rollback_unless_allowed()
    {
        await using var feed = RawHttpServer.Start();
        var newer = await PublishAsync(feed, "custom-alpha", "1.1.0");
        var older = await PublishAsync(feed, "custom-alpha", "1.0.0");
        ServeIndex(feed, newer);
        AddFeed("feed", feed);
        AddGoodFsSource();
        Workspace.AssertOk(await _ws.SyncAsync());
        ServeIndex(feed, older);

        var refused = await _ws.SyncAsync();
        var resolvedAfterRefusal = await _ws.ResolveAsync();
        var allowed = await _ws.SyncAsync(new SyncOptions { AllowDowngrade = true });

        Assert.Equal(SourceSyncStatus.Failed, refused["feed"].Status);
        Assert.Contains("offers custom-alpha 1.0.0 at most (set '.'), but the cache has custom-alpha 1.1.0 from it: a rollback, refused", refused["feed"].Error);
        Assert.Contains("--allow-downgrade", refused["feed"].Error);
        Assert.Equal(SourceSyncStatus.Ok, refused["good"].Status);
        Assert.Equal("1.1.0", resolvedAfterRefusal.Single(p => p.Id == "custom-alpha").Version.ToFullString());
        Workspace.AssertOk(allowed);
        Assert.Equal("1.0.0", (await _ws.ResolveAsync()).Single(p => p.Id == "custom-alpha").Version.ToFullString());
    }

    [Fact]
    public async Task A_set_pinning_the_lower_version_takes_it_without_a_rollback_error()
    {
        await using var feed = RawHttpServer.Start();
        var newer = await PublishAsync(feed, "custom-alpha", "1.1.0");
        var older = await PublishAsync(feed, "custom-alpha", "1.0.0");
        ServeIndex(feed, newer, older);
        var source = AddFeed("feed", feed);
        Workspace.AssertOk(await _ws.SyncAsync());

        source.Sets = [new PluginSetOptions { Version = "1.0.0" }];
        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal("1.0.0", Assert.Single(await _ws.ResolveAsync()).Version.ToFullString());
    }

    [Fact]
    public async Task A_link_planted_in_the_cache_is_never_followed_by_sync_or_garbage_collection()
    {
        AddGoodFsSource();
        Workspace.AssertOk(await _ws.SyncAsync());
        var elsewhere = _ws.Folder("elsewhere");
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "keep.txt"), "precious");
        var versions = Directory.GetDirectories(Path.Combine(_ws.CacheDirectory, "plugins", "custom-good"));
        Directory.Move(Path.Combine(_ws.CacheDirectory, "plugins", "custom-good"), Path.Combine(_ws.Temp.Path, "moved-away"));
        var link = Path.Combine(_ws.CacheDirectory, "plugins", "custom-good");
        Directory.CreateSymbolicLink(link, elsewhere);

        var sync = await Assert.ThrowsAsync<Cache.CacheLayoutException>(() => _ws.SyncAsync());
        var gc = await Assert.ThrowsAsync<Cache.CacheLayoutException>(() => _ws.Cache().CollectGarbageAsync());

        Assert.Contains($"symbolic link at '{link}'", sync.Message);
        Assert.Contains("remove the link", sync.Message);
        Assert.Contains(link, gc.Message);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(elsewhere).Select(Path.GetFileName));
        Assert.NotEmpty(versions);
    }

    [Fact]
    public async Task Two_different_packages_for_one_id_and_version_are_named_as_such_not_as_a_lock_conflict()
    {
        var folder = _ws.Folder("dup");
        await TestPlugins.WritePackageAsync(folder, "custom-dup", "1.0.0", content: "one");
        TestPlugins.WriteFolder(folder, "custom-dup", "1.0.0", content: "two");
        _ws.AddSource("dup", "fs", folder);
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["dup"].Status);
        Assert.Contains("offers two different packages for custom-dup 1.0.0: 'custom-dup-1.0.0.pbpkg'", run["dup"].Error);
        Assert.Contains("and 'custom-dup' (sha256:", run["dup"].Error);
        Assert.DoesNotContain("lock", run["dup"].Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
    }

    [Fact]
    public async Task A_git_tree_entry_leaving_its_plugin_folder_is_reported_with_source_and_plugin()
    {
        var served = _ws.Folder("served");
        var repo = new GitRepo(Path.Combine(served, "hostile"));
        string Hash(string type, byte[] content)
        {
            var file = Path.Combine(_ws.Temp.Path, Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(file, content);
            return GitRepo.Run(repo.Path, "hash-object", "-w", "--literally", "-t", type, file).Trim();
        }

        static byte[] Tree(params (string Mode, string Name, string Id)[] entries)
            => [.. entries.SelectMany(e => (byte[])[.. Encoding.ASCII.GetBytes($"{e.Mode} {e.Name}\0"), .. Convert.FromHexString(e.Id)])];

        var evil = Hash("blob", "owned"u8.ToArray());
        var manifest = Hash("blob", Encoding.UTF8.GetBytes("id: custom-climb\nversion: 1.0.0\nruntime: assembly\nentry: lib/a.dll\n"));
        var up = Hash("tree", Tree(("100644", "evil.txt", evil)));
        var plugin = Hash("tree", Tree(("40000", "..", up), ("100644", "plugin.yaml", manifest)));
        var root = Hash("tree", Tree(("40000", "custom-climb", plugin)));
        var commit = GitRepo.Run(repo.Path, "commit-tree", root, "-m", "hostile").Trim();
        GitRepo.Run(repo.Path, "update-ref", "refs/heads/main", commit);
        using var daemon = await GitDaemon.StartAsync(served);
        _ws.AddSource("hostile", "git", daemon.UrlOf("hostile")).AllowInsecure = true;
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["hostile"].Status);
        Assert.Contains("Source 'hostile': plugin folder 'custom-climb@HEAD' holds the tree entry '../evil.txt', whose path leaves the plugin folder", run["hostile"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
        Assert.Empty(Directory.EnumerateFiles(_ws.Temp.Path, "evil.txt", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_redirect_to_a_file_url_is_reported_as_a_redirect_not_followed()
    {
        await using var feed = RawHttpServer.Start();
        feed.Routes["/index.json"] = new RawResponse(302, [("Location", "file:///etc/passwd")], (_, _) => Task.CompletedTask, 0);
        AddFeed("feed", feed);
        AddGoodFsSource();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["feed"].Status);
        Assert.Contains("redirects to 'file:///etc/passwd', which is not followed", run["feed"].Error);
        Assert.DoesNotContain("Invalid URI", run["feed"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
    }

    [Fact]
    public async Task Entry_names_equal_in_another_unicode_form_are_called_a_normalisation_collision()
    {
        var folder = _ws.Folder("unicode");
        var nfc = "lib/caf\u00e9.txt";
        var nfd = "lib/cafe\u0301.txt";
        using (var file = File.Create(Path.Combine(folder, "custom-uni-1.0.0.pbpkg")))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            foreach (var name in new[] { "plugin.yaml", nfc, nfd })
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write("x"u8);
            }
        }

        _ws.AddSource("unicode", "fs", folder);

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["unicode"].Status);
        Assert.Contains("another Unicode normalisation form", run["unicode"].Error);
        Assert.DoesNotContain("case-insensitive", run["unicode"].Error);
    }

    [Fact]
    public async Task Half_extracted_folders_of_a_killed_sync_are_removed_by_the_next_sync()
    {
        AddGoodFsSource();
        Workspace.AssertOk(await _ws.SyncAsync());
        var leftover = Directory.CreateDirectory(Path.Combine(_ws.CacheDirectory, "plugins", "custom-good", ".1.0.0-abcdef012345.extracting-0123456789abcdef")).FullName;
        await File.WriteAllTextAsync(Path.Combine(leftover, "half.dll"), "half");
        Directory.SetLastWriteTimeUtc(leftover, DateTime.UtcNow.AddHours(-1));

        Workspace.AssertOk(await _ws.SyncAsync());

        Assert.False(Directory.Exists(leftover));
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
