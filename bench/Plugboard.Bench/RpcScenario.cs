using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Plugboard.Rpc;
using Plugboard.Rpc.Client;
using Plugboard.Rpc.Server;

namespace Plugboard.Bench;

/// <summary>
/// The cost of a gRPC call to an out-of-process plugin against its floor on this machine: a raw HTTP/2
/// echo on the same Kestrel, called by the same SocketsHttpHandler, over the same unix socket.
/// </summary>
internal static class RpcScenario
{
    private const string Name = "rpc";
    private static readonly Method<StringValue, StringValue> Echo =
        new(MethodType.Unary, "bench.v1.Echo", "Echo", StringValue.Parser, StringValue.Parser);

    public static async Task RunAsync(string workDirectory, string repository, int calls)
    {
        var root = Path.Combine(workDirectory, "rpc");
        Directory.CreateDirectory(root);
        var payload = new StringValue { Value = new string('x', 64) };

        var floor = await FloorAsync(Path.Combine(root, "floor.sock"), payload, calls);
        Figure.Print(Name, "rpc_floor_p50_us", floor.P50, "us");
        Figure.Print(Name, "rpc_floor_p99_us", floor.P99, "us");

        var socket = Path.Combine(root, "echo.sock");
        File.Delete(socket);
        await using (var server = await RpcServer.StartAsync(new RpcServerOptions { UnixSocketPath = socket }, s => s.AddUnary(Echo, (request, _) => Task.FromResult(request))))
        {
            using var channel = RpcChannel.ForEndpoint(server.Endpoint);
            var uds = await LatencyAsync(() => channel.CallInvoker.UnaryAsync(Echo, payload, default), calls);
            Figure.Print(Name, "rpc_uds_p50_us", uds.P50, "us");
            Figure.Print(Name, "rpc_uds_p99_us", uds.P99, "us");
            Figure.Print(Name, "rpc_overhead_ratio", uds.P50 / floor.P50, "ratio");
            Figure.Print(Name, "rpc_calls_per_s_c16", await ThroughputAsync(channel, payload, 16, calls * 2), "calls/s");
        }

        await using (var server = await RpcServer.StartAsync(new RpcServerOptions { TcpPort = 0 }, s => s.AddUnary(Echo, (request, _) => Task.FromResult(request))))
        {
            using var channel = RpcChannel.ForEndpoint(server.Endpoint);
            var tcp = await LatencyAsync(() => channel.CallInvoker.UnaryAsync(Echo, payload, default), calls);
            Figure.Print(Name, "rpc_tcp_p50_us", tcp.P50, "us");
        }

        // The same echo as an in-process call through an interface, for scale.
        // One call is below the timer's resolution, so each sample is the mean of a batch of 1000.
        IEchoService inproc = new InProcessEcho();
        var local = await LatencyAsync(async () =>
        {
            StringValue? last = null;
            for (var i = 0; i < 1000; i++)
            {
                last = await inproc.EchoAsync(payload);
            }

            return last!;
        }, Math.Max(100, calls / 100));
        Figure.Print(Name, "inproc_p50_us", local.P50 / 1000, "us");

        await ProcessStart.RunAsync(root, repository, rounds: 5);
    }

    /// <summary>Per-call latency after a warm-up, in microseconds.</summary>
    private static async Task<(double P50, double P99)> LatencyAsync(Func<Task<StringValue>> call, int calls)
    {
        for (var i = 0; i < Math.Min(2000, calls); i++)
        {
            await call();
        }

        var samples = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return (Figure.Percentile(samples, 50), Figure.Percentile(samples, 99));
    }

    private static async Task<double> ThroughputAsync(RpcChannel channel, StringValue payload, int callers, int calls)
    {
        var remaining = calls;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await channel.CallInvoker.UnaryAsync(Echo, payload, default);
            }
        }));
        return calls / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A plain HTTP/2 POST whose body Kestrel echoes, over a unix socket, with a SocketsHttpHandler set up
    /// as the gRPC client's: the least any HTTP/2 request/response costs here.
    /// </summary>
    private static async Task<(double P50, double P99)> FloorAsync(string socket, StringValue payload, int calls)
    {
        File.Delete(socket);
        await using var server = new Http2Server(new Http2ServerOptions { UnixSocketPath = socket }, async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
        });
        await server.StartAsync();

        using var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                return new NetworkStream(client, ownsSocket: true);
            },
        };
        using var http = new HttpMessageInvoker(handler);
        var bytes = payload.ToByteArray();
        var uri = new Uri("http://localhost/echo");
        return await LatencyAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(bytes),
            };
            using var response = await http.SendAsync(request, CancellationToken.None);
            var echoed = await response.Content.ReadAsByteArrayAsync();
            return StringValue.Parser.ParseFrom(echoed);
        }, calls);
    }

    private interface IEchoService
    {
        Task<StringValue> EchoAsync(StringValue request);
    }

    private sealed class InProcessEcho : IEchoService
    {
        public Task<StringValue> EchoAsync(StringValue request) => Task.FromResult(request);
    }
}
