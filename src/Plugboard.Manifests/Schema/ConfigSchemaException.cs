namespace Plugboard.Manifests.Schema;

/// <summary>Thrown for an invalid schema.</summary>
public sealed class ConfigSchemaException : Exception
{
    /// <summary>Creates the exception; its message lists every problem.</summary>
    public ConfigSchemaException(IReadOnlyList<ConfigError> errors)
        : base(Summarize("The config schema is invalid", errors)) => Errors = errors;

    /// <summary>Every problem.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    internal static string Summarize(string headline, IReadOnlyList<ConfigError> errors) =>
        $"{headline} ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):{string.Concat(errors.Select(e => $"\n  {e}"))}";
}
