namespace Plugboard.Rpc;

/// <summary>How many messages each side of a call sends.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,

    /// <summary>A stream of requests and a stream of responses, interleaved as each side wishes.</summary>
    DuplexStreaming,
}
