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
            o.Plugins["acme-x"].Enabled = false;
        }).AddContract<IGreeter>();
        using var provider = services.BuildServiceProvider();

        var host = provider.GetRequiredService<PluginHost>();

        Assert.Equal("acme-", host.Options.IdPrefix);
        Assert.False(host.Options.Plugins["acme-x"].Enabled);
        Assert.Same(host.Registry<IGreeter>(), provider.GetRequiredService<IPluginRegistry<IGreeter>>());
    }
}
