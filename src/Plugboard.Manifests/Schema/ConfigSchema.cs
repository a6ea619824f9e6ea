using System.Text.Json.Nodes;

namespace Plugboard.Manifests.Schema;

/// <summary>A plugin's configuration schema (a JSON Schema subset plus form hints).</summary>
public sealed class ConfigSchema
{
    /// <summary>Parses a schema from its JSON form.</summary>
    /// <exception cref="ConfigSchemaException">The schema itself is invalid; lists every problem with its path.</exception>
    public static ConfigSchema Parse(JsonNode schema) => throw new NotImplementedException("SKELETON");

    /// <summary>The schema as JSON (for the admin UI form).</summary>
    public JsonObject ToJson() => throw new NotImplementedException("SKELETON");

    /// <summary>JSON paths of <c>writeOnly</c> (secret) fields.</summary>
    public IReadOnlyList<string> SecretPaths => throw new NotImplementedException("SKELETON");

    /// <summary>Validates configuration, applying defaults; never echoes secret values in errors.</summary>
    public ConfigValidationResult Validate(JsonNode? configuration) => throw new NotImplementedException("SKELETON");
}

/// <summary>The outcome of validating configuration against a <see cref="ConfigSchema"/>.</summary>
public sealed record ConfigValidationResult(JsonObject Value, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>Whether there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>One configuration error: a JSON path (<c>$.servers[1].port</c>) and what is wrong.</summary>
public sealed record ConfigError(string Path, string Message);

/// <summary>Thrown for an invalid schema.</summary>
public sealed class ConfigSchemaException(IReadOnlyList<ConfigError> errors) : Exception("SKELETON")
{
    /// <summary>Every problem.</summary>
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}

/// <summary>Binds validated configuration to a plugin's config class.</summary>
public static class ConfigBinder
{
    /// <summary>Binds <paramref name="value"/> to a new instance of <paramref name="configType"/>.</summary>
    /// <exception cref="ConfigBindingException">A value does not fit a property; names the path.</exception>
    public static object Bind(JsonObject value, Type configType) => throw new NotImplementedException("SKELETON");
}

/// <summary>Thrown when configuration cannot be bound to a config class.</summary>
public sealed class ConfigBindingException(string message) : Exception(message);
