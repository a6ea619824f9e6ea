namespace Plugboard.Sources;

/// <summary>A source cannot be read or a package from it cannot be accepted; the message names the source and says what to do.</summary>
public sealed class SourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SourceException(string sourceName, string message, Exception? innerException = null)
        : base(message, innerException) => SourceName = sourceName;

    /// <summary>The name of the source concerned.</summary>
    public string SourceName { get; }
}
