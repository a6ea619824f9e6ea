using System.Diagnostics.CodeAnalysis;

namespace Plugboard.Packaging;

/// <summary>The public keys whose package signatures are trusted, looked up by key id.</summary>
public sealed class TrustStore
{
    private readonly Dictionary<string, TrustedKey> _keys;

    /// <summary>Creates a store holding <paramref name="keys"/> (a key listed twice is kept once).</summary>
    public TrustStore(IEnumerable<TrustedKey> keys)
    {
        _keys = new Dictionary<string, TrustedKey>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            _keys.TryAdd(key.KeyId, key);
        }
    }

    /// <summary>A store that trusts no key.</summary>
    public static TrustStore Empty { get; } = new([]);

    /// <summary>The trusted keys, ordered by key id.</summary>
    public IReadOnlyList<TrustedKey> Keys => [.. _keys.Values.OrderBy(k => k.KeyId, StringComparer.Ordinal)];

    /// <summary>Loads every <c>*.pem</c> file of a folder (not its sub-folders) as a trusted public key.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">A file is not a P-256 public key; the message names the file.</exception>
    public static async Task<TrustStore> LoadDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        var folder = Path.GetFullPath(directory);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Trust store folder '{folder}' does not exist. Create it and put the publishers' public key PEM files in it.");
        }

        var keys = new List<TrustedKey>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.pem").Order(StringComparer.Ordinal))
        {
            var pem = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            keys.Add(TrustedKey.FromPem(pem, file));
        }

        return new TrustStore(keys);
    }

    /// <summary>Finds the trusted key with <paramref name="keyId"/>.</summary>
    public bool TryGetKey(string keyId, [NotNullWhen(true)] out TrustedKey? key) => _keys.TryGetValue(keyId, out key);
}
