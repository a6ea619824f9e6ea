using System.Collections;
using System.Text;

namespace Plugboard.Rpc;

/// <summary>
/// Custom metadata of a call: request headers, response headers or trailers. Keys are lower-case;
/// a key ending in <c>-bin</c> holds bytes (sent base64-encoded), any other key holds printable ASCII text.
/// A key may occur several times; order is kept.
/// </summary>
public sealed class Metadata : IReadOnlyList<MetadataEntry>
{
    /// <summary>The suffix that marks a binary key.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<MetadataEntry> _entries = [];

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public MetadataEntry this[int index] => _entries[index];

    /// <summary>Adds a text entry. The key must not end in <c>-bin</c>; the value must be printable ASCII.</summary>
    /// <returns>This instance, to chain calls.</returns>
    public Metadata Add(string key, string value)
    {
        _entries.Add(MetadataEntry.Text(key, value));
        return this;
    }

    /// <summary>Adds a binary entry. The key must end in <c>-bin</c>.</summary>
    /// <returns>This instance, to chain calls.</returns>
    public Metadata Add(string key, byte[] value)
    {
        _entries.Add(MetadataEntry.Binary(key, value));
        return this;
    }

    /// <summary>Adds an entry that was built beforehand.</summary>
    /// <returns>This instance, to chain calls.</returns>
    public Metadata Add(MetadataEntry entry)
    {
        _entries.Add(entry);
        return this;
    }

    /// <summary>The last entry with <paramref name="key"/> (case-insensitive), or null.</summary>
    public MetadataEntry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i];
            }
        }

        return null;
    }

    /// <summary>The text value of the last entry with <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the last binary entry with <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>Every entry with <paramref name="key"/> (case-insensitive), in order.</summary>
    public IEnumerable<MetadataEntry> GetAll(string key) =>
        _entries.Where(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Removes every entry with <paramref name="key"/>.</summary>
    /// <returns>The number of entries removed.</returns>
    public int Remove(string key) =>
        _entries.RemoveAll(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public IEnumerator<MetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var entry in _entries)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(entry);
        }

        return text.ToString();
    }
}

/// <summary>One metadata entry: a key and either a text value or, for <c>-bin</c> keys, bytes.</summary>
public sealed class MetadataEntry
{
    private readonly string? _text;
    private readonly byte[]? _bytes;

    private MetadataEntry(string key, string? text, byte[]? bytes)
    {
        Key = key;
        _text = text;
        _bytes = bytes;
    }

    /// <summary>The key, lower-case.</summary>
    public string Key { get; }

    /// <summary>True when the key ends in <c>-bin</c> and the value is bytes.</summary>
    public bool IsBinary => _bytes is not null;

    /// <summary>The text value. For a binary entry, reading it throws: use <see cref="ValueBytes"/>.</summary>
    public string Value => _text ?? throw new InvalidOperationException(
        $"Metadata entry '{Key}' is binary; read ValueBytes instead of Value.");

    /// <summary>The bytes of a binary entry; for a text entry, its ASCII bytes.</summary>
    public byte[] ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(_text!);

    /// <summary>Creates a text entry, validating the key and the value.</summary>
    public static MetadataEntry Text(string key, string value)
    {
        var normalized = NormalizeKey(key);
        if (normalized.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' ends in '-bin', so its value must be bytes, not text.", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new ArgumentException(
                    $"Metadata value for '{key}' must be printable ASCII (0x20-0x7E); use a '-bin' key for other data.",
                    nameof(value));
            }
        }

        return new MetadataEntry(normalized, value, null);
    }

    /// <summary>Creates a binary entry; the key must end in <c>-bin</c>.</summary>
    public static MetadataEntry Binary(string key, byte[] value)
    {
        var normalized = NormalizeKey(key);
        if (!normalized.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' holds bytes, so it must end in '-bin'.", nameof(key));
        }

        ArgumentNullException.ThrowIfNull(value);
        return new MetadataEntry(normalized, null, value);
    }

    /// <summary>Creates an entry as received from the wire: the key is trusted to be lower-case and valid.</summary>
    internal static MetadataEntry FromWire(string key, string value) =>
        key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal)
            ? new MetadataEntry(key, null, Wire.HeaderCodec.DecodeBinaryValue(value))
            : new MetadataEntry(key, value, null);

    /// <inheritdoc />
    public override string ToString() =>
        IsBinary ? $"{Key}: [{_bytes!.Length} bytes]" : $"{Key}: {_text}";

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var lower = key.ToLowerInvariant();
        foreach (var c in lower)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!valid)
            {
                throw new ArgumentException(
                    $"Metadata key '{key}' may contain only letters, digits, '-', '_' and '.'.", nameof(key));
            }
        }

        if (lower.StartsWith("grpc-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' is reserved: keys starting with 'grpc-' belong to the protocol.", nameof(key));
        }

        return lower;
    }
}
