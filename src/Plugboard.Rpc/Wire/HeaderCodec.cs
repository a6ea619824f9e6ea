using System.Globalization;

namespace Plugboard.Rpc.Wire;

/// <summary>Translates between <see cref="Metadata"/> / <see cref="Status"/> and HTTP/2 header fields.</summary>
internal static class HeaderCodec
{
    /// <summary>Base64 without padding, as the specification asks senders to emit.</summary>
    public static string EncodeBinaryValue(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>Decodes base64 with or without padding.</summary>
    public static byte[] DecodeBinaryValue(string value)
    {
        var trimmed = value.Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding == 3)
        {
            throw new FormatException($"'{value}' is not valid base64.");
        }

        return Convert.FromBase64String(padding == 0 ? trimmed : trimmed + new string('=', padding));
    }

    /// <summary>The wire form of an entry's value.</summary>
    public static string EncodeValue(MetadataEntry entry) =>
        entry.IsBinary ? EncodeBinaryValue(entry.ValueBytes) : entry.Value;

    /// <summary>
    /// Adds the custom header fields to <paramref name="metadata"/>, skipping those of the protocol.
    /// Binary values repeated in one field are comma-separated, as HTTP allows.
    /// </summary>
    public static void AddFromHeaders(Metadata metadata, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers)
    {
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            var key = name.ToLowerInvariant();
            var binary = key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal);
            foreach (var value in values)
            {
                if (binary)
                {
                    foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        try
                        {
                            metadata.Add(MetadataEntry.FromWire(key, part));
                        }
                        catch (FormatException ex)
                        {
                            throw new RpcException(new Status(StatusCode.Internal,
                                $"Metadata '{key}' is not valid base64: keys ending in '-bin' carry base64-encoded bytes."), new Metadata(), ex);
                        }
                    }
                }
                else
                {
                    metadata.Add(MetadataEntry.FromWire(key, value));
                }
            }
        }
    }

    /// <summary>Reads <c>grpc-status</c> and <c>grpc-message</c>; null when there is no status field.</summary>
    public static Status? ReadStatus(string? statusValue, string? messageValue)
    {
        if (statusValue is null)
        {
            return null;
        }

        if (!int.TryParse(statusValue, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Unknown, $"Unexpected grpc-status value '{statusValue}' from the server.");
        }

        // Codes outside 0..16 are kept as numbers: applications may still switch on them.
        var detail = messageValue is null ? string.Empty : PercentEncoding.Decode(messageValue);
        return new Status((StatusCode)code, detail);
    }

    /// <summary>The status a client reports when an HTTP response is not 200, per the specification's table.</summary>
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>The grpc-status field value of a code.</summary>
    public static string FormatStatusCode(StatusCode code) => ((int)code).ToString(CultureInfo.InvariantCulture);
}
