using Fixture.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Plugboard.Hosting.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddPlugboard_reads_options_and_plugin_configuration_from_IConfiguration_and_injects_registries()
    {
        using var folders = new PluginFolders();
        folders.Install("Plugin.Hello");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plugboard:PluginsDirectory"] = folders.Root,
            ["Plugboard:Plugins:custom-hello:Configuration:greeting"] = "Hey",
            ["Plugboard:Plugins:local:Configuration:prefix"] = "configured",
        });
        builder.Services.AddPlugboard(builder.Configuration.GetSection("Plugboard"))
            .AddContract<IGreeter>()
            .AddBuiltIn<IGreeter, BuiltInGreeter>("local");
        using var app = builder.Build();

        await app.StartAsync();
        var greeters = app.Services.GetRequiredService<IPluginRegistry<IGreeter>>();
        var hello = greeters.Get("custom-hello").Greet("Ada");
        var local = greeters.Get("local").Greet("Ada");
        await app.StopAsync();

        Assert.Equal("Hey, Ada!", hello);
        Assert.Equal("configured Ada", local);
        Assert.False(greeters.Exists("custom-hello"));
    }

    [Fact]
    public void AddPlugboard_configures_options_with_a_delegate()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPlugboard(o =>
        {
            o.PluginsDirectory = "/nowhere";
            o.IdPrefix = "acme-";
            o.Plugins.GetOrAdd("acme-x").Enabled = false;
        }).AddContract<IGreeter>();
        using var provider = services.BuildServiceProvider();

        var host = provider.GetRequiredService<PluginHost>();

        Assert.Equal("acme-", host.Options.IdPrefix);
        Assert.False(host.Options.Plugins["acme-x"].Enabled);
        Assert.Same(host.Registry<IGreeter>(), provider.GetRequiredService<IPluginRegistry<IGreeter>>());
    }

    [Fact]
    public void AddPlugboard_binds_every_option_from_the_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plugboard:PluginsDirectory"] = "/srv/plugins",
            ["Plugboard:IdPrefix"] = "acme-",
            ["Plugboard:WatchForChanges"] = "true",
            ["Plugboard:ReloadDebounce"] = "00:00:02",
            ["Plugboard:DrainTimeout"] = "00:01:00",
            ["Plugboard:SharedAssemblies:0"] = "Acme.Shared",
            ["Plugboard:Plugins:acme-x:Enabled"] = "false",
            ["Plugboard:Plugins:acme-y:Configuration:retries"] = "3",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPlugboard(configuration.GetSection("Plugboard"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PlugboardOptions>>().Value;

        Assert.Equal(("/srv/plugins", "acme-", true), (options.PluginsDirectory, options.IdPrefix, options.WatchForChanges));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)), (options.ReloadDebounce, options.DrainTimeout));
        Assert.Contains("Acme.Shared", options.SharedAssemblies);
        Assert.False(options.Plugins["acme-x"].Enabled);
        Assert.Equal("3", options.Plugins["acme-y"].Configuration!["retries"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_options_stop_the_start_with_every_problem_listed()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plugboard:IdPrefix"] = " ",
            ["Plugboard:InitTimeout"] = "00:00:00",
            ["Plugboard:ReloadDebounce"] = "-00:00:01",
        });
        builder.Services.AddPlugboard(builder.Configuration.GetSection("Plugboard")).AddContract<IGreeter>();
        using var app = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(
            [
                "Plugboard:IdPrefix must not be empty: it keeps third-party plugins from shadowing built-in ones (default 'custom-').",
                "Plugboard:InitTimeout is 00:00:00; it must be longer than zero (e.g. 00:00:30).",
                "Plugboard:ReloadDebounce is -00:00:01; it must not be negative.",
            ],
            error.Failures);
    }

    [Fact]
    public void Reading_the_settings_of_an_id_without_any_adds_nothing()
    {
        var options = new PlugboardOptions();

        var missing = Assert.Throws<KeyNotFoundException>(() => options.Plugins["custom-x"]);

        Assert.Contains("Plugins.GetOrAdd(\"custom-x\")", missing.Message);
        Assert.False(options.Plugins.TryGet("custom-x", out _));
        Assert.Empty(options.Plugins.Ids);
        options.Plugins.GetOrAdd("custom-x").Enabled = false;
        Assert.False(options.Plugins["custom-x"].Enabled);
    }
}
