using Google.Protobuf;

namespace Plugboard.Rpc;

/// <summary>What both sides know of a method without its message types.</summary>
public interface IMethod
{
    /// <summary>How many messages each side sends.</summary>
    MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>plugboard.v1.Plugin</c>.</summary>
    string ServiceName { get; }

    /// <summary>The method name, e.g. <c>Init</c>.</summary>
    string Name { get; }

    /// <summary>The HTTP/2 path of the method, e.g. <c>/plugboard.v1.Plugin/Init</c>.</summary>
    string FullName { get; }
}

/// <summary>
/// Describes one gRPC method: its path and how to parse its protobuf messages. Declared once per
/// service in a static <c>…Methods</c> class and shared by the client and the server stubs.
/// </summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class Method<TRequest, TResponse> : IMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Creates a method descriptor.</summary>
    /// <param name="type">How many messages each side sends.</param>
    /// <param name="serviceName">The fully qualified service name (proto package + service).</param>
    /// <param name="name">The method name as written in the .proto file.</param>
    /// <param name="requestParser">The parser of request messages, e.g. <c>InitRequest.Parser</c>.</param>
    /// <param name="responseParser">The parser of response messages.</param>
    public Method(
        MethodType type,
        string serviceName,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
        RequestParser = requestParser ?? throw new ArgumentNullException(nameof(requestParser));
        ResponseParser = responseParser ?? throw new ArgumentNullException(nameof(responseParser));
    }

    /// <inheritdoc />
    public MethodType Type { get; }

    /// <inheritdoc />
    public string ServiceName { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string FullName { get; }

    /// <summary>Parses request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parses response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}
