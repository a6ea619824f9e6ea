using System.Text.Json;
using System.Text.Json.Nodes;
using Plugboard.Manifests.Schema;
using Plugboard.Server.Secrets;

namespace Plugboard.Server.Installations;

/// <summary>
/// Splits an installation's configuration into what is stored in clear and the secret (<c>writeOnly</c>) values,
/// which are sealed with <see cref="SecretBox"/>; joins them again for the plugin; masks them for the API.
/// A secret inside a list (<c>$.servers[*].token</c>) keeps its whole top-level list secret.
/// </summary>
public sealed class InstallationConfig(SecretBox box)
{
    /// <summary>What the API shows for a secret that is set.</summary>
    public const string SetMarker = "(set)";

    /// <summary>Separates <paramref name="configuration"/> into clear and secret parts; <paramref name="previousSecrets"/> are kept unless sent again.</summary>
    public (JsonObject Clear, string? SecretsCipher) Split(ConfigSchema? schema, JsonObject configuration, string? previousSecrets)
    {
        var clear = (JsonObject)configuration.DeepClone();
        var secrets = OpenSecrets(previousSecrets);
        if (schema is not null)
        {
            foreach (var path in TopSecretPaths(schema))
            {
                if (TryTake(clear, path, out var value))
                {
                    secrets[string.Join('.', path)] = value;
                }
            }
        }

        return (clear, secrets.Count == 0 ? null : box.Seal(secrets.ToJsonString()));
    }

    /// <summary>The clear configuration with the secrets put back, for the plugin only.</summary>
    public JsonObject Join(string clearJson, string? secretsCipher)
    {
        var config = JsonNode.Parse(clearJson) as JsonObject ?? [];
        foreach (var (key, value) in OpenSecrets(secretsCipher))
        {
            Put(config, key.Split('.'), value?.DeepClone());
        }

        return config;
    }

    /// <summary>The secret paths (<c>$.apiKey</c>) with whether each is set, for the API.</summary>
    public IReadOnlyDictionary<string, bool> SecretStates(ConfigSchema? schema, string? secretsCipher)
    {
        var secrets = OpenSecrets(secretsCipher);
        var states = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        if (schema is null)
        {
            return states;
        }

        foreach (var path in TopSecretPaths(schema))
        {
            states["$." + string.Join('.', path)] = secrets.ContainsKey(string.Join('.', path));
        }

        return states;
    }

    /// <summary>The clear configuration with every secret that is set (per <see cref="SecretStates"/>) shown as <see cref="SetMarker"/>.</summary>
    public static JsonObject Masked(string clearJson, IReadOnlyDictionary<string, bool> secretStates)
    {
        var config = JsonNode.Parse(clearJson) as JsonObject ?? [];
        foreach (var (path, set) in secretStates)
        {
            if (set)
            {
                Put(config, path[2..].Split('.'), SetMarker);
            }
        }

        return config;
    }

    private JsonObject OpenSecrets(string? cipher) =>
        cipher is null ? [] : JsonNode.Parse(box.Open(cipher)) as JsonObject ?? [];

    private static IEnumerable<string[]> TopSecretPaths(ConfigSchema schema) =>
        schema.SecretPaths
            .Select(p => p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : p.TrimStart('$'))
            .Select(p => p.Contains("[*]", StringComparison.Ordinal) ? p[..p.IndexOf("[*]", StringComparison.Ordinal)] : p)
            .Where(p => p.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Select(p => p.Split('.'));

    private static bool TryTake(JsonObject root, string[] path, out JsonNode? value)
    {
        value = null;
        JsonObject? current = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            current = current[path[i]] as JsonObject;
            if (current is null)
            {
                return false;
            }
        }

        if (!current.TryGetPropertyValue(path[^1], out value))
        {
            return false;
        }

        current.Remove(path[^1]);
        value = value?.DeepClone();
        return true;
    }

    private static void Put(JsonObject root, string[] path, JsonNode? value)
    {
        var current = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (current[path[i]] is not JsonObject child)
            {
                child = [];
                current[path[i]] = child;
            }

            current = child;
        }

        current[path[^1]] = value;
    }

    /// <summary>Serializes a JSON object compactly.</summary>
    public static string ToJson(JsonNode node) => node.ToJsonString(JsonSerializerOptions.Default);
}
