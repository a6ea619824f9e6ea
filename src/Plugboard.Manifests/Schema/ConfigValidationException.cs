namespace Plugboard.Manifests.Schema;

/// <summary>Thrown when configuration does not fit its schema; the message lists every error and no secret value.</summary>
public sealed class ConfigValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigValidationException(IReadOnlyList<ConfigError> errors)
        : base(ConfigSchemaException.Summarize("The configuration is invalid", errors)) => Errors = errors;

    /// <summary>Every error.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
