using Grpc.Core;
using Plugboard.Hosting.Rpc.Channels;
using Plugboard.Rpc.Tests.Infrastructure;
using Plugboard.Rpc.Tests.Protos;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_client_with_a_certificate_of_the_trusted_authority_is_served_over_mutual_TLS(Transport transport)
    {
        string? clientSubject = null;
        await using var server = await StartAsync(transport, (request, context) =>
        {
            clientSubject = context.GetHttpContext().Connection.ClientCertificate?.Subject;
            return Task.FromResult(request);
        }, new PluginChannelTls { TrustedCertificateAuthorities = _certificates.Authorities, ClientCertificate = _certificates.Client });

        var response = await new Echo.EchoClient(server.Invoker).EchoAsync(new User { Id = "over-tls" });

        Assert.Equal("over-tls", response.Id);
        Assert.Equal("CN=plugboard-host", clientSubject);
        Assert.StartsWith(transport == Transport.Tcp ? "https://" : "unix://", server.Channel.Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        await using var server = await StartAsync(Transport.Tcp, (request, _) => Task.FromResult(request),
            new PluginChannelTls { TrustedCertificateAuthorities = _certificates.Authorities });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(server.Invoker).EchoAsync(new User()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_certificate_it_does_not_trust()
    {
        using var otherAuthority = new TestCertificates("Some Other CA");
        await using var server = await StartAsync(Transport.Tcp, (request, _) => Task.FromResult(request),
            new PluginChannelTls { TrustedCertificateAuthorities = otherAuthority.Authorities, ClientCertificate = _certificates.Client });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(server.Invoker).EchoAsync(new User()));

        // Grpc.Net.Client reports a failed TLS handshake as Internal, with the authentication error as its cause.
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(error.Status.DebugException?.InnerException);
    }

    [Fact]
    public void TLS_options_with_a_plain_http_address_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PluginChannel.ForAddress("http://127.0.0.1:1", new PluginChannelSettings { Tls = new PluginChannelTls() }));
    }

    private Task<TestServer> StartAsync(Transport transport, Func<User, ServerCallContext, Task<User>> handler, PluginChannelTls clientTls) =>
        TestServer.StartAsync(
            new EchoService { OnEcho = handler },
            transport,
            channel: new PluginChannelSettings { Tls = clientTls },
            serverCertificate: _certificates.Server,
            trustedClientAuthority: _certificates.Authority);
}
