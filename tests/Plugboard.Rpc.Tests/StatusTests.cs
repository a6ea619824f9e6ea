using System.Text;
using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class StatusTests
{
    public static TheoryData<StatusCode> EveryErrorCode()
    {
        var data = new TheoryData<StatusCode>();
        foreach (var code in Enum.GetValues<StatusCode>().Where(c => c != StatusCode.OK))
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryErrorCode))]
    public async Task Every_status_code_a_handler_throws_reaches_the_client(StatusCode code)
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary<User, User>(EchoMethods.Echo, (_, _) => throw new RpcException(code, $"failed with {code}")));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(code, error.StatusCode);
        Assert.Equal($"failed with {code}", error.Status.Detail);
    }

    [Fact]
    public async Task A_status_message_with_non_ASCII_text_and_percent_signs_arrives_intact()
    {
        const string detail = "Verbindung zu LDAP fehlgeschlagen: 用户 \"müller\" 100% ✓\r\nline 2";
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary<User, User>(EchoMethods.Echo, (_, _) => throw new RpcException(StatusCode.FailedPrecondition, detail)));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(detail, error.Status.Detail);
    }

    [Fact]
    public async Task On_the_wire_the_status_message_is_percent_encoded_UTF8()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary<User, User>(EchoMethods.Echo, (_, _) => throw new RpcException(StatusCode.Aborted, "ü 50%")));

        var response = await RawHttp2.PostAsync(server.Server.Address, EchoMethods.Echo.FullName, RawHttp2.Frame(new User()));

        // Trailers-Only: no message was sent, so the status travels in the one header block.
        Assert.Equal("10", response.Headers["grpc-status"]);
        Assert.Equal("%C3%BC 50%25", response.Headers["grpc-message"]);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task A_handler_may_end_with_a_status_without_throwing()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddServerStreaming(EchoMethods.Expand, async (_, responses, context) =>
            {
                await responses.WriteAsync(EchoMethods.UserNamed("partial"));
                context.Status = new Status(StatusCode.OutOfRange, "page 3 of 2");
            }));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in server.Invoker.ServerStreamingAsync(EchoMethods.Expand, new User()))
            {
            }
        });

        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Equal("page 3 of 2", error.Status.Detail);
    }

    [Fact]
    public async Task An_unexpected_exception_becomes_Unknown_without_leaking_its_message()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary<User, User>(EchoMethods.Echo, (_, _) => throw new InvalidCastException("password=hunter2")));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("hunter2", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_detailed_errors_an_unexpected_exception_is_described()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary<User, User>(EchoMethods.Echo, (_, _) => throw new InvalidCastException("bad cast")),
            configureServer: options => options.EnableDetailedErrors = true);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Contains("InvalidCastException: bad cast", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_is_not_gRPC_gets_HTTP_415()
    {
        await using var server = await TestServer.StartAsync(services => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));

        var response = await RawHttp2.PostAsync(server.Server.Address, EchoMethods.Echo.FullName, Encoding.UTF8.GetBytes("{}"), contentType: "application/json");

        Assert.Equal(415, response.HttpStatus);
    }

    [Fact]
    public async Task A_truncated_request_message_ends_the_call_with_Internal()
    {
        await using var server = await TestServer.StartAsync(services => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));

        var framed = RawHttp2.Frame(EchoMethods.UserNamed("truncated"));
        var response = await RawHttp2.PostAsync(server.Server.Address, EchoMethods.Echo.FullName, framed[..^3]);

        Assert.Equal("13", response.Headers.GetValueOrDefault("grpc-status") ?? response.Trailers.GetValueOrDefault("grpc-status"));
    }

    [Fact]
    public async Task A_gzip_compressed_request_message_is_decoded()
    {
        await using var server = await TestServer.StartAsync(services => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));
        var payload = Google.Protobuf.MessageExtensions.ToByteArray(EchoMethods.UserNamed("zipped"));
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        var body = new byte[5 + compressed.Length];
        body[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)compressed.Length);
        compressed.ToArray().CopyTo(body, 5);

        var response = await RawHttp2.PostAsync(server.Server.Address, EchoMethods.Echo.FullName, body, headers: [("grpc-encoding", "gzip")]);

        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.Equal(EchoMethods.UserNamed("zipped"), User.Parser.ParseFrom(response.Body.AsSpan(5)));
    }
}
