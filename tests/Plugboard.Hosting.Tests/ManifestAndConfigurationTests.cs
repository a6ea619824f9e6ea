using Fixture.Contracts;
using System.Text.Json.Nodes;

namespace Plugboard.Hosting.Tests;

public sealed class ManifestAndConfigurationTests
{
    [Fact]
    public async Task An_invalid_manifest_is_reported_with_field_paths()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Hello");
        var folder = Path.Combine(test.Folders.Root, "broken");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "plugin.yaml"), """
            id: custom-broken
            version: one
            runtime: dll
            entry:
              default: Broken.dll
            """);
        await test.StartAsync();

        var status = Assert.Single(test.Host.Statuses, s => s.Origin == folder);

        Assert.Equal(PluginPhase.Failed, status.Phase);
        Assert.Contains(status.Errors, e => e.Path == "version");
        Assert.Contains(status.Errors, e => e.Path == "runtime");
        Assert.Contains("plugin.yaml is invalid", status.Error);
        Assert.True(test.Greeters.Exists("custom-hello"));
    }

    [Fact]
    public async Task Invalid_configuration_is_reported_with_paths_and_secrets_are_never_logged()
    {
        const string secret = "s3cr";
        await using var test = new TestHost(o => o.Plugins.GetOrAdd("custom-hello").Configuration = new JsonObject
        {
            ["greeting"] = "",
            ["punctuation"] = "~",
            ["apiKey"] = secret,
        });
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        var status = test.Greeters.GetStatus("custom-hello");

        Assert.Equal(PluginPhase.Failed, status.Phase);
        Assert.Equal(["$.apiKey", "$.greeting", "$.punctuation"], status.Errors.Select(e => e.Path).Order());
        Assert.Contains("the configuration is invalid", status.Error);
        Assert.DoesNotContain(secret, status.Error);
        Assert.DoesNotContain(secret, test.Logs.AllText);
    }

    [Fact]
    public async Task Schema_defaults_are_applied_before_the_plugin_sees_its_configuration()
    {
        await using var test = new TestHost(o => o.Plugins.GetOrAdd("custom-hello").Configuration = new JsonObject { ["punctuation"] = "?" });
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        Assert.Equal("Hello, Ada?", test.Greeters.Get("custom-hello").Greet("Ada"));
    }

    [Fact]
    public async Task Plugin_logs_carry_the_plugin_id_and_version_as_scope()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        var entry = Assert.Single(test.Logs.Entries, e => e.Message.StartsWith("hello initialized", StringComparison.Ordinal));

        Assert.Contains(new KeyValuePair<string, object?>("PluginId", "custom-hello"), entry.ScopeValues);
        Assert.Contains(new KeyValuePair<string, object?>("PluginVersion", "1.0.0"), entry.ScopeValues);
    }

    [Fact]
    public async Task A_host_restarting_with_a_manifest_cache_loads_the_same_plugins_from_it()
    {
        using var cache = new TempFolder("manifest-cache");
        using var folders = new PluginFolders();
        folders.Install("Plugin.Hello");
        var options = new PlugboardOptions { PluginsDirectory = folders.Root, ManifestCacheDirectory = cache.Path };

        for (var start = 0; start < 2; start++)
        {
            await using var host = new PluginHost(options);
            host.AddContract<IGreeter>();
            await host.StartAsync();

            var status = host.Registry<IGreeter>().GetStatus("custom-hello");
            Assert.True(status.IsActive, status.Error);
            Assert.Single(Directory.GetFiles(cache.Path));
        }
    }
}
