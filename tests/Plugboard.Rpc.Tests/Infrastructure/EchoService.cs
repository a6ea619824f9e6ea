using Grpc.Core;
using Plugboard.Rpc.Tests.Protos;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests.Infrastructure;

/// <summary>The test Echo service with the handlers a test gives it; register the instance as a singleton.</summary>
public sealed class EchoService : Echo.EchoBase
{
    public Func<User, ServerCallContext, Task<User>> OnEcho { get; init; } = (request, _) => Task.FromResult(request);

    public Func<IAsyncStreamReader<User>, ServerCallContext, Task<User>>? OnCollect { get; init; }

    public static User UserOfSize(int bytes) => new() { DisplayName = new string('x', bytes) };

    public override Task<User> Echo(User request, ServerCallContext context) => OnEcho(request, context);

    public override Task<User> Collect(IAsyncStreamReader<User> requestStream, ServerCallContext context) =>
        OnCollect is null ? base.Collect(requestStream, context) : OnCollect(requestStream, context);
}
