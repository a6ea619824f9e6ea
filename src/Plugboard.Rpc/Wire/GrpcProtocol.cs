namespace Plugboard.Rpc.Wire;

/// <summary>Names and values fixed by the gRPC over HTTP/2 specification (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TeHeader = "te";
    public const string UserAgent = "grpc-dotnet-plugboard/0.1";

    /// <summary>What this implementation can decode; it always sends identity.</summary>
    public const string SupportedEncodings = "identity,gzip,deflate";

    /// <summary>The default maximum size of one message: 4 MiB, as in every gRPC implementation.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>1 byte compressed flag + 4 bytes big-endian length.</summary>
    public const int FrameHeaderSize = 5;

    /// <summary>True for <c>application/grpc</c> and its <c>+proto</c> / <c>;charset</c> variants.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }

    /// <summary>
    /// Headers that belong to the protocol and never appear in <see cref="Metadata"/> given to applications.
    /// </summary>
    public static bool IsReservedHeader(string name) =>
        name.Length == 0
        || name[0] == ':'
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("te", StringComparison.OrdinalIgnoreCase)
        || name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("trailer", StringComparison.OrdinalIgnoreCase)
        || name.Equals("date", StringComparison.OrdinalIgnoreCase)
        || name.Equals("server", StringComparison.OrdinalIgnoreCase)
        || name.Equals(TimeoutHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(EncodingHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(AcceptEncodingHeader, StringComparison.OrdinalIgnoreCase)
        || name.Equals(StatusTrailer, StringComparison.OrdinalIgnoreCase)
        || name.Equals(MessageTrailer, StringComparison.OrdinalIgnoreCase);
}
