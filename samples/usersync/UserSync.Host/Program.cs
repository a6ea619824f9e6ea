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
// Managed mode: the plugins are the installations a plugin center assigns to a scope; the host keeps running and
// serves GET /sync (one import, JSON summary) on --listen (default http://127.0.0.1:0, printed at start).
//   dotnet UserSync.Host.dll --center URL --scope SCOPE (--token TOKEN | --token-file FILE) [--name NAME] [--state DIR] [--listen URL]
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
var managed = builder.Configuration["center"] is { Length: > 0 } centerUrl;
if (managed)
{
    // --center, --scope, --token, --token-file, --name and --state are short for Plugboard:Center:*.
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Plugboard:Center:Url"] = builder.Configuration["center"],
        ["Plugboard:Center:Scope"] = builder.Configuration["scope"] ?? builder.Configuration["Plugboard:Center:Scope"],
        ["Plugboard:Center:Token"] = builder.Configuration["token"] ?? builder.Configuration["Plugboard:Center:Token"],
        ["Plugboard:Center:TokenFile"] = builder.Configuration["token-file"] ?? builder.Configuration["Plugboard:Center:TokenFile"],
        ["Plugboard:Center:Name"] = builder.Configuration["name"] ?? builder.Configuration["Plugboard:Center:Name"],
        ["Plugboard:Center:StateDirectory"] = builder.Configuration["state"] ?? builder.Configuration["Plugboard:Center:StateDirectory"],
        ["Plugboard:Center:Runtimes:0"] = "assembly",
        ["Plugboard:Center:Runtimes:1"] = "process",
    });
}

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
if (managed)
{
    // Managed: the center's installations for the scope, fetched by digest into the host's own cache.
    plugboard.UseCenter(builder.Configuration.GetSection("Plugboard:Center"));
}
else if (sources.Exists())
{
    plugboard.AddSources(sources);
}

builder.Services.AddSingleton<UserDirectory>();
builder.Services.AddSingleton<UserSyncJob>();

using var host = builder.Build();
await host.StartAsync();
if (managed)
{
    await using var api = await SyncApi.StartAsync(host.Services, builder.Configuration["listen"] ?? "http://127.0.0.1:0", CancellationToken.None);
    Console.WriteLine($"managed by {builder.Configuration["center"]} (scope {builder.Configuration["Plugboard:Center:Scope"]}); GET {api.Address}sync runs an import");
    await host.WaitForShutdownAsync();
    return 0;
}

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
