using System.Text.Json.Nodes;

namespace Plugboard.Manifests.Schema;

/// <summary>The outcome of validating configuration against a <see cref="ConfigSchema"/>.</summary>
/// <param name="Value">The configuration with defaults applied; a copy, also when invalid.</param>
/// <param name="Errors">Every problem, each with the path of the value.</param>
public sealed record ConfigValidationResult(JsonObject Value, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>Whether there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>The configuration with defaults, when valid.</summary>
    /// <exception cref="ConfigValidationException">There are errors; it lists them all.</exception>
    public JsonObject EnsureValid() => IsValid ? Value : throw new ConfigValidationException(Errors);
}
