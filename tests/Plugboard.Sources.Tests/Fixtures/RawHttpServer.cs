using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plugboard.Sources.Tests.Fixtures;

/// <summary>
/// A plain HTTP/1.1 server on a raw socket (127.0.0.1, a free port) that records the exact bytes of every
/// request head it receives, so a test sees what a client really sent (header lines, credentials), and answers
/// each path with what the test put in <see cref="Routes"/>: fixed bytes, or a body written by a function
/// (an endless one, a gzip bomb). One request per connection.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RawHttpServer(TcpListener listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Path (with leading slash) → the response.</summary>
    public ConcurrentDictionary<string, RawResponse> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request head received, exactly as sent (request line and header lines).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static RawHttpServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new RawHttpServer(listener);
    }

    /// <summary>Answers <paramref name="path"/> with 200 and <paramref name="body"/>.</summary>
    public void Serve(string path, byte[] body, params (string Name, string Value)[] headers)
        => Routes[path] = new RawResponse(200, headers, (stream, ct) => stream.WriteAsync(body, ct).AsTask(), body.Length);

    /// <summary>Answers <paramref name="path"/> with 200 and bytes that never end (until the client hangs up).</summary>
    public void ServeEndless(string path)
        => Routes[path] = new RawResponse(200, [], async (stream, ct) =>
        {
            var chunk = new byte[64 * 1024];
            Random.Shared.NextBytes(chunk);
            while (true)
            {
                await stream.WriteAsync(chunk, ct);
            }
        }, null);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                Requests.Enqueue(head);
                var path = head.Split(' ', 3) is { Length: 3 } parts ? parts[1] : "/";
                if (!Routes.TryGetValue(path, out var response))
                {
                    await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                    return;
                }

                var text = new StringBuilder($"HTTP/1.1 {response.Status} {(response.Status == 200 ? "OK" : "Status")}\r\nConnection: close\r\n");
                foreach (var (name, value) in response.Headers)
                {
                    text.Append(name).Append(": ").Append(value).Append("\r\n");
                }

                if (response.Length is { } length)
                {
                    text.Append("Content-Length: ").Append(length).Append("\r\n");
                }

                text.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), _stop.Token);
                await response.WriteBody(stream, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up (a refused download) or the server is stopping.
            }
        }
    }

    private async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var buffer = new byte[1];
        while (bytes.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(buffer, _stop.Token) == 0)
            {
                return null;
            }

            bytes.Add(buffer[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
            {
                return Encoding.Latin1.GetString(bytes.ToArray());
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}

/// <summary>What <see cref="RawHttpServer"/> answers for one path.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, Func<Stream, CancellationToken, Task> WriteBody, long? Length);
