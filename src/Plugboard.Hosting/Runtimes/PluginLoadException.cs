namespace Plugboard.Hosting.Runtimes;

/// <summary>
/// A plugin could not be loaded. The message names the plugin, says what failed and what to do;
/// <see cref="Errors"/> lists the individual problems when there are several.
/// </summary>
public sealed class PluginLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="errors">The individual problems, if any.</param>
    /// <param name="innerException">The cause, if any.</param>
    public PluginLoadException(string message, IReadOnlyList<PluginError>? errors = null, Exception? innerException = null)
        : base(message, innerException) => Errors = errors ?? [];

    /// <summary>The individual problems behind the message.</summary>
    public IReadOnlyList<PluginError> Errors { get; }
}
