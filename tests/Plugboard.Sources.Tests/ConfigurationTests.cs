using Plugboard.Sources.Providers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources;
using Plugboard.Sources.Git;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly TempFolder _temp = new("cfg");

    public void Dispose() => _temp.Dispose();

    private static IReadOnlyList<string> Check(PlugboardSourcesOptions options)
        => PlugboardSourcesOptionsValidator.Check(options, PluginSourceProviders.BuiltIn);

    [Fact]
    public void Duplicate_source_names_are_refused_ignoring_case()
    {
        var options = new PlugboardSourcesOptions
        {
            CacheDirectory = _temp.Path,
            Sources = [new() { Name = "Team", Type = "fs", Path = _temp.Path }, new() { Name = "team", Type = "fs", Path = _temp.Path }],
        };

        var error = Assert.Single(Check(options));

        Assert.Contains("'team'", error);
        Assert.Contains("unique", error);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var options = new PlugboardSourcesOptions
        {
            Sources =
            [
                new() { Name = "a", Type = "ftp" },
                new() { Name = "b", Type = "git", Url = "ext::sh -c touch% /tmp/pwned" },
                new() { Name = "c", Type = "http", Url = "http://feed.example/index.json" },
                new() { Name = "d", Type = "fs", Path = _temp.Path, Sets = [new() { Version = "not a range" }, new() { Path = "../outside" }] },
                new() { Name = "e", Type = "fs", Path = _temp.Path, RequireSignature = true },
            ],
        };

        var errors = Check(options);

        Assert.Contains(errors, e => e.Contains("CacheDirectory", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'ftp' is not known", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("transport helper", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Source 'c'", StringComparison.Ordinal) && e.Contains("AllowInsecure", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Sets[0]:Version", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Sets[1]:Path", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("TrustedKeys", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://git.example.com/plugins.git", false, false, true)]
    [InlineData("ssh://git@git.example.com/plugins.git", false, false, true)]
    [InlineData("git@git.example.com:team/plugins.git", false, false, true)]
    [InlineData("http://git.example.com/plugins.git", false, false, false)]
    [InlineData("http://git.example.com/plugins.git", true, false, true)]
    [InlineData("git://git.example.com/plugins.git", false, false, false)]
    [InlineData("git://git.example.com/plugins.git", true, false, true)]
    [InlineData("ext::sh -c evil", true, true, false)]
    [InlineData("fd::17", true, true, false)]
    [InlineData("-uevil", true, true, false)]
    [InlineData("--upload-pack=evil", true, true, false)]
    [InlineData("file:///srv/plugins.git", false, false, false)]
    [InlineData("file:///srv/plugins.git", false, true, true)]
    [InlineData("/srv/plugins.git", false, false, false)]
    [InlineData("/srv/plugins.git", false, true, true)]
    [InlineData("https://user:password@git.example.com/plugins.git", false, false, false)]
    [InlineData("ftp://git.example.com/plugins.git", true, true, false)]
    public void Git_urls_are_checked_against_the_transport_policy(string url, bool allowInsecure, bool allowLocal, bool allowed)
        => Assert.Equal(allowed, GitUrl.Check("s", url, allowInsecure, allowLocal) is null);

    [Theory]
    [InlineData("main", true)]
    [InlineData("release/1.x", true)]
    [InlineData("v1.2.0", true)]
    [InlineData("refs/tags/v1", true)]
    [InlineData("0123456789abcdef0123456789abcdef01234567", true)]
    [InlineData("HEAD", true)]
    [InlineData("-b", false)]
    [InlineData("a..b", false)]
    [InlineData("a b", false)]
    [InlineData("a~1", false)]
    [InlineData("a^", false)]
    [InlineData("a:b", false)]
    [InlineData("feature.lock", false)]
    [InlineData(".hidden", false)]
    [InlineData("trailing/", false)]
    [InlineData("a@{1}", false)]
    [InlineData("x\u0001", false)]
    public void Git_refs_follow_check_ref_format(string reference, bool valid)
        => Assert.Equal(valid, GitRefName.Check(reference) is null);

    [Fact]
    public void Descriptions_of_sources_never_contain_secrets()
    {
        var source = new SourceOptions { Name = "s", Type = "git", Url = "https://h/r.git", Credentials = { TokenEnv = "MY_TOKEN" } };

        Assert.Contains("MY_TOKEN", source.ToString());
        Assert.Contains("redacted", source.ToString());
    }

    [Fact]
    public void Options_bind_from_json_configuration()
    {
        var json = $$"""
            { "Plugboard": { "Sources": {
                "CacheDirectory": "{{_temp.Path}}",
                "SyncInterval": "00:05:00",
                "Sources": [
                  { "Name": "team", "Type": "git", "Url": "https://git.example.com/plugins.git", "Ref": "v1.2.0",
                    "CaBundle": null, "Credentials": { "TokenEnv": "PLUGINS_TOKEN" },
                    "Sets": [ { "Path": "plugins", "Version": "^1.0", "Plugins": [ "custom-a", "custom-b" ] } ] },
                  { "Name": "feed", "Type": "http", "Url": "https://feed.example.com/index.json", "RequireSignature": false }
                ] } } }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        using var services = new ServiceCollection().AddLogging().AddPlugboardSources(configuration.GetSection("Plugboard:Sources")).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<PlugboardSourcesOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(5), options.SyncInterval);
        Assert.Equal(["team", "feed"], options.Sources.Select(s => s.Name));
        Assert.Equal("PLUGINS_TOKEN", options.Sources[0].Credentials.TokenEnv);
        Assert.Equal(["custom-a", "custom-b"], options.Sources[0].Sets[0].Plugins);
    }

    [Fact]
    public void Invalid_options_fail_at_start_with_every_error()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sources:0:Name"] = "dup",
            ["Sources:0:Type"] = "fs",
            ["Sources:0:Path"] = _temp.Path,
            ["Sources:1:Name"] = "DUP",
            ["Sources:1:Type"] = "git",
            ["Sources:1:Url"] = "git://insecure.example/r.git",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddPlugboardSources(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PlugboardSourcesOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("CacheDirectory", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("unique", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("no TLS", StringComparison.Ordinal));
    }
}
