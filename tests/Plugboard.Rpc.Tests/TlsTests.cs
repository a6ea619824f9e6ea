using Plugboard.Rpc.Client;
using Plugboard.Rpc.Server;
using Plugboard.Rpc.Tests.Infrastructure;
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
            clientSubject = context.ClientCertificate?.Subject;
            return Task.FromResult(request);
        }, new RpcClientTlsOptions { TrustedCertificateAuthorities = _certificates.Authorities, ClientCertificate = _certificates.Client });

        var response = await server.Invoker.UnaryAsync(EchoMethods.Echo, EchoMethods.UserNamed("over-tls"));

        Assert.Equal("over-tls", response.Id);
        Assert.Equal("CN=plugboard-host", clientSubject);
        Assert.StartsWith(transport == Transport.Tcp ? "https://" : "unix://", server.Server.Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        await using var server = await StartAsync(Transport.Tcp, (request, _) => Task.FromResult(request),
            new RpcClientTlsOptions { TrustedCertificateAuthorities = _certificates.Authorities });

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_certificate_it_does_not_trust()
    {
        using var otherAuthority = new TestCertificates("Some Other CA");
        await using var server = await StartAsync(Transport.Tcp, (request, _) => Task.FromResult(request),
            new RpcClientTlsOptions { TrustedCertificateAuthorities = otherAuthority.Authorities, ClientCertificate = _certificates.Client });

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public void TLS_options_with_a_plain_http_address_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RpcChannel.ForAddress("http://127.0.0.1:1", new RpcChannelOptions { Tls = new RpcClientTlsOptions() }));
    }

    private Task<TestServer> StartAsync(Transport transport, UnaryServerMethod<User, User> handler, RpcClientTlsOptions clientTls) =>
        TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, handler),
            transport,
            configureServer: options => options.Tls = new RpcServerTlsOptions
            {
                ServerCertificate = _certificates.Server,
                ClientCertificateAuthorities = _certificates.Authorities,
            },
            configureChannel: options => options.Tls = clientTls);
}
