using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UserSync.Host;

/// <summary>
/// The JSON directory API the <c>custom-http</c> plugin reads in the demo: a small Kestrel app on a
/// free loopback port serving a JSON file, with bearer-token auth and paging, as a real HR system would.
/// </summary>
internal sealed class DirectoryApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DirectoryApi(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<DirectoryApi> StartAsync(string dataFile, string token, CancellationToken cancellationToken)
    {
        var data = JsonNode.Parse(await File.ReadAllTextAsync(dataFile, cancellationToken).ConfigureAwait(false))!.AsObject();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();

        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization != $"Bearer {token}")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/api/health", () => Results.Ok());
        app.MapGet("/api/departments", () => Results.Text(data["departments"]!.ToJsonString(), "application/json"));
        app.MapGet("/api/users", (int page, int pageSize) =>
        {
            var users = data["users"]!.AsArray();
            var items = users.Skip((page - 1) * pageSize).Take(pageSize).Select(u => u!.DeepClone()).ToArray();
            var body = new JsonObject { ["items"] = new JsonArray(items), ["hasMore"] = page * pageSize < users.Count };
            return Results.Text(body.ToJsonString(), "application/json");
        });

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DirectoryApi(app, new Uri(address + "/api/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
