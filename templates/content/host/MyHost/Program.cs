using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MyHost.Contracts;
using Plugboard.Hosting;
using Plugboard.Sources.DependencyInjection;

// MyHost: loads every IGreeter plugin its sources offer and greets with each.
//   dotnet run                 keeps running: each sync (every SyncInterval) hot-reloads the plugins it changed
//   dotnet run -- --once       greets once and exits
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPlugboard(builder.Configuration.GetSection("Plugboard"))
    .AddContract<IGreeter>()
    .AddSources(builder.Configuration.GetSection("Plugboard:Sources"));

using var host = builder.Build();
await host.StartAsync();

// The first sync: the plugins the sources have now (or, with every source down, the cache's last good state).
await host.Services.GetRequiredService<RemotePluginsReadiness>().WaitAsync(CancellationToken.None);

var greeters = host.Services.GetRequiredService<IPluginRegistry<IGreeter>>();
foreach (var status in greeters.Statuses)
{
    Console.WriteLine($"{status.Id} {status.Version}: {status.Phase}{(status.Error is null ? "" : " - " + status.Error)}");
    if (greeters.Exists(status.Id))
    {
        Console.WriteLine($"{status.Id} says: {greeters.Get(status.Id).Greet("world")}");
    }
}

if (!args.Contains("--once"))
{
    await host.WaitForShutdownAsync();
}

await host.StopAsync();
