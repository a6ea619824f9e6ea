using System.Security.Cryptography;
using System.Text.Json;
using Plugboard.Server.Secrets;
using Plugboard.Server.Store;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3;

namespace Plugboard.Server.Sources;

/// <summary>
/// The write-only credentials of a stored source: each value sealed by the center's <see cref="SecretBox"/> in
/// <see cref="SourceRow.SealedCredentialsJson"/> (names in clear, values sealed), opened only to hand them to a sync
/// in memory (<see cref="SourceCredentialOptions.SetSecret"/>). Never returned, never logged.
/// </summary>
public sealed class SourceCredentials(SecretBox box)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The credential names a source of <paramref name="type"/> takes: git/http a token, s3 a key pair, fs none.</summary>
    public static IReadOnlyList<string> NamesFor(string? type) => type?.ToLowerInvariant() switch
    {
        "git" or "http" => [SourceCredentialOptions.TokenSecret],
        "s3" => [S3SourceSettings.AccessKeyIdSecret, S3SourceSettings.SecretAccessKeySecret],
        _ => [],
    };

    /// <summary>The names of the credentials <paramref name="row"/> holds (what the API shows as "set").</summary>
    public static IReadOnlyList<string> NamesOf(SourceRow row) => [.. Sealed(row).Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Applies a change to <paramref name="row"/>'s credentials: <paramref name="remove"/> drops every stored one first, then each
    /// non-empty value in <paramref name="given"/> is sealed and stored (an empty or absent one keeps what is stored), and
    /// stored names the source's type does not take are dropped (the type changed).
    /// </summary>
    public void Apply(SourceRow row, IReadOnlyDictionary<string, string?> given, bool remove)
    {
        var stored = remove ? new Dictionary<string, string>(StringComparer.Ordinal) : Sealed(row);
        foreach (var (name, value) in given)
        {
            if (!string.IsNullOrEmpty(value))
            {
                stored[name] = box.Seal(value);
            }
        }

        var allowed = NamesFor(row.Type);
        foreach (var name in stored.Keys.Where(n => !allowed.Contains(n)).ToList())
        {
            stored.Remove(name);
        }

        row.SealedCredentialsJson = stored.Count == 0 ? null : JsonSerializer.Serialize(stored, Json);
    }

    /// <summary>
    /// Gives <paramref name="row"/>'s credentials to <paramref name="options"/> in memory.
    /// </summary>
    /// <exception cref="InvalidOperationException">A stored value cannot be opened with this center's key; the message says what to do.</exception>
    public void GiveTo(SourceRow row, SourceOptions options)
    {
        foreach (var (name, sealedValue) in Sealed(row))
        {
            string value;
            try
            {
                value = box.Open(sealedValue);
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException)
            {
                throw new InvalidOperationException(
                    $"Source '{row.Name}': its stored {name} cannot be decrypted with this center's secret key (was Plugboard:Secrets:Key or secret.key changed?). Set the credentials of the source again.", ex);
            }

            options.Credentials.SetSecret(name, value);
        }
    }

    private static Dictionary<string, string> Sealed(SourceRow row) =>
        string.IsNullOrEmpty(row.SealedCredentialsJson)
            ? new(StringComparer.Ordinal)
            : new(JsonSerializer.Deserialize<Dictionary<string, string>>(row.SealedCredentialsJson, Json) ?? [], StringComparer.Ordinal);
}
