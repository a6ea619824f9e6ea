namespace Plugboard.Rpc;

/// <summary>The outcome of a call: a <see cref="StatusCode"/> and a human-readable detail.</summary>
/// <param name="StatusCode">The gRPC status code.</param>
/// <param name="Detail">The message sent in <c>grpc-message</c>; empty when there is none.</param>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The status of a successful call.</summary>
    public static Status Ok { get; } = new(StatusCode.OK, string.Empty);

    /// <inheritdoc />
    public override string ToString() =>
        string.IsNullOrEmpty(Detail) ? $"StatusCode=\"{StatusCode}\"" : $"StatusCode=\"{StatusCode}\", Detail=\"{Detail}\"";
}
