namespace Plugboard.Hosting;

/// <summary>Thrown when a plugin is asked for but is not active; the message says why and what to do.</summary>
public sealed class PluginNotAvailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="pluginId">The plugin id asked for.</param>
    /// <param name="message">Why it is not available and what to do.</param>
    public PluginNotAvailableException(string pluginId, string message) : base(message) => PluginId = pluginId;

    /// <summary>The plugin id asked for.</summary>
    public string PluginId { get; }
}
