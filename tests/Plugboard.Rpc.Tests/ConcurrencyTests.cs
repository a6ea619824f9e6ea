using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_thousand_concurrent_calls_on_one_channel_all_succeed(Transport transport)
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, async (request, _) =>
            {
                await Task.Yield();
                return new User { Id = request.Id };
            }),
            transport);

        var calls = Enumerable.Range(0, 1000)
            .Select(i => server.Invoker.UnaryAsync(EchoMethods.Echo, new User { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToArray();
        var responses = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), responses.Select(r => r.Id));
    }
}
