using Plugboard.Sources.Configuration;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

/// <summary>A git source over HTTPS: the real git http-backend behind Kestrel, a throw-away CA trusted through the source's CaBundle, a bearer token from the environment.</summary>
public sealed class GitHttpsTests : IAsyncLifetime
{
    private const string Token = "s3cr3t-token-for-tests";
    private readonly Workspace _ws = new();
    private readonly string _tokenVariable = "PB_TEST_GIT_TOKEN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private TestCertificates _certificates = null!;
    private GitHttpServer _server = null!;
    private GitRepo _repo = null!;

    public async Task InitializeAsync()
    {
        var served = _ws.Folder("served");
        _repo = new GitRepo(Path.Combine(served, "plugins"));
        TestPlugins.WriteFolder(_repo.Path, "custom-alpha", "1.0.0", folderName: "alpha");
        TestPlugins.WriteFolder(_repo.Path, "custom-beta", "1.0.0", folderName: "beta");
        _repo.Commit("first");
        _certificates = TestCertificates.Create(_ws.Folder("certs"));
        _server = await GitHttpServer.StartAsync(served, _certificates.Server, Token);
        Environment.SetEnvironmentVariable(_tokenVariable, Token);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_tokenVariable, null);
        await _server.DisposeAsync();
        _certificates.Dispose();
        _ws.Dispose();
    }

    private SourceOptions AddHttpsGit()
    {
        var source = _ws.AddSource("secure", "git", _server.UrlOf("plugins"));
        source.CaBundle = _certificates.CaPemPath;
        source.Credentials.TokenEnv = _tokenVariable;
        return source;
    }

    [Fact]
    public async Task Syncs_over_https_with_a_ca_bundle_and_a_token()
    {
        AddHttpsGit();

        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(["custom-alpha", "custom-beta"], (await _ws.ResolveAsync()).Select(p => p.Id));
        Assert.Equal(1, _server.UploadPackPosts);
        Assert.DoesNotContain(_ws.Logs.Messages, m => m.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unchanged_repository_is_not_fetched_again()
    {
        AddHttpsGit();
        Workspace.AssertOk(await _ws.SyncAsync());
        var fetches = _server.UploadPackPosts;

        var again = await _ws.SyncAsync();

        Workspace.AssertOk(again);
        Assert.Equal(fetches, _server.UploadPackPosts);
        Assert.Equal(0, again["secure"].PackagesFetched);
    }

    [Fact]
    public async Task A_server_certificate_from_an_untrusted_ca_is_refused()
    {
        var source = AddHttpsGit();
        using var other = TestCertificates.Create(_ws.Folder("other-ca"), "other");
        source.CaBundle = other.CaPemPath;

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["secure"].Status);
        Assert.Contains("certificate", run["secure"].Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, _server.UploadPackPosts);
    }

    [Fact]
    public async Task A_wrong_token_fails_without_revealing_it()
    {
        var source = AddHttpsGit();
        var wrong = _ws.Temp.Combine("wrong-token");
        await File.WriteAllTextAsync(wrong, "not-the-right-one\n");
        source.Credentials.TokenEnv = null;
        source.Credentials.TokenFile = wrong;

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["secure"].Status);
        Assert.DoesNotContain("not-the-right-one", run["secure"].Error);
        Assert.DoesNotContain("not-the-right-one", source.ToString());
        Assert.DoesNotContain(_ws.Logs.Messages, m => m.Message.Contains("not-the-right-one", StringComparison.Ordinal));
    }
}
