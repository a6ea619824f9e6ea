using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Fixture.Contracts;

namespace Plugboard.Hosting.Tests;

public sealed class LoadingTests
{
    [Fact]
    public async Task A_plugin_is_loaded_initialized_with_its_configuration_and_called_through_the_registry()
    {
        await using var test = new TestHost(o => o.Plugins.GetOrAdd("custom-hello").Configuration = new JsonObject { ["greeting"] = "Welcome" });
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        var greeter = test.Greeters.Get("custom-hello");

        Assert.Equal("Welcome, Ada!", greeter.Greet("Ada"));
        Assert.Equal("Welcome, Bob!", await greeter.GreetAsync("Bob"));
        Assert.Equal(2, await greeter.CountCallsAsync());
        var each = new List<string>();
        await foreach (var line in greeter.GreetEachAsync(["C", "D"]))
        {
            each.Add(line);
        }

        Assert.Equal(["Welcome, C!", "Welcome, D!"], each);
        var status = test.Greeters.GetStatus("custom-hello");
        Assert.Equal(PluginPhase.Active, status.Phase);
        Assert.Equal("1.0.0", status.Version);
        Assert.Equal("Welcome", status.Metadata.Values["greeting"]);
        Assert.True(status.Verification!.IsReady);
        Assert.Equal(["fixture.greeter/v1"], status.Contracts);
        Assert.Equal(
            [PluginPhase.Loaded, PluginPhase.Initialized, PluginPhase.Verified, PluginPhase.Active],
            status.Events.Select(e => e.Phase));
    }

    [Fact]
    public async Task The_registry_reports_ids_existence_and_the_config_class()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Hello");
        test.Folders.Install("Plugin.TextV2");
        await test.StartAsync();

        Assert.Equal(["custom-hello", "custom-text-two"], test.Greeters.Ids);
        Assert.True(test.Greeters.Exists("custom-hello"));
        Assert.False(test.Greeters.Exists("custom-nope"));
        Assert.False(test.Greeters.TryGet("custom-nope", out _));
        Assert.Equal("HelloConfig", test.Greeters.GetConfigType("custom-hello")!.Name);
        Assert.Equal("Fixture.Plugin.Hello.HelloConfig", test.Greeters.GetConfigType("custom-hello")!.FullName);
        Assert.Null(test.Greeters.GetConfigType("custom-hello")!.Type); // a type of the plugin's collectible context is never handed out
        Assert.Null(test.Greeters.GetConfigType("custom-text-two"));
        var missing = Assert.Throws<PluginNotAvailableException>(() => test.Greeters.Get("custom-nope"));
        Assert.Contains("no plugin 'custom-nope' for contract fixture.greeter/v1", missing.Message);
        Assert.Same(test.Greeters.Get("custom-hello"), test.Greeters.Get("custom-hello"));
    }

    [Fact]
    public async Task A_plugin_built_against_an_older_contract_minor_binds_to_the_hosts_contract()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        using var lease = test.Greeters.Acquire("custom-hello");
        var pluginAssembly = lease.Instance.GetType().Assembly;
        var builtAgainst = pluginAssembly.GetReferencedAssemblies().Single(a => a.Name == "Fixture.Contracts");

        Assert.Equal(new Version(1, 0, 0, 0), builtAgainst.Version);
        Assert.Equal(new Version(1, 1, 0, 0), typeof(IGreeter).Assembly.GetName().Version);
        Assert.IsAssignableFrom<IGreeter>(lease.Instance);
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(pluginAssembly));
        // A member added in 1.1 with a default body works on the 1.0 plugin.
        Assert.Equal("contract 1.1 default", test.Greeters.Get("custom-hello").Describe());
        Assert.Equal("1.1.0.0", test.Greeters.GetStatus("custom-hello").Metadata.Values["contractVersion"]);
    }

    [Fact]
    public async Task Two_plugins_carry_different_versions_of_one_library()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.TextV1");
        test.Folders.Install("Plugin.TextV2");
        await test.StartAsync();

        var one = test.Greeters.Get("custom-text-one").Greet("x");
        var two = test.Greeters.Get("custom-text-two").Greet("x");

        Assert.StartsWith("[textlib 1] {\"name\":\"x\"}", one);
        Assert.EndsWith("json 13.0.0.0", one); // its private Newtonsoft.Json 13.0.3
        Assert.Equal("[textlib 2] x", two);
    }

    [Fact]
    public async Task A_plugin_with_a_native_library_dependency_calls_it()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Native");
        await test.StartAsync();

        var answer = test.Greeters.Get("custom-native").Greet("Ada");

        Assert.Matches(@"^Ada from sqlite 3\.\d+\.\d+$", answer);
    }

    [Fact]
    public async Task Plugin_files_are_not_locked_or_mapped_while_loaded()
    {
        await using var test = new TestHost();
        var hello = test.Folders.Install("Plugin.Hello");
        var native = test.Folders.Install("Plugin.Native");
        await test.StartAsync();
        var before = test.Greeters.Get("custom-native").Greet("a");

        var dll = Path.Combine(hello, "Fixture.Plugin.Hello.dll");
        File.Copy(Path.Combine(PluginFolders.FixturesRoot, "Plugin.TextV2", "Fixture.Plugin.TextV2.dll"), dll, overwrite: true);
        var so = Directory.GetFiles(native, "libe_sqlite3.so", SearchOption.AllDirectories).Single(p => p.Contains("linux-x64", StringComparison.Ordinal));
        File.WriteAllBytes(so, new byte[4096]); // would crash the process if it were the mapped file
        File.Delete(Path.Combine(native, "Fixture.Plugin.Native.dll"));

        Assert.Equal("Hello, Ada!", test.Greeters.Get("custom-hello").Greet("Ada"));
        Assert.Equal(before, test.Greeters.Get("custom-native").Greet("a"));
        using var lease = test.Greeters.Acquire("custom-hello");
        Assert.Equal(string.Empty, lease.Instance.GetType().Assembly.Location); // loaded from memory
    }

    [Fact]
    public async Task A_plugin_whose_runtime_the_host_lacks_is_reported_as_discovered()
    {
        await using var test = new TestHost();
        var folder = Path.Combine(test.Folders.Root, "node-greeter");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "plugin.yaml"), """
            id: custom-node-greeter
            version: 0.3.0
            runtime: process
            entry:
              default: node index.js
            contracts:
              - name: fixture.greeter
                version: ^1.0
            """);
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        var status = test.Greeters.GetStatus("custom-node-greeter");

        Assert.Equal(PluginPhase.Discovered, status.Phase);
        Assert.Equal(Plugboard.Manifests.PluginRuntimeKind.Process, status.Runtime);
        Assert.Contains("runtime 'process' is not available", status.Events[^1].Reason);
        Assert.True(test.Greeters.Exists("custom-hello"));
    }
}
