namespace Plugboard.Rpc;

/// <summary>
/// Collects what a server sent besides messages: response headers and trailers. Pass one in
/// <see cref="CallOptions.ResponseMetadata"/> and read it after the call.
/// </summary>
public sealed class ResponseMetadata
{
    /// <summary>Custom response headers (empty until they arrive, and for Trailers-Only responses).</summary>
    public Metadata Headers { get; internal set; } = new();

    /// <summary>Custom trailers (empty until the call is over).</summary>
    public Metadata Trailers { get; internal set; } = new();

    /// <summary>The status the call ended with; null while the call runs.</summary>
    public Status? Status { get; internal set; }
}
