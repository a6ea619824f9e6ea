using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting;
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

// With a Plugboard:Sources section, plugins come from the sources' cache (see RemotePlugins.cs).
var remotePlugins = RemotePlugins.AddIfConfigured(builder);
builder.Services
    .AddPlugboard(builder.Configuration.GetSection("Plugboard"), options =>
    {
        options.Plugins["local"].Configuration = new JsonObject { ["folder"] = dataDirectory };
        var http = options.Plugins["custom-http"].Configuration ??= new JsonObject();
        http["baseUrl"] = directoryApi.BaseAddress.ToString();
        http["apiToken"] = apiToken;
        var ldif = options.Plugins["custom-ldif"].Configuration ??= new JsonObject();
        ldif["path"] = Path.Combine(dataDirectory, "directory.ldif");
    })
    // Process and endpoint plugins' options (call timeout, restart backoff, …) from Plugboard:Rpc.
    .AddRpcRuntimes(builder.Configuration.GetSection("Plugboard:Rpc"))
    // In-process plugins implement IDataSource directly; process and endpoint plugins are reached
    // over gRPC and handed out as a DataSourceRpcClient implementing the same interface.
    .AddRpcContract<IDataSource>(invoker => new UserSync.Rpc.DataSourceRpcClient(invoker))
    .AddBuiltIn<IDataSource, LocalCsvDataSource>("local");
builder.Services.AddSingleton<UserDirectory>();
builder.Services.AddSingleton<UserSyncJob>();

using var host = builder.Build();
remotePlugins?.ListenForSyncOnStart(host.Services);
await host.StartAsync();
if (remotePlugins is not null)
{
    await remotePlugins.WaitForSyncOnStartAsync(host.Services, TimeSpan.FromMinutes(2), CancellationToken.None);
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
