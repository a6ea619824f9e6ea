using System.Globalization;
using Plugboard.Rpc.Tests.Infrastructure;
using Plugboard.Rpc.Tests.Protos;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_thousand_concurrent_calls_on_one_channel_all_succeed(Transport transport)
    {
        var echo = new EchoService
        {
            OnEcho = async (request, _) =>
            {
                await Task.Yield();
                return new User { Id = request.Id };
            },
        };
        await using var server = await TestServer.StartAsync(echo, transport);
        var client = new Echo.EchoClient(server.Invoker);

        var calls = Enumerable.Range(0, 1000)
            .Select(i => client.EchoAsync(new User { Id = i.ToString(CultureInfo.InvariantCulture) }).ResponseAsync)
            .ToArray();
        var responses = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture)), responses.Select(r => r.Id));
    }
}
