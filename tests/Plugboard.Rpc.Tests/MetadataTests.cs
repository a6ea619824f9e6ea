using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class MetadataTests
{
    private static readonly byte[] Binary = [0, 1, 2, 127, 128, 250, 255];

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task Request_headers_reach_the_handler_text_and_binary(Transport transport)
    {
        Metadata? seen = null;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, context) =>
            {
                seen = context.RequestHeaders;
                return Task.FromResult(request);
            }),
            transport);

        var headers = new Metadata().Add("x-request-id", "req-1").Add("X-Mixed-Case", "v").Add("x-trace-bin", Binary);
        await server.Invoker.UnaryAsync(EchoMethods.Echo, new User(), new CallOptions(headers));

        Assert.NotNull(seen);
        Assert.Equal("req-1", seen.GetValue("x-request-id"));
        Assert.Equal("v", seen.GetValue("x-mixed-case"));
        Assert.Equal(Binary, seen.GetValueBytes("x-trace-bin"));
    }

    [Fact]
    public async Task Protocol_headers_are_not_exposed_as_metadata()
    {
        Metadata? seen = null;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, context) =>
            {
                seen = context.RequestHeaders;
                return Task.FromResult(request);
            }));

        await server.Invoker.UnaryAsync(EchoMethods.Echo, new User(), new CallOptions(deadline: DateTime.UtcNow.AddMinutes(1)));

        Assert.NotNull(seen);
        Assert.DoesNotContain(seen, e => e.Key.StartsWith(':') || e.Key is "content-type" or "te" or "grpc-timeout" or "grpc-accept-encoding");
    }

    [Fact]
    public async Task Response_headers_and_trailers_reach_the_client()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, async (request, context) =>
            {
                await context.WriteResponseHeadersAsync(new Metadata().Add("x-served-by", "test").Add("x-header-bin", Binary));
                context.ResponseTrailers.Add("x-rows", "42").Add("x-trailer-bin", Binary);
                return request;
            }));

        var response = new ResponseMetadata();
        await server.Invoker.UnaryAsync(EchoMethods.Echo, new User(), new CallOptions { ResponseMetadata = response });

        Assert.Equal("test", response.Headers.GetValue("x-served-by"));
        Assert.Equal(Binary, response.Headers.GetValueBytes("x-header-bin"));
        Assert.Equal("42", response.Trailers.GetValue("x-rows"));
        Assert.Equal(Binary, response.Trailers.GetValueBytes("x-trailer-bin"));
        Assert.Equal(Status.Ok, response.Status);
    }

    [Fact]
    public async Task Trailers_of_a_failed_call_reach_the_client_on_the_exception()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary<User, User>(EchoMethods.Echo, (_, _) =>
                throw new RpcException(new Status(StatusCode.NotFound, "no such user"), new Metadata().Add("x-hint", "check the id").Add("x-detail-bin", Binary))));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("check the id", error.Trailers.GetValue("x-hint"));
        Assert.Equal(Binary, error.Trailers.GetValueBytes("x-detail-bin"));
    }

    [Fact]
    public async Task A_binary_header_that_is_not_base64_ends_the_call_with_Internal_before_the_handler()
    {
        var called = false;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, _) =>
            {
                called = true;
                return Task.FromResult(request);
            }));

        var response = await RawHttp2.PostAsync(server.Server.Address, EchoMethods.Echo.FullName, RawHttp2.Frame(new User()), headers: [("x-broken-bin", "!!!")]);

        Assert.Equal("13", response.Headers["grpc-status"]);
        Assert.Contains("x-broken-bin", response.Headers["grpc-message"], StringComparison.Ordinal);
        Assert.False(called);
    }

    [Fact]
    public void Metadata_refuses_text_that_is_not_printable_ASCII()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add("x-name", "Müller"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("x-name-bin", "text"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("x-bytes", [1, 2]));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("grpc-status", "0"));
    }
}
