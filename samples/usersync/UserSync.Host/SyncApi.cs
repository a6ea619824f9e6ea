using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting;
using UserSync;

namespace UserSync.Host;

/// <summary>
/// What a managed UserSync host serves: <c>GET /sync</c> runs one import over the data sources it runs and answers
/// with the summary, <c>GET /plugins</c> lists them with their versions, phases and Init metadata, and
/// <c>GET /plugins/{id}/test</c> calls one plugin's TestConnection (its answer names what its configuration points
/// at), so a demo or a test calls the host.
/// </summary>
internal sealed class SyncApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SyncApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<SyncApi> StartAsync(IServiceProvider services, string url, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapGet("/sync", async (CancellationToken ct) =>
        {
            var summary = await services.GetRequiredService<UserSyncJob>().RunAsync(ct);
            return Results.Json(new
            {
                summary.Users,
                summary.Departments,
                summary.Plugins,
                Failed = summary.Failed.Select(f => new { f.Plugin, f.Reason }),
            });
        });
        app.MapGet("/plugins", () => Results.Json(services.GetRequiredService<IPluginRegistry<IDataSource>>().Statuses
            .Select(s => new { s.Id, s.Version, Phase = s.Phase.ToString(), s.Error, Metadata = s.Metadata.Values })));
        app.MapGet("/plugins/{id}/test", async (string id, CancellationToken ct) =>
        {
            if (!services.GetRequiredService<IPluginRegistry<IDataSource>>().TryGet(id, out var source))
            {
                return Results.Problem($"No data source '{id}' is active on this host; GET /plugins lists what runs.", statusCode: StatusCodes.Status404NotFound);
            }

            var result = await source.TestConnectionAsync(ct);
            return Results.Json(new { result.Ok, result.Message });
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SyncApi(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
