using Grpc.Core;
using MyProcessPlugin.Greeting;

namespace MyProcessPlugin;

/// <summary>The contract's gRPC service: plain Grpc.AspNetCore, created per call.</summary>
public sealed class GreeterService(GreeterPlugin plugin) : Greeter.GreeterBase
{
    /// <inheritdoc />
    public override Task<GreetReply> Greet(GreetRequest request, ServerCallContext context) =>
        Task.FromResult(new GreetReply { Message = plugin.Greet(request.Name) });
}
