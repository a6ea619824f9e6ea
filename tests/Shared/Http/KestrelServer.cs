using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plugboard.Tests.Shared;

/// <summary>A Kestrel server in the test process on 127.0.0.1 and a free port, HTTPS when given a certificate.</summary>
public sealed class KestrelServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelServer(WebApplication app, int port, bool https)
    {
        _app = app;
        Port = port;
        BaseUrl = $"{(https ? "https" : "http")}://127.0.0.1:{port}";
    }

    public int Port { get; }

    public string BaseUrl { get; }

    public static async Task<KestrelServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
            options.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new KestrelServer(app, port, certificate is not null);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
