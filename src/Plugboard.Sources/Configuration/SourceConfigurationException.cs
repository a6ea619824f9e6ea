namespace Plugboard.Sources.Configuration;

/// <summary>The sources configuration is invalid; <see cref="Errors"/> lists every problem.</summary>
public sealed class SourceConfigurationException : Exception
{
    /// <summary>Creates the exception from every problem found.</summary>
    public SourceConfigurationException(IReadOnlyList<string> errors)
        : base($"The Plugboard sources configuration is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => "  - " + e))}")
        => Errors = errors;

    /// <summary>Every problem, each naming the source and field.</summary>
    public IReadOnlyList<string> Errors { get; }
}
