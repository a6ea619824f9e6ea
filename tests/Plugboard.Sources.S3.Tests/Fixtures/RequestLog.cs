using System.Collections.Concurrent;

namespace Plugboard.Sources.S3.Tests.Fixtures;

/// <summary>Records every HTTP request an S3 client sends, through the client factory's handler hook.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<(string Method, string Path)> _requests = new();

    public IReadOnlyList<(string Method, string Path)> Requests => [.. _requests];

    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Recorder(this) { InnerHandler = inner };

    /// <summary>Requests with <paramref name="method"/> whose path ends with <paramref name="suffix"/>.</summary>
    public int Count(string method, string suffix)
        => _requests.Count(r => r.Method == method && r.Path.EndsWith(suffix, StringComparison.Ordinal));

    public int PackageDownloads => Count("GET", ".pbpkg");

    public int PackageUploads => Count("PUT", ".pbpkg");

    private sealed class Recorder(RequestLog log) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log._requests.Enqueue((request.Method.Method, Uri.UnescapeDataString(request.RequestUri!.AbsolutePath)));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
