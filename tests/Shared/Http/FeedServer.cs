using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Plugboard.Tests.Shared;

/// <summary>
/// A static http feed served by Kestrel from a folder, with strong ETags and If-None-Match, counting
/// requests per path. <see cref="BreakPackageDownloads"/> makes it die in the middle of package bodies,
/// <see cref="RequiredToken"/> makes it refuse requests without that bearer token, and <see cref="HoldPackage"/>
/// holds one package's download until the test lets it go.
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly string _root;
    private KestrelServer? _server;

    private FeedServer(string root) => _root = root;

    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public bool BreakPackageDownloads { get; set; }

    /// <summary>When set, a request without <c>Authorization: Bearer {RequiredToken}</c> is answered 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>The requests refused for want of <see cref="RequiredToken"/>.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>A package path (<c>/packages/x.pbpkg</c>) whose download waits for <see cref="Release"/>.</summary>
    public string? HoldPackage { get; set; }

    /// <summary>Completes when the held package has been asked for.</summary>
    public Task HeldRequested => _heldRequested.Task;

    /// <summary>Lets the held package's download go on.</summary>
    public void Release() => _release.TrySetResult();

    private readonly TaskCompletionSource _heldRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _refused;

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
        if (RequiredToken is { } token && context.Request.Headers.Authorization.ToString() != "Bearer " + token)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"feed\"";
            return;
        }

        if (HoldPackage is { } held && path == held)
        {
            _heldRequested.TrySetResult();
            await _release.Task.WaitAsync(context.RequestAborted);
        }

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

    /// <summary>
    /// Copies each package into the feed's <c>packages/</c> folder as <c>{id}-{version}.pbpkg</c> and writes <c>index.json</c>
    /// listing exactly them, with their digests.
    /// </summary>
    public async Task PublishAsync(IEnumerable<(string Id, string Version, string PackagePath)> packages)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "packages")).FullName;
        var entries = new List<Plugboard.Sources.Http.HttpFeedPackage>();
        foreach (var (id, version, packagePath) in packages)
        {
            var name = $"{id}-{version}.pbpkg";
            var target = Path.Combine(folder, name);
            if (Path.GetFullPath(packagePath) != target)
            {
                File.Copy(packagePath, target, overwrite: true);
            }

            var digest = await Plugboard.Packaging.PackageDigest.ComputeFileAsync(target);
            entries.Add(new Plugboard.Sources.Http.HttpFeedPackage { Id = id, Version = version, Digest = digest.Value, Url = "packages/" + name });
        }

        await File.WriteAllTextAsync(Path.Combine(_root, "index.json"), new Plugboard.Sources.Http.HttpFeedIndex { Packages = entries }.ToJson());
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
