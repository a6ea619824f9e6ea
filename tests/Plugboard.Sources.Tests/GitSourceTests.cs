using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

/// <summary>A git source reading a repository served by a real <c>git daemon</c> (git://, so insecure by policy and allowed explicitly).</summary>
public sealed class GitSourceTests : IAsyncLifetime
{
    private readonly Workspace _ws = new();
    private GitRepo _repo = null!;
    private GitDaemon _daemon = null!;

    public async Task InitializeAsync()
    {
        var served = _ws.Folder("served");
        _repo = new GitRepo(Path.Combine(served, "plugins"));
        TestPlugins.WriteFolder(Path.Combine(_repo.Path, "plugins"), "custom-alpha", "1.0.0");
        TestPlugins.WriteFolder(Path.Combine(_repo.Path, "plugins"), "custom-beta", "1.0.0");
        _repo.Commit("first");
        _daemon = await GitDaemon.StartAsync(served);
    }

    public Task DisposeAsync()
    {
        _daemon.Dispose();
        _ws.Dispose();
        return Task.CompletedTask;
    }

    private SourceOptions AddGit(params PluginSetOptions[] sets)
    {
        var source = _ws.AddSource("repo", "git", _daemon.UrlOf("plugins"), sets.Length == 0 ? [new PluginSetOptions { Path = "plugins" }] : sets);
        source.AllowInsecure = true;
        return source;
    }

    [Fact]
    public async Task First_sync_reads_plugin_folders_at_the_branch_head()
    {
        AddGit();

        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(1, run["repo"].RemoteFetches);
        Assert.Equal(["custom-alpha", "custom-beta"], (await _ws.ResolveAsync()).Select(p => p.Id));
        Assert.Contains(_ws.Logs.Messages, m => m.Level == Microsoft.Extensions.Logging.LogLevel.Warning && m.Message.Contains("AllowInsecure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unchanged_resync_neither_fetches_nor_packs()
    {
        AddGit();
        Workspace.AssertOk(await _ws.SyncAsync());

        var again = await _ws.SyncAsync();

        Workspace.AssertOk(again);
        Assert.Equal(0, again["repo"].RemoteFetches);
        Assert.Equal(0, again["repo"].PackagesFetched);
        Assert.Equal(2, again["repo"].Unchanged);
    }

    [Fact]
    public async Task A_new_commit_is_fetched_and_only_the_changed_folder_packed()
    {
        AddGit();
        Workspace.AssertOk(await _ws.SyncAsync());

        TestPlugins.WriteFolder(Path.Combine(_repo.Path, "plugins"), "custom-beta", "1.1.0", content: "two");
        _repo.Commit("beta 1.1");
        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(1, run["repo"].RemoteFetches);
        Assert.Equal(1, run["repo"].PackagesFetched);
        Assert.Equal(1, run["repo"].Updated);
        Assert.Equal("1.1.0", (await _ws.ResolveAsync()).Single(p => p.Id == "custom-beta").Version.ToFullString());
    }

    [Fact]
    public async Task A_tag_pins_the_set_while_the_branch_moves_on()
    {
        _repo.Tag("v1");
        TestPlugins.WriteFolder(Path.Combine(_repo.Path, "plugins"), "custom-alpha", "2.0.0", content: "two");
        _repo.Commit("alpha 2");
        AddGit(new PluginSetOptions { Path = "plugins", Ref = "v1", Plugins = ["custom-alpha"] });

        Workspace.AssertOk(await _ws.SyncAsync());

        Assert.Equal("1.0.0", Assert.Single(await _ws.ResolveAsync()).Version.ToFullString());
    }

    [Fact]
    public async Task A_commit_pin_already_in_the_mirror_needs_no_network()
    {
        var first = GitRepo.Run(_repo.Path, "rev-parse", "HEAD").Trim();
        TestPlugins.WriteFolder(Path.Combine(_repo.Path, "plugins"), "custom-alpha", "2.0.0", content: "two");
        _repo.Commit("alpha 2");
        AddGit(new PluginSetOptions { Path = "plugins", Ref = first });
        Workspace.AssertOk(await _ws.SyncAsync());

        _daemon.Dispose();
        var again = await _ws.SyncAsync();

        Workspace.AssertOk(again);
        Assert.Equal(0, again["repo"].RemoteFetches);
        Assert.Equal("1.0.0", (await _ws.ResolveAsync()).Single(p => p.Id == "custom-alpha").Version.ToFullString());
    }

    [Fact]
    public async Task A_version_range_on_a_git_set_filters_versions()
    {
        TestPlugins.WriteFolder(Path.Combine(_repo.Path, "plugins"), "custom-gamma", "3.0.0");
        _repo.Commit("gamma 3");
        AddGit(new PluginSetOptions { Path = "plugins", Version = "<2.0" });

        Workspace.AssertOk(await _ws.SyncAsync());

        Assert.Equal(["custom-alpha", "custom-beta"], (await _ws.ResolveAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task Packages_and_their_signatures_are_read_from_the_tree()
    {
        var key = SigningKey.Generate();
        await TestPlugins.WritePackageAsync(Path.Combine(_repo.Path, "released"), "custom-delta", "1.0.0", signer: key);
        _repo.Commit("released delta");
        var keys = _ws.Temp.Combine("keys");
        await TestPlugins.WriteTrustedKeyAsync(keys, key);
        var source = AddGit(new PluginSetOptions { Path = "released" });
        source.RequireSignature = true;
        source.TrustedKeys = keys;

        Workspace.AssertOk(await _ws.SyncAsync());

        Assert.Equal(["custom-delta"], (await _ws.ResolveAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task An_unknown_ref_fails_the_source_with_the_ref_named()
    {
        AddGit(new PluginSetOptions { Path = "plugins", Ref = "no-such-branch" });

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["repo"].Status);
        Assert.Contains("no-such-branch", run["repo"].Error);
    }

    [Fact]
    public async Task A_stopped_server_fails_the_sync_and_the_cache_still_resolves()
    {
        AddGit();
        Workspace.AssertOk(await _ws.SyncAsync());
        var before = await _ws.ResolveAsync();

        _daemon.Dispose();
        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["repo"].Status);
        Assert.Equal(before, await _ws.ResolveAsync());
    }

    [Fact]
    public async Task A_git_url_without_tls_is_refused_unless_allowed()
    {
        var source = AddGit();
        source.AllowInsecure = false;

        var error = await Assert.ThrowsAsync<SourceConfigurationException>(() => _ws.SyncAsync());

        Assert.Contains("AllowInsecure", error.Message);
    }
}
