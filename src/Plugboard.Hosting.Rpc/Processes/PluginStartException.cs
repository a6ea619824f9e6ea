namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>A process plugin did not complete its handshake; the message says why and quotes its last stderr lines.</summary>
public sealed class PluginStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginStartException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
