namespace Plugboard.Rpc;

/// <summary>Per-call settings a client passes with each call.</summary>
public readonly record struct CallOptions
{
    /// <summary>Creates call options.</summary>
    /// <param name="headers">Custom metadata sent as request headers.</param>
    /// <param name="deadline">When the call must be over (UTC); null for no deadline.</param>
    /// <param name="cancellationToken">Cancels the call; the server sees the cancellation.</param>
    public CallOptions(Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        Headers = headers;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>
    /// When the call must be over, in UTC. Sent to the server as <c>grpc-timeout</c>; past it the client
    /// ends the call with <see cref="StatusCode.DeadlineExceeded"/>. Null means no deadline.
    /// </summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Custom metadata sent as request headers.</summary>
    public Metadata? Headers { get; init; }

    /// <summary>Cancels the call: the stream is reset and the client sees <see cref="StatusCode.Cancelled"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>When set, receives the response headers and trailers of the call, whatever its outcome.</summary>
    public ResponseMetadata? ResponseMetadata { get; init; }

    /// <summary>Returns a copy whose deadline is <paramref name="timeout"/> from now.</summary>
    public CallOptions WithTimeout(TimeSpan timeout) => this with { Deadline = DateTime.UtcNow + timeout };
}
