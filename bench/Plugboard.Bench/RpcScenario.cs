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

        // The floor, gRPC over a unix socket and gRPC over TCP are measured in interleaved rounds so
        // that a noisy moment of this shared machine hits all three alike.
        await using var floor = await RawEcho.StartAsync(Path.Combine(root, "floor.sock"));
        var socket = Path.Combine(root, "echo.sock");
        File.Delete(socket);
        await using var udsServer = await RpcServer.StartAsync(new RpcServerOptions { UnixSocketPath = socket }, s => s.AddUnary(Echo, (request, _) => Task.FromResult(request)));
        await using var tcpServer = await RpcServer.StartAsync(new RpcServerOptions { TcpPort = 0 }, s => s.AddUnary(Echo, (request, _) => Task.FromResult(request)));
        using var uds = RpcChannel.ForEndpoint(udsServer.Endpoint);
        using var tcp = RpcChannel.ForEndpoint(tcpServer.Endpoint);
        var bytes = payload.ToByteArray();
        await using var officialUds = await OfficialEcho.StartAsync(Path.Combine(root, "official.sock"));
        await using var officialTcp = await OfficialEcho.StartAsync(socket: null);

        List<double> floorSamples = [], udsSamples = [], tcpSamples = [], officialUdsSamples = [], officialTcpSamples = [];
        const int rounds = 5;
        for (var round = 0; round < rounds; round++)
        {
            floorSamples.AddRange(await LatencyAsync(async () => StringValue.Parser.ParseFrom(await floor.EchoAsync(bytes)), calls / rounds));
            udsSamples.AddRange(await LatencyAsync(() => uds.CallInvoker.UnaryAsync(Echo, payload, default), calls / rounds));
            tcpSamples.AddRange(await LatencyAsync(() => tcp.CallInvoker.UnaryAsync(Echo, payload, default), calls / rounds));
            officialUdsSamples.AddRange(await LatencyAsync(() => officialUds.Client.EchoAsync(payload).ResponseAsync, calls / rounds));
            officialTcpSamples.AddRange(await LatencyAsync(() => officialTcp.Client.EchoAsync(payload).ResponseAsync, calls / rounds));
        }

        var floorP50 = Figure.Percentile(floorSamples, 50);
        var udsP50 = Figure.Percentile(udsSamples, 50);
        Figure.Print(Name, "rpc_floor_p50_us", floorP50, "us");
        Figure.Print(Name, "rpc_floor_p99_us", Figure.Percentile(floorSamples, 99), "us");
        Figure.Print(Name, "rpc_uds_p50_us", udsP50, "us");
        Figure.Print(Name, "rpc_uds_p99_us", Figure.Percentile(udsSamples, 99), "us");
        Figure.Print(Name, "rpc_tcp_p50_us", Figure.Percentile(tcpSamples, 50), "us");
        Figure.Print(Name, "rpc_overhead_ratio", udsP50 / floorP50, "ratio");
        Figure.Print(Name, "rpc_calls_per_s_c16", await ThroughputAsync(uds, payload, 16, calls * 2), "calls/s");
        var officialP50 = Figure.Percentile(officialUdsSamples, 50);
        Figure.Print(Name, "rpc_official_uds_p50_us", officialP50, "us");
        Figure.Print(Name, "rpc_official_uds_p99_us", Figure.Percentile(officialUdsSamples, 99), "us");
        Figure.Print(Name, "rpc_official_tcp_p50_us", Figure.Percentile(officialTcpSamples, 50), "us");
        Figure.Print(Name, "rpc_official_overhead_ratio", officialP50 / floorP50, "ratio");
        Figure.Print(Name, "rpc_official_calls_per_s_c16", await OfficialThroughputAsync(officialUds, payload, 16, calls * 2), "calls/s");

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
        Figure.Print(Name, "inproc_p50_us", Figure.Percentile(local, 50) / 1000, "us");

        await ProcessStart.RunAsync(root, repository, rounds: 5);
    }

    /// <summary>Per-call latencies in microseconds, after a warm-up.</summary>
    private static async Task<List<double>> LatencyAsync<T>(Func<Task<T>> call, int calls)
    {
        for (var i = 0; i < Math.Min(500, calls); i++)
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

        return samples;
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

    private static async Task<double> OfficialThroughputAsync(OfficialEcho echo, StringValue payload, int callers, int calls)
    {
        var remaining = calls;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await echo.Client.EchoAsync(payload);
            }
        }));
        return calls / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A plain HTTP/2 POST whose body Kestrel echoes, over a unix socket, with a SocketsHttpHandler set up
    /// as the gRPC client's: the least any HTTP/2 request/response costs here.
    /// </summary>
    private sealed class RawEcho : IAsyncDisposable
    {
        private static readonly Uri Address = new("http://localhost/echo");
        private readonly Http2Server _server;
        private readonly SocketsHttpHandler _handler;
        private readonly HttpMessageInvoker _http;

        private RawEcho(Http2Server server, SocketsHttpHandler handler)
        {
            _server = server;
            _handler = handler;
            _http = new HttpMessageInvoker(handler);
        }

        public static async Task<RawEcho> StartAsync(string socket)
        {
            File.Delete(socket);
            var server = new Http2Server(new Http2ServerOptions { UnixSocketPath = socket }, async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
            });
            await server.StartAsync();
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                    return new NetworkStream(client, ownsSocket: true);
                },
            };
            return new RawEcho(server, handler);
        }

        public async Task<byte[]> EchoAsync(byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Address)
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(body),
            };
            using var response = await _http.SendAsync(request, CancellationToken.None);
            return await response.Content.ReadAsByteArrayAsync();
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            _handler.Dispose();
            await _server.DisposeAsync();
        }
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
