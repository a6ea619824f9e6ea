using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting;
using Plugboard.Sources.DependencyInjection;
using UserSync;
using UserSync.Host;

// The UserSync host: imports users and departments from every data-source plugin it finds.
//   dotnet UserSync.Host.dll [--Plugboard:PluginsDirectory DIR] [--data DIR] [--config FILE]
// Settings come from appsettings.json, environment variables (Plugboard__...) and the command line.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
if (builder.Configuration["config"] is { } settingsFile)
{
    // --config FILE: a further settings file (JSON or YAML), e.g. appsettings.remote.json; environment and command line still win.
    var full = Path.GetFullPath(settingsFile);
    _ = full.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        ? builder.Configuration.AddYamlFile(full)
        : builder.Configuration.AddJsonFile(full);
    builder.Configuration.AddEnvironmentVariables().AddCommandLine(args);
}

var dataDirectory = Path.GetFullPath(builder.Configuration["data"] ?? "data");

// The demo's HTTP directory, as an HR system's API would be; custom-http reads it.
var apiToken = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
await using var directoryApi = await DirectoryApi.StartAsync(Path.Combine(dataDirectory, "http-directory.json"), apiToken, CancellationToken.None);

var plugboard = builder.Services
    .AddPlugboard(builder.Configuration.GetSection("Plugboard"), options =>
    {
        options.Plugins.GetOrAdd("local").Configuration = new JsonObject { ["folder"] = dataDirectory };
        var http = options.Plugins.GetOrAdd("custom-http").Configuration ??= new JsonObject();
        http["baseUrl"] = directoryApi.BaseAddress.ToString();
        http["apiToken"] = apiToken;
        var ldif = options.Plugins.GetOrAdd("custom-ldif").Configuration ??= new JsonObject();
        ldif["path"] = Path.Combine(dataDirectory, "directory.ldif");
    })
    // Process and endpoint plugins' options (call timeout, restart backoff, …) from Plugboard:Rpc.
    .AddRpcRuntimes(builder.Configuration.GetSection("Plugboard:Rpc"))
    // In-process plugins implement IDataSource directly; process and endpoint plugins are reached
    // over gRPC and handed out as a DataSourceRpcClient implementing the same interface.
    .AddRpcContract<IDataSource>(invoker => new UserSync.Rpc.DataSourceRpcClient(invoker))
    .AddBuiltIn<IDataSource, LocalCsvDataSource>("local");

// With a Plugboard:Sources section, plugins come from the sources (git, http, fs, …) through the local cache.
var sources = builder.Configuration.GetSection("Plugboard:Sources");
if (sources.Exists())
{
    plugboard.AddSources(sources);
}

builder.Services.AddSingleton<UserDirectory>();
builder.Services.AddSingleton<UserSyncJob>();

using var host = builder.Build();
await host.StartAsync();
if (host.Services.GetService<RemotePluginsReadiness>() is { } remote)
{
    // This sample runs one job and exits, so it waits for the sync on start (a long-running host would not).
    try
    {
        await remote.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
    }
    catch (TimeoutException)
    {
        host.Services.GetRequiredService<ILogger<UserSyncJob>>().LogWarning("The sync on start did not finish within 2 minutes; running with the plugins the cache had.");
    }
}

var logger = host.Services.GetRequiredService<ILogger<UserSyncJob>>();
foreach (var status in host.Services.GetRequiredService<IPluginRegistry<IDataSource>>().Statuses)
{
    logger.LogInformation("{PluginId} {Version}: {Phase}{Reason}", status.Id, status.Version, status.Phase, status.Error is null ? "" : " — " + status.Error);
}

var summary = await host.Services.GetRequiredService<UserSyncJob>().RunAsync(CancellationToken.None);
await host.StopAsync();
foreach (var (plugin, reason) in summary.Failed)
{
    Console.WriteLine($"not synced from {plugin}: {reason}");
}

Console.WriteLine($"synced {summary.Users} users and {summary.Departments} departments from {summary.Plugins} plugins");

// 1 whenever a plugin contributed nothing, whether it did not start, was not ready or failed mid-import.
return summary.Failed.Count == 0 ? 0 : 1;
