using Microsoft.Extensions.Logging;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3.Tests.Fixtures;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.S3.Tests;

/// <summary>An s3 source reading .pbpkg objects from a real s3rver, synced by the real runner into a file-system cache.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3SourceTests(S3rverFixture s3) : IDisposable
{
    private readonly S3Workspace _ws = new(s3);

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task First_sync_downloads_every_package_under_the_prefix()
    {
        await s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        await s3.PublishAsync(_ws.Key("nested/custom-beta-2.0.0.pbpkg"), "custom-beta", "2.0.0");
        _ws.AddSource();

        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
        Assert.Equal(2, run["bucket"].Added);
        Assert.Equal(2, run["bucket"].PackagesFetched);
        Assert.Equal(2, _ws.Requests.PackageDownloads);
        Assert.Equal(["custom-alpha 1.0.0", "custom-beta 2.0.0"], (await _ws.ResolveAsync()).Select(p => $"{p.Id} {p.Version}"));
    }

    [Fact]
    public async Task Resync_of_an_unchanged_bucket_lists_it_and_downloads_nothing()
    {
        await s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        await s3.PublishAsync(_ws.Key("custom-beta-1.0.0.pbpkg"), "custom-beta", "1.0.0");
        _ws.AddSource();
        S3Workspace.AssertOk(await _ws.SyncAsync());
        var before = _ws.Requests.Requests.Count;

        var again = await _ws.SyncAsync();

        S3Workspace.AssertOk(again);
        Assert.Equal(0, again["bucket"].PackagesFetched);
        Assert.Equal(2, again["bucket"].Unchanged);
        Assert.Equal(2, _ws.Requests.PackageDownloads);
        var made = _ws.Requests.Requests.Skip(before).ToList();
        Assert.All(made, r => Assert.Equal("GET", r.Method));
        Assert.DoesNotContain(made, r => r.Path.EndsWith(".pbpkg", StringComparison.Ordinal));
        Assert.Equal(1, again["bucket"].RemoteFetches);
    }

    [Fact]
    public async Task A_changed_object_is_downloaded_again_and_only_it()
    {
        await s3.PublishAsync(_ws.Key("alpha/latest.pbpkg"), "custom-alpha", "1.0.0");
        await s3.PublishAsync(_ws.Key("beta/latest.pbpkg"), "custom-beta", "1.0.0");
        _ws.AddSource();
        S3Workspace.AssertOk(await _ws.SyncAsync());

        await s3.PublishAsync(_ws.Key("alpha/latest.pbpkg"), "custom-alpha", "1.1.0", content: "two");
        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
        Assert.Equal(1, run["bucket"].PackagesFetched);
        Assert.Equal(1, run["bucket"].Updated);
        Assert.Equal(1, run["bucket"].Unchanged);
        Assert.Equal(2, _ws.Requests.Count("GET", "alpha/latest.pbpkg"));
        Assert.Equal(1, _ws.Requests.Count("GET", "beta/latest.pbpkg"));
        Assert.Equal(["custom-alpha 1.1.0", "custom-beta 1.0.0"], (await _ws.ResolveAsync()).Select(p => $"{p.Id} {p.Version}"));
    }

    [Fact]
    public async Task A_version_range_takes_only_matching_versions_and_never_downloads_the_others()
    {
        await s3.PublishAsync(_ws.Key("custom-alpha-0.9.0.pbpkg"), "custom-alpha", "0.9.0");
        await s3.PublishAsync(_ws.Key("custom-alpha-1.2.0.pbpkg"), "custom-alpha", "1.2.0");
        await s3.PublishAsync(_ws.Key("custom-alpha-1.4.1.pbpkg"), "custom-alpha", "1.4.1");
        await s3.PublishAsync(_ws.Key("custom-alpha-2.0.0.pbpkg"), "custom-alpha", "2.0.0");
        _ws.AddSource("bucket", new PluginSetOptions { Version = "^1.2" });

        var run = await _ws.SyncAsync();
        var again = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
        S3Workspace.AssertOk(again);
        Assert.Equal(2, _ws.Requests.PackageDownloads);
        Assert.Equal(0, _ws.Requests.Count("GET", "custom-alpha-0.9.0.pbpkg") + _ws.Requests.Count("GET", "custom-alpha-2.0.0.pbpkg"));
        Assert.Equal("1.4.1", Assert.Single(await _ws.ResolveAsync()).Version.ToFullString());
    }

    [Fact]
    public async Task Without_file_name_claims_an_out_of_range_package_is_downloaded_once_then_recognized_by_its_etag()
    {
        await s3.PublishAsync(_ws.Key("a.pbpkg"), "custom-alpha", "1.0.0");
        await s3.PublishAsync(_ws.Key("b.pbpkg"), "custom-alpha", "2.0.0");
        _ws.AddSource("bucket", new PluginSetOptions { Version = "1.x" }).Settings["claimFromFileName"] = "false";

        S3Workspace.AssertOk(await _ws.SyncAsync());
        var again = await _ws.SyncAsync();

        S3Workspace.AssertOk(again);
        Assert.Equal(0, again["bucket"].PackagesFetched);
        Assert.Equal(2, _ws.Requests.PackageDownloads);
        Assert.Equal("1.0.0", Assert.Single(await _ws.ResolveAsync()).Version.ToFullString());
    }

    [Fact]
    public async Task Sets_take_their_sub_path_and_only_the_plugins_they_name()
    {
        await s3.PublishAsync(_ws.Key("stable/custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        await s3.PublishAsync(_ws.Key("stable/custom-beta-1.0.0.pbpkg"), "custom-beta", "1.0.0");
        await s3.PublishAsync(_ws.Key("beta/custom-gamma-0.1.0.pbpkg"), "custom-gamma", "0.1.0");
        await s3.PublishAsync(_ws.Key("beta/custom-delta-0.1.0.pbpkg"), "custom-delta", "0.1.0");
        _ws.AddSource(
            "bucket",
            new PluginSetOptions { Path = "stable", Plugins = ["custom-alpha"] },
            new PluginSetOptions { Path = "beta", Plugins = ["custom-gamma"] });

        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
        Assert.Equal(["custom-alpha", "custom-gamma"], (await _ws.ResolveAsync()).Select(p => p.Id));
        Assert.Equal(2, _ws.Requests.PackageDownloads);
    }

    [Fact]
    public async Task A_signed_package_brings_its_signature_and_is_accepted_when_signatures_are_required()
    {
        var key = SigningKey.Generate();
        var trusted = Directory.CreateDirectory(_ws.Temp.Combine("trusted")).FullName;
        await File.WriteAllTextAsync(Path.Combine(trusted, key.KeyId + ".pem"), key.PublicKeyPem);
        await s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0", signer: key);
        var source = _ws.AddSource();
        source.RequireSignature = true;
        source.TrustedKeys = trusted;

        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
        Assert.Equal(1, _ws.Requests.Count("GET", ".pbpkg.sig"));
        Assert.Equal("custom-alpha", Assert.Single(await _ws.ResolveAsync()).Id);
    }

    [Fact]
    public async Task An_object_whose_name_claims_another_version_than_its_manifest_is_refused()
    {
        await s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.1");
        _ws.AddSource();

        var run = await _ws.SyncAsync();

        var result = run["bucket"];
        Assert.Equal(SourceSyncStatus.Failed, result.Status);
        Assert.Contains("custom-alpha-1.0.0.pbpkg", result.Error);
        Assert.Contains("1.0.1", result.Error);
    }

    [Fact]
    public async Task A_missing_bucket_fails_the_source_with_what_to_do_and_keeps_the_others()
    {
        await s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        _ws.AddSource("good");
        _ws.AddSource("nobucket").Settings["bucket"] = "no-such-bucket";

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
        var failed = run["nobucket"];
        Assert.Equal(SourceSyncStatus.Failed, failed.Status);
        Assert.Contains("Source 'nobucket'", failed.Error);
        Assert.Contains("bucket 'no-such-bucket' does not exist", failed.Error);
        Assert.Contains("Settings:Bucket", failed.Error);
        Assert.Equal("custom-alpha", Assert.Single(await _ws.ResolveAsync()).Id);
    }

    [Fact]
    public async Task An_http_endpoint_without_allow_insecure_is_refused_before_any_request()
    {
        _ws.AddSource().AllowInsecure = false;

        var error = await Assert.ThrowsAsync<SourceConfigurationException>(() => _ws.SyncAsync());

        var message = Assert.Single(error.Errors);
        Assert.Contains("Source 'bucket'", message);
        Assert.Contains("http://", message);
        Assert.Contains("AllowInsecure", message);
        Assert.Empty(_ws.Requests.Requests);
    }

    [Fact]
    public async Task Allowing_insecure_transport_is_logged_as_a_warning_at_every_sync()
    {
        await s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        _ws.AddSource();

        S3Workspace.AssertOk(await _ws.SyncAsync());
        S3Workspace.AssertOk(await _ws.SyncAsync());

        var warnings = _ws.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Text.Contains("AllowInsecure", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(s3.Endpoint, warnings[0].Text);
    }
}
