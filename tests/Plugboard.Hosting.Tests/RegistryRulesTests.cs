using System.Text.Json.Nodes;
using Fixture.Contracts;

namespace Plugboard.Hosting.Tests;

public sealed class RegistryRulesTests
{
    [Fact]
    public async Task A_third_party_id_without_the_prefix_is_refused()
    {
        await using var test = new TestHost();
        var folder = test.Folders.Install("Plugin.Hello", folder: "hello");
        var manifest = Path.Combine(folder, "plugin.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("id: custom-hello", "id: hello", StringComparison.Ordinal));
        await test.StartAsync();

        var status = Assert.Single(test.Host.Statuses);

        Assert.Equal(PluginPhase.Failed, status.Phase);
        Assert.StartsWith("plugin id 'hello' in ", status.Error);
        Assert.Contains("must start with 'custom-'", status.Error);
        Assert.Empty(test.Greeters.Ids);
    }

    [Fact]
    public async Task The_prefix_is_configurable()
    {
        await using var test = new TestHost(o => o.IdPrefix = "acme-");
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        Assert.Contains("must start with 'acme-'", test.Host.GetStatus("custom-hello")!.Error);
    }

    [Fact]
    public async Task A_duplicate_id_is_refused_naming_both_origins()
    {
        await using var test = new TestHost();
        var first = test.Folders.Install("Plugin.Hello", folder: "hello-a");
        var second = test.Folders.Install("Plugin.Hello", folder: "hello-b");
        await test.StartAsync();

        var refused = Assert.Single(test.Host.Statuses, s => s.Origin == second);

        Assert.Equal($"plugin id 'custom-hello' from {second} is already registered by {first}; remove one of the two or give it another id.", refused.Error);
        Assert.Equal(first, test.Greeters.GetStatus("custom-hello").Origin);
        Assert.True(test.Greeters.Exists("custom-hello"));
    }

    [Fact]
    public async Task A_built_in_plugin_runs_beside_third_party_ones()
    {
        await using var test = new TestHost(o => o.Plugins.GetOrAdd("local").Configuration = new JsonObject { ["prefix"] = "from code" });
        test.Host.AddBuiltIn<IGreeter, BuiltInGreeter>("local");
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        Assert.Equal("from code Ada", test.Greeters.Get("local").Greet("Ada"));
        var status = test.Greeters.GetStatus("local");
        Assert.True(status.IsBuiltIn);
        Assert.Equal($"built-in:{typeof(BuiltInGreeter).FullName}", status.Origin);
        Assert.Equal(typeof(BuiltInGreeterConfig), test.Greeters.GetConfigType("local")!.Type);
        Assert.Equal(["custom-hello", "local"], test.Greeters.Ids);
    }

    [Fact]
    public async Task A_built_in_id_must_not_carry_the_prefix()
    {
        await using var test = new TestHost();

        var error = Assert.Throws<ArgumentException>(() => test.Host.AddBuiltIn<IGreeter, BuiltInGreeter>("custom-local"));

        Assert.Contains("built-in plugin id 'custom-local' must not start with 'custom-'", error.Message);
    }

    [Fact]
    public async Task A_duplicate_built_in_id_is_refused_naming_both_origins()
    {
        await using var test = new TestHost();
        test.Host.AddBuiltIn<IGreeter, BuiltInGreeter>("local");

        var error = Assert.Throws<ArgumentException>(() => test.Host.AddBuiltIn<IGreeter>("local", new BuiltInGreeter(new PluginContext { PluginId = "local", Version = "1.0.0", Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance })));

        Assert.Equal($"plugin id 'local' from built-in:{typeof(BuiltInGreeter).FullName} is already registered by built-in:{typeof(BuiltInGreeter).FullName}.", error.Message);
    }
}
