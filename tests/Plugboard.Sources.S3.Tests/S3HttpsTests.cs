using Plugboard.Sources.S3.Tests.Fixtures;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.S3.Tests;

/// <summary>An s3 source over HTTPS: s3rver with a certificate from a throw-away CA the source trusts through its CaBundle only.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3HttpsTests(S3rverFixture plain) : IAsyncLifetime
{
    private readonly S3Workspace _ws = new(plain);
    private TestCertificates _certificates = null!;
    private S3rver _tls = null!;

    public async Task InitializeAsync()
    {
        _certificates = TestCertificates.Create(_ws.Temp.Combine("certs"));
        _tls = await S3rver.StartAsync(S3rverFixture.BucketName, (_certificates.ServerKeyPemPath, _certificates.ServerCertPemPath));
        await plain.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        await CopyToTlsServerAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"));
    }

    public async Task DisposeAsync()
    {
        await _tls.DisposeAsync();
        _ws.Dispose();
    }

    private async Task CopyToTlsServerAsync(string key)
    {
        var bytes = await plain.GetBytesAsync(key);
        var connection = plain.Connection();
        connection.Endpoint = _tls.Endpoint;
        connection.AllowInsecure = false;
        connection.CaBundle = _certificates.CaPemPath;
        using var client = new Connection.S3ClientFactory().Create(connection);
        using var stream = new MemoryStream(bytes);
        await client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = S3rverFixture.BucketName, Key = key, InputStream = stream, UseChunkEncoding = false });
    }

    [Fact]
    public async Task An_https_endpoint_whose_ca_the_source_trusts_syncs_without_allowing_insecure_transport()
    {
        var source = _ws.AddSource();
        source.AllowInsecure = false;
        source.Settings["endpoint"] = _tls.Endpoint;
        source.CaBundle = _certificates.CaPemPath;

        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
        Assert.Equal("custom-alpha", Assert.Single(await _ws.ResolveAsync()).Id);
        Assert.DoesNotContain(_ws.Logs.Entries, e => e.Text.Contains("AllowInsecure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_https_endpoint_with_an_untrusted_certificate_fails_and_says_to_give_a_ca_bundle()
    {
        var source = _ws.AddSource();
        source.AllowInsecure = false;
        source.Settings["endpoint"] = _tls.Endpoint;

        var run = await _ws.SyncAsync();

        var result = run["bucket"];
        Assert.Equal(SourceSyncStatus.Failed, result.Status);
        Assert.Contains("Source 'bucket'", result.Error);
        Assert.Contains("CaBundle", result.Error);
    }
}
