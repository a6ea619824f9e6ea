using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3;

namespace Plugboard.Sources.S3.Tests;

/// <summary>What the options validator says about s3 sources before any request is made.</summary>
public sealed class S3SettingsTests
{
    private static IReadOnlyList<string> Check(Action<SourceOptions> configure)
    {
        var source = new SourceOptions { Name = "plugins", Type = "s3", Settings = new(StringComparer.OrdinalIgnoreCase) { ["bucket"] = "my-bucket", ["region"] = "eu-west-1" } };
        configure(source);
        var options = new PlugboardSourcesOptions { CacheDirectory = "/tmp/unused", Sources = [source] };
        return PlugboardSourcesOptionsValidator.Check(options, [new S3SourceProvider()]);
    }

    [Fact]
    public void An_aws_bucket_with_a_region_is_valid() => Assert.Empty(Check(_ => { }));

    [Fact]
    public void Bucket_is_required()
        => Assert.Contains(Check(s => s.Settings.Remove("bucket")), e => e.Contains("Source 'plugins'") && e.Contains("Settings:Bucket is required"));

    [Fact]
    public void Region_is_required_for_aws_but_not_with_an_endpoint()
    {
        Assert.Contains(Check(s => s.Settings.Remove("region")), e => e.Contains("Settings:Region is required"));
        Assert.Empty(Check(s =>
        {
            s.Settings.Remove("region");
            s.Settings["endpoint"] = "https://minio.example.com:9000";
        }));
    }

    [Fact]
    public void An_unknown_setting_is_named_with_a_suggestion()
        => Assert.Contains(Check(s => s.Settings["bucktet"] = "x"), e => e.Contains("Settings:bucktet") && e.Contains("'bucket'"));

    [Fact]
    public void Http_endpoints_need_allow_insecure()
    {
        Assert.Contains(Check(s => s.Settings["endpoint"] = "http://127.0.0.1:9000"), e => e.Contains("http://") && e.Contains("AllowInsecure"));
        Assert.Empty(Check(s =>
        {
            s.Settings["endpoint"] = "http://127.0.0.1:9000";
            s.AllowInsecure = true;
        }));
    }

    [Fact]
    public void Endpoints_must_not_carry_credentials()
        => Assert.Contains(Check(s => s.Settings["endpoint"] = "https://key:secret@minio.example.com"), e => e.Contains("must not carry credentials"));

    [Fact]
    public void A_key_comes_from_a_variable_or_a_file_not_both()
        => Assert.Contains(Check(s =>
        {
            s.Settings["secretKeyEnv"] = "S";
            s.Settings["secretKeyFile"] = "/run/secrets/s";
        }), e => e.Contains("Settings:SecretKeyEnv or Settings:SecretKeyFile, not both"));

    [Fact]
    public void The_credentials_mode_is_one_of_keys_sdk_anonymous()
    {
        Assert.Empty(Check(s => s.Settings["credentials"] = "sdk"));
        Assert.Empty(Check(s => s.Settings["credentials"] = "Anonymous"));
        Assert.Contains(Check(s => s.Settings["credentials"] = "magic"), e => e.Contains("Settings:credentials 'magic'"));
    }

    [Fact]
    public void Token_credentials_and_urls_of_other_source_types_are_pointed_at_the_s3_settings()
    {
        var errors = Check(s =>
        {
            s.Credentials.TokenEnv = "TOKEN";
            s.Url = "s3://my-bucket/prefix";
        });

        Assert.Contains(errors, e => e.Contains("Credentials:TokenEnv") && e.Contains("Settings:accessKeyEnv"));
        Assert.Contains(errors, e => e.Contains("Url is not used by type 's3'"));
    }

    [Fact]
    public void Cache_options_are_checked_with_their_own_field_names()
    {
        var errors = new S3CacheOptions { Endpoint = "http://127.0.0.1:1", ShareIndex = true, IndexKey = "../x" }.Validate();

        Assert.Contains(errors, e => e.StartsWith("S3 cache: Bucket is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("AllowInsecure: true for the S3 cache"));
        Assert.Contains(errors, e => e.Contains("IndexKey '../x'"));
    }

    [Theory]
    [InlineData("custom-hello-1.2.0.pbpkg", "custom-hello", "1.2.0")]
    [InlineData("custom-hello-1.2.0-beta.1.pbpkg", "custom-hello", "1.2.0-beta.1")]
    [InlineData("a-b-c-10.0.1-rc-2.pbpkg", "a-b-c", "10.0.1-rc-2")]
    [InlineData("x-1.0.0+build.5.pbpkg", "x", "1.0.0+build.5")]
    public void Package_file_names_give_the_plugin_id_and_version(string name, string id, string version)
    {
        Assert.True(S3PackageFileName.TryParse(name, out var parsedId, out var parsedVersion));
        Assert.Equal((id, version), (parsedId, parsedVersion));
    }

    [Theory]
    [InlineData("latest.pbpkg")]
    [InlineData("custom-hello.pbpkg")]
    [InlineData("custom-hello-1.2.pbpkg")]
    [InlineData("Custom-Hello-1.2.0.pbpkg")]
    [InlineData("custom-hello-1.2.0.zip")]
    public void Other_file_names_claim_nothing(string name)
        => Assert.False(S3PackageFileName.TryParse(name, out _, out _));
}
