using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Plugboard.Sources.Tests.Fixtures;

/// <summary>
/// A static http feed served by Kestrel from a folder, with strong ETags and If-None-Match, counting
/// requests per path. <see cref="BreakPackageDownloads"/> makes it die in the middle of package bodies.
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly string _root;
    private KestrelServer? _server;

    private FeedServer(string root) => _root = root;

    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public bool BreakPackageDownloads { get; set; }

    public string BaseUrl => _server!.BaseUrl;

    public int PackageDownloads => Requests.Where(r => r.Key.EndsWith(".pbpkg", StringComparison.Ordinal)).Sum(r => r.Value);

    public int Count(string path) => Requests.TryGetValue(path, out var count) ? count : 0;

    public static async Task<FeedServer> StartAsync(string root, X509Certificate2? certificate)
    {
        var server = new FeedServer(root);
        server._server = await KestrelServer.StartAsync(server.HandleAsync, certificate);
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        Requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        var file = Path.GetFullPath(Path.Combine(_root, path.TrimStart('/')));
        if (!file.StartsWith(_root, StringComparison.Ordinal) || !File.Exists(file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var bytes = await File.ReadAllBytesAsync(file);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            context.Response.StatusCode = 304;
            return;
        }

        context.Response.ContentLength = bytes.Length;
        if (BreakPackageDownloads && path.EndsWith(".pbpkg", StringComparison.Ordinal))
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
