using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary><c>plugboard plugin install</c> from an https archive, a git repository and the sources' cache; receipts; <c>plugin update</c>.</summary>
public sealed class CommandPluginInstallTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_tarball_served_over_https_by_a_private_CA_installs_with_the_CA_bundle_and_its_digest_is_recorded()
    {
        using var certificates = TestCertificates.Create(_sandbox.Root);
        var archive = PluginArchives.TarGz(PluginFolders.Hello(_sandbox, "src/hello"), "hello-1.0.0");
        await using var server = await ServeAsync(archive, certificates);
        var url = server.BaseUrl + "/releases/hello-1.0.0.tar.gz";

        var untrusted = await CliRunner.RunAsync(_sandbox, "plugin", "install", url);
        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", url, "--ca-bundle", certificates.CaPemPath, "--json");
        var run = await CliRunner.RunAsync(_sandbox, "hello", "from the web");

        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("--ca-bundle", untrusted.Error, StringComparison.Ordinal);
        Assert.True(install.ExitCode == 0, install.ToString());
        var source = JsonDocument.Parse(install.Out).RootElement.GetProperty("source");
        Assert.Equal("url", source.GetProperty("kind").GetString());
        Assert.Equal("sha256:" + PluginArchives.Sha256(archive), source.GetProperty("digest").GetString());
        Assert.False(source.GetProperty("pinned").GetBoolean());
        Assert.Contains("arg=[from the web]", run.Out, StringComparison.Ordinal);
        var receipt = JsonDocument.Parse(File.ReadAllText(Path.Combine(_sandbox.PluginsDirectory, "hello", ".receipt.json"))).RootElement;
        Assert.Equal(url, receipt.GetProperty("source").GetString());
        Assert.Equal("1.0.0", receipt.GetProperty("version").GetString());
        Assert.True(receipt.TryGetProperty("installedAt", out _));
    }

    [Fact]
    public async Task A_download_that_does_not_match_its_sha256_pin_installs_nothing()
    {
        using var certificates = TestCertificates.Create(_sandbox.Root);
        var archive = PluginArchives.Zip(PluginFolders.Hello(_sandbox, "src/hello"));
        await using var server = await ServeAsync(archive, certificates);
        var url = server.BaseUrl + "/hello.zip";
        var wrong = new string('0', 64);

        var refused = await CliRunner.RunAsync(_sandbox, "plugin", "install", url, "--ca-bundle", certificates.CaPemPath, "--sha256", wrong);
        var pinned = await CliRunner.RunAsync(_sandbox, "plugin", "install", url, "--ca-bundle", certificates.CaPemPath, "--sha256", PluginArchives.Sha256(archive));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"has SHA-256 {PluginArchives.Sha256(archive)}, but --sha256 asks for {wrong}", refused.Error, StringComparison.Ordinal);
        Assert.True(pinned.ExitCode == 0, pinned.ToString() + refused);
        Assert.True(JsonDocument.Parse(File.ReadAllText(Path.Combine(_sandbox.PluginsDirectory, "hello", ".receipt.json"))).RootElement.GetProperty("pinned").GetBoolean());
    }

    [Fact]
    public async Task Plain_http_is_refused_unless_allowed_and_then_warned_about()
    {
        var archive = PluginArchives.TarGz(PluginFolders.Hello(_sandbox, "src/hello"), "hello");
        await using var server = await ServeAsync(archive, certificates: null);
        var url = server.BaseUrl + "/hello.tgz";

        var refused = await CliRunner.RunAsync(_sandbox, "plugin", "install", url);
        var allowed = await CliRunner.RunAsync(_sandbox, "plugin", "install", url, "--allow-insecure");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("uses http://, which is refused", refused.Error, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("warning: downloading", allowed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil.sh", "could point outside")]
    [InlineData("hello/../../evil.sh", "could point outside")]
    [InlineData("/tmp/evil.sh", "is absolute")]
    [InlineData("link", "is a link")]
    public async Task An_archive_entry_that_could_escape_the_plugin_folder_installs_nothing(string entry, string expected)
    {
        using var certificates = TestCertificates.Create(_sandbox.Root);
        var archive = PluginArchives.TarGz(
            ("hello/plugin.yaml", "id: hello\nversion: 1.0.0\nruntime: command\nentry: run\n"),
            ("hello/run", "#!/bin/sh\necho hi\n"),
            (entry, entry == "link" ? null : "#!/bin/sh\necho pwned\n"));
        await using var server = await ServeAsync(archive, certificates);

        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install", server.BaseUrl + "/hello.tar.gz", "--ca-bundle", certificates.CaPemPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"entry '{entry}' ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_sandbox.PluginsDirectory, "evil.sh")));
        Assert.False(File.Exists(_sandbox.PathOf("home", "evil.sh")));
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.PluginsDirectory));
    }

    [Fact]
    public async Task A_git_repository_installs_at_a_tag_and_update_follows_a_branch_only_to_a_higher_version()
    {
        var repo = new GitRepo(_sandbox.PathOf("repo"));
        CommandPluginFolders.Tool(_sandbox, "repo", "1.0.0");
        repo.Commit("1.0.0");
        repo.Tag("v1.0.0");
        CommandPluginFolders.Tool(_sandbox, "repo", "2.0.0");
        var v2 = repo.Commit("2.0.0");
        var url = new Uri(repo.Path).AbsoluteUri;

        var atTag = await CliRunner.RunAsync(_sandbox, "plugin", "install", url + "@v1.0.0", "--json");
        var runV1 = await CliRunner.RunAsync(_sandbox, "tool");
        var stillAtTag = await CliRunner.RunAsync(_sandbox, "plugin", "update", "tool");
        await CliRunner.RunAsync(_sandbox, "plugin", "uninstall", "tool");
        var onMain = await CliRunner.RunAsync(_sandbox, "plugin", "install", url + "@main");
        CommandPluginFolders.Tool(_sandbox, "repo", "1.5.0");
        repo.Commit("an older version on main");
        var notHigher = await CliRunner.RunAsync(_sandbox, "plugin", "update", "tool");
        CommandPluginFolders.Tool(_sandbox, "repo", "3.0.0");
        var v3 = repo.Commit("3.0.0");
        var higher = await CliRunner.RunAsync(_sandbox, "plugin", "update", "tool", "--json");
        var runV3 = await CliRunner.RunAsync(_sandbox, "tool", "x");

        Assert.True(atTag.ExitCode == 0, atTag.ToString());
        var source = JsonDocument.Parse(atTag.Out).RootElement.GetProperty("source");
        Assert.Equal("git", source.GetProperty("kind").GetString());
        Assert.Equal("v1.0.0", source.GetProperty("ref").GetString());
        Assert.Equal("tool 1.0.0: \n", runV1.Out);
        Assert.Contains("is up to date", stillAtTag.Out, StringComparison.Ordinal);
        Assert.True(onMain.ExitCode == 0, onMain.ToString());
        Assert.Contains($"commit {v2}", onMain.Out, StringComparison.Ordinal);
        Assert.Contains("'tool' 2.0.0 is up to date", notHigher.Out, StringComparison.Ordinal);
        Assert.True(higher.ExitCode == 0, higher.ToString());
        var updated = JsonDocument.Parse(higher.Out).RootElement;
        Assert.Equal("2.0.0", updated.GetProperty("previousVersion").GetString());
        Assert.Equal(v3, updated.GetProperty("source").GetProperty("commit").GetString());
        Assert.Equal("tool 3.0.0: x\n", runV3.Out);
    }

    [Fact]
    public async Task Update_with_ref_moves_a_git_installed_plugin_to_another_tag_only_when_its_version_is_higher()
    {
        var repo = new GitRepo(_sandbox.PathOf("repo"));
        CommandPluginFolders.Tool(_sandbox, "repo", "1.0.0");
        repo.Commit("1.0.0");
        repo.Tag("v1.0.0");
        CommandPluginFolders.Tool(_sandbox, "repo", "2.0.0");
        var v2 = repo.Commit("2.0.0");
        repo.Tag("v2.0.0");
        CommandPluginFolders.Tool(_sandbox, "repo", "0.9.0");
        repo.Commit("a backport release");
        repo.Tag("v0.9.0");
        var url = new Uri(repo.Path).AbsoluteUri;

        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", url + "@v1.0.0");
        var lower = await CliRunner.RunAsync(_sandbox, "plugin", "update", "tool", "--ref", "v0.9.0");
        var afterLower = await CliRunner.RunAsync(_sandbox, "tool");
        var receiptAfterLower = ReadReceipt("tool");
        var higher = await CliRunner.RunAsync(_sandbox, "plugin", "update", "tool", "--ref", "v2.0.0", "--json");
        var afterHigher = await CliRunner.RunAsync(_sandbox, "tool", "y");
        var receiptAfterHigher = ReadReceipt("tool");
        var again = await CliRunner.RunAsync(_sandbox, "plugin", "update", "tool");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(lower.ExitCode == 0, lower.ToString());
        Assert.Contains("'tool' 1.0.0 is up to date", lower.Out, StringComparison.Ordinal);
        Assert.Contains("offers 0.9.0", lower.Out, StringComparison.Ordinal);
        Assert.Equal("tool 1.0.0: \n", afterLower.Out);
        Assert.Equal("v1.0.0", receiptAfterLower.GetProperty("ref").GetString());
        Assert.True(higher.ExitCode == 0, higher.ToString());
        var updated = JsonDocument.Parse(higher.Out).RootElement;
        Assert.True(updated.GetProperty("changed").GetBoolean());
        Assert.Equal("1.0.0", updated.GetProperty("previousVersion").GetString());
        Assert.Equal("v2.0.0", updated.GetProperty("source").GetProperty("ref").GetString());
        Assert.Equal(v2, updated.GetProperty("source").GetProperty("commit").GetString());
        Assert.Equal("tool 2.0.0: y\n", afterHigher.Out);
        Assert.Equal("v2.0.0", receiptAfterHigher.GetProperty("ref").GetString());
        Assert.Contains("'tool' 2.0.0 is up to date", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_with_ref_is_refused_for_a_plugin_not_installed_from_git_and_with_all()
    {
        var folder = CommandPluginFolders.Tool(_sandbox, "src/tool", "1.0.0");
        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", folder);

        var fromFolder = await CliRunner.RunAsync(_sandbox, "plugin", "update", "tool", "--ref", "v2.0.0");
        var withAll = await CliRunner.RunAsync(_sandbox, "plugin", "update", "--all", "--ref", "v2.0.0");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal(2, fromFolder.ExitCode);
        Assert.Contains("--ref applies to plugins installed from git", fromFolder.Error, StringComparison.Ordinal);
        Assert.Equal(2, withAll.ExitCode);
        Assert.Contains("give its NAME, not --all", withAll.Error, StringComparison.Ordinal);
        Assert.Equal("1.0.0", ReadReceipt("tool").GetProperty("version").GetString());
    }

    private JsonElement ReadReceipt(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(_sandbox.PluginsDirectory, name, ".receipt.json"))).RootElement;

    [Theory]
    [InlineData("@--upload-pack=touch /tmp/x")]
    [InlineData("@v1..v2")]
    public async Task A_git_ref_that_git_could_misread_is_refused_before_git_runs(string suffix)
    {
        var repo = new GitRepo(_sandbox.PathOf("repo"));
        CommandPluginFolders.Tool(_sandbox, "repo", "1.0.0");
        repo.Commit();

        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install", new Uri(repo.Path).AbsoluteUri + suffix);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a git ref", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_id_installs_from_the_synced_cache_and_updates_after_the_next_sync()
    {
        _sandbox.WriteFile("work/plugboard.yaml", "Plugboard:\n  Sources:\n    CacheDirectory: ../cache\n    Sources:\n      - Name: local\n        Type: fs\n        Path: ../feed\n");
        CommandPluginFolders.Tool(_sandbox, "feed/tool", "1.0.0");
        var unsynced = await CliRunner.RunAsync(_sandbox, "plugin", "install", "tool");
        await CliRunner.RunAsync(_sandbox, "sync");

        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", "tool", "--json");
        var upToDate = await CliRunner.RunAsync(_sandbox, "plugin", "update", "--all");
        CommandPluginFolders.Tool(_sandbox, "feed/tool", "1.1.0");
        await CliRunner.RunAsync(_sandbox, "sync");
        var update = await CliRunner.RunAsync(_sandbox, "plugin", "update", "--all", "--json");
        var run = await CliRunner.RunAsync(_sandbox, "tool");

        Assert.Equal(1, unsynced.ExitCode);
        Assert.Contains("Run 'plugboard sync' first", unsynced.Error, StringComparison.Ordinal);
        Assert.True(install.ExitCode == 0, install.ToString());
        var source = JsonDocument.Parse(install.Out).RootElement.GetProperty("source");
        Assert.Equal("cache", source.GetProperty("kind").GetString());
        Assert.Equal("local", source.GetProperty("sourceName").GetString());
        Assert.Contains("'tool' 1.0.0 is up to date", upToDate.Out, StringComparison.Ordinal);
        Assert.True(update.ExitCode == 0, update.ToString());
        var updated = Assert.Single(JsonDocument.Parse(update.Out).RootElement.GetProperty("plugins").EnumerateArray());
        Assert.True(updated.GetProperty("changed").GetBoolean());
        Assert.Equal("1.1.0", updated.GetProperty("version").GetString());
        Assert.Equal("tool 1.1.0: \n", run.Out);
    }

    private static Task<KestrelServer> ServeAsync(byte[] body, TestCertificates? certificates)
        => KestrelServer.StartAsync(context => context.Response.Body.WriteAsync(body).AsTask(), certificates?.Server);
}
