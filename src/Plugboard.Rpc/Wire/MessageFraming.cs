using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Plugboard.Rpc.Wire;

/// <summary>
/// Length-prefixed messages: a compressed flag byte, a 4-byte big-endian length, then the protobuf bytes.
/// </summary>
internal static class MessageFraming
{
    /// <summary>Serializes one framed message into <paramref name="writer"/>; never compressed.</summary>
    /// <exception cref="RpcException">ResourceExhausted when the message is larger than <paramref name="maxSize"/>.</exception>
    public static void WriteMessage<T>(IBufferWriter<byte> writer, T message, int? maxSize)
        where T : IMessage<T>
    {
        var size = message.CalculateSize();
        if (size > maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {maxSize} bytes).");
        }

        var span = writer.GetSpan(GrpcProtocol.FrameHeaderSize + size);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1, 4), (uint)size);
        message.WriteTo(span.Slice(GrpcProtocol.FrameHeaderSize, size));
        writer.Advance(GrpcProtocol.FrameHeaderSize + size);
    }

    /// <summary>Serializes one framed message into a new array; used for request bodies known up front.</summary>
    public static byte[] ToFramedBytes<T>(T message, int? maxSize)
        where T : IMessage<T>
    {
        var writer = new ArrayBufferWriter<byte>(GrpcProtocol.FrameHeaderSize + 64);
        WriteMessage(writer, message, maxSize);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads the next message, or returns null when the stream ended cleanly between messages.
    /// </summary>
    /// <param name="reader">The body being read.</param>
    /// <param name="parser">The parser of the message type.</param>
    /// <param name="maxSize">The largest message accepted; checked before the body is buffered.</param>
    /// <param name="encoding">The grpc-encoding of the sender, for messages with the compressed flag.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="RpcException">ResourceExhausted, Internal (truncated/malformed) or Unimplemented (encoding).</exception>
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader, MessageParser<T> parser, int? maxSize, string? encoding, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(buffer, maxSize, out var compressed, out var payload))
            {
                T message;
                try
                {
                    message = Parse(parser, payload, compressed, encoding, maxSize);
                }
                finally
                {
                    reader.AdvanceTo(payload.End);
                }

                return message;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                if (buffer.IsEmpty)
                {
                    return default;
                }

                throw new RpcException(StatusCode.Internal,
                    $"The stream ended inside a message: {buffer.Length} bytes of an incomplete length-prefixed message were received.");
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryReadFrame(
        ReadOnlySequence<byte> buffer, int? maxSize, out bool compressed, out ReadOnlySequence<byte> payload)
    {
        compressed = false;
        payload = default;
        if (buffer.Length < GrpcProtocol.FrameHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal,
                $"Malformed message: the compressed flag is {header[0]}, expected 0 or 1."),
        };

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > int.MaxValue || (maxSize is { } max && length > (uint)max))
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxSize} bytes).");
        }

        if (buffer.Length < GrpcProtocol.FrameHeaderSize + length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
        return true;
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload, bool compressed, string? encoding, int? maxSize)
        where T : IMessage<T>
    {
        if (compressed)
        {
            payload = new ReadOnlySequence<byte>(Decompress(payload, encoding, maxSize));
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"Failed to deserialize a {typeof(T).Name} message: {ex.Message}"), new Metadata(), ex);
        }
    }

    private static byte[] Decompress(ReadOnlySequence<byte> payload, string? encoding, int? maxSize)
    {
        using var compressedStream = new MemoryStream(payload.ToArray());
        using Stream decompressor = encoding switch
        {
            "gzip" => new GZipStream(compressedStream, CompressionMode.Decompress),
            "deflate" => new ZLibStream(compressedStream, CompressionMode.Decompress),
            null or "" or "identity" => throw new RpcException(StatusCode.Internal,
                "A message has the compressed flag set, but the sender declared no grpc-encoding."),
            _ => throw new RpcException(StatusCode.Unimplemented,
                $"Unsupported grpc-encoding '{encoding}'; this peer decodes {GrpcProtocol.SupportedEncodings}."),
        };
        using var output = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = decompressor.Read(chunk, 0, chunk.Length)) > 0)
        {
            output.Write(chunk, 0, read);
            if (output.Length > maxSize)
            {
                throw new RpcException(StatusCode.ResourceExhausted,
                    $"Received message exceeds the maximum configured message size once decompressed (> {maxSize} bytes).");
            }
        }

        return output.ToArray();
    }
}
