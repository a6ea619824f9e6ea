namespace Plugboard.Rpc.Server;

/// <summary>Writes the response messages of a streaming call, each sent to the client when written.</summary>
/// <typeparam name="T">The response message type.</typeparam>
public interface IServerStreamWriter<in T>
{
    /// <summary>Sends one message. Wait for each write before the next one.</summary>
    /// <exception cref="RpcException">ResourceExhausted when the message is larger than the configured maximum.</exception>
    /// <exception cref="InvalidOperationException">The call is already over (deadline passed, client gone).</exception>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
