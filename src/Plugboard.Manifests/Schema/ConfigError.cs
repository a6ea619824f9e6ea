namespace Plugboard.Manifests.Schema;

/// <summary>One configuration or schema error: a JSON path (<c>$.servers[1].port</c>) and what is wrong.</summary>
/// <param name="Path">Where the problem is.</param>
/// <param name="Message">What is wrong; never contains a secret value.</param>
public sealed record ConfigError(string Path, string Message)
{
    /// <summary><c>path: message</c>.</summary>
    public override string ToString() => $"{Path}: {Message}";
}
