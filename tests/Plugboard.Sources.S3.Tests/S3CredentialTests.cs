using Plugboard.Sources.S3;
using Plugboard.Sources.S3.Tests.Fixtures;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.S3.Tests;

/// <summary>Where an s3 source reads its keys from, and what it says when they are missing or wrong. Secrets never show.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3CredentialTests : IAsyncLifetime
{
    private readonly S3rverFixture _s3;
    private readonly S3Workspace _ws;
    private readonly string _accessEnv = "PB_TEST_S3_ACCESS_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private readonly string _secretEnv = "PB_TEST_S3_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public S3CredentialTests(S3rverFixture s3)
    {
        _s3 = s3;
        _ws = new S3Workspace(s3);
    }

    public Task InitializeAsync() => _s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");

    public Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_accessEnv, null);
        Environment.SetEnvironmentVariable(_secretEnv, null);
        _ws.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Keys_are_read_from_the_environment_variables_the_settings_name()
    {
        Environment.SetEnvironmentVariable(_accessEnv, S3rver.AccessKey);
        Environment.SetEnvironmentVariable(_secretEnv, S3rver.SecretKey);
        var source = _ws.AddSource();
        source.Settings["accessKeyEnv"] = _accessEnv;
        source.Settings["secretKeyEnv"] = _secretEnv;

        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
        Assert.Equal("custom-alpha", Assert.Single(await _ws.ResolveAsync()).Id);
    }

    [Fact]
    public async Task Keys_are_read_from_files_the_settings_name_ignoring_surrounding_white_space()
    {
        var accessFile = _ws.Temp.Combine("access-key");
        var secretFile = _ws.Temp.Combine("secret-key");
        await File.WriteAllTextAsync(accessFile, S3rver.AccessKey + "\n");
        await File.WriteAllTextAsync(secretFile, "  " + S3rver.SecretKey + "\n");
        var source = _ws.AddSource();
        source.Settings.Remove("accessKeyEnv");
        source.Settings.Remove("secretKeyEnv");
        source.Settings["accessKeyFile"] = accessFile;
        source.Settings["secretKeyFile"] = secretFile;

        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
    }

    [Fact]
    public async Task Anonymous_credentials_send_unsigned_requests()
    {
        var source = _ws.AddSource();
        source.Settings.Remove("accessKeyEnv");
        source.Settings.Remove("secretKeyEnv");
        source.Settings["credentials"] = "anonymous";

        var run = await _ws.SyncAsync();

        S3Workspace.AssertOk(run);
    }

    [Fact]
    public async Task Sdk_credentials_come_from_the_aws_sdk_default_chain()
    {
        var saved = (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"));
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3rver.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3rver.SecretKey);
        try
        {
            var source = _ws.AddSource();
            source.Settings.Remove("accessKeyEnv");
            source.Settings.Remove("secretKeyEnv");
            source.Settings["credentials"] = "sdk";

            var run = await _ws.SyncAsync();

            S3Workspace.AssertOk(run);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", saved.Item2);
        }
    }

    [Fact]
    public async Task A_missing_key_variable_fails_the_source_naming_the_source_and_the_variable()
    {
        Environment.SetEnvironmentVariable(_accessEnv, S3rver.AccessKey);
        var source = _ws.AddSource();
        source.Settings["accessKeyEnv"] = _accessEnv;
        source.Settings["secretKeyEnv"] = _secretEnv;

        var run = await _ws.SyncAsync();

        var result = run["bucket"];
        Assert.Equal(SourceSyncStatus.Failed, result.Status);
        Assert.Contains("Source 'bucket'", result.Error);
        Assert.Contains($"environment variable '{_secretEnv}'", result.Error);
        Assert.Contains("Settings:SecretKeyEnv", result.Error);
        Assert.Empty(_ws.Requests.Requests);
    }

    [Fact]
    public async Task A_missing_key_file_fails_the_source_naming_the_file()
    {
        var source = _ws.AddSource();
        source.Settings.Remove("secretKeyEnv");
        source.Settings["secretKeyFile"] = _ws.Temp.Combine("nowhere", "secret");

        var run = await _ws.SyncAsync();

        var result = run["bucket"];
        Assert.Equal(SourceSyncStatus.Failed, result.Status);
        Assert.Contains("Source 'bucket'", result.Error);
        Assert.Contains(_ws.Temp.Combine("nowhere", "secret"), result.Error);
        Assert.Contains("Settings:SecretKeyFile", result.Error);
    }

    [Fact]
    public async Task An_unknown_access_key_is_reported_as_refused_credentials_without_showing_any_key()
    {
        // s3rver checks access key ids (not SigV4 signatures), so an unknown key is what it can refuse.
        const string accessKey = "UNKNOWNKEY4711";
        const string secret = "some-secret-value-4711";
        Environment.SetEnvironmentVariable(_accessEnv, accessKey);
        Environment.SetEnvironmentVariable(_secretEnv, secret);
        var source = _ws.AddSource();
        source.Settings["accessKeyEnv"] = _accessEnv;
        source.Settings["secretKeyEnv"] = _secretEnv;

        var run = await _ws.SyncAsync();

        var result = run["bucket"];
        Assert.Equal(SourceSyncStatus.Failed, result.Status);
        Assert.Contains("refused the credentials (InvalidAccessKeyId)", result.Error);
        Assert.Contains(_accessEnv, result.Error);
        Assert.DoesNotContain(secret, result.Error);
        Assert.DoesNotContain(accessKey, result.Error);
        Assert.DoesNotContain(secret, _ws.Logs.AllText);
        Assert.DoesNotContain(accessKey, _ws.Logs.AllText);
    }

    [Fact]
    public void Descriptions_of_the_source_show_where_keys_come_from_never_the_keys()
    {
        const string secret = "never-show-this-9931";
        Environment.SetEnvironmentVariable(_secretEnv, secret);
        var source = _ws.AddSource();
        source.Settings["secretKeyEnv"] = _secretEnv;

        var settings = S3SourceSettings.Read(source, new List<string>());
        var described = settings.Connection.ToString() + " " + source + " " + _ws.Options;

        Assert.Contains(_secretEnv, described);
        Assert.Contains("(redacted)", described);
        Assert.DoesNotContain(secret, described);
    }
}
