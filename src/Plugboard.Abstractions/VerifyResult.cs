namespace Plugboard;

/// <summary>The answer of <see cref="IPlugin.VerifyAsync"/>: ready, or not ready with a reason.</summary>
public sealed record VerifyResult
{
    private VerifyResult(bool isReady, string? reason)
    {
        IsReady = isReady;
        Reason = reason;
    }

    /// <summary>Whether the plugin can do its work.</summary>
    public bool IsReady { get; }

    /// <summary>Why the plugin is not ready, in words an operator can act on; null when ready.</summary>
    public string? Reason { get; }

    /// <summary>The plugin is ready.</summary>
    public static VerifyResult Ready() => new(true, null);

    /// <summary>The plugin is not ready, for the given reason.</summary>
    /// <param name="reason">What is wrong and what to do, e.g. "LDAP bind failed: invalid credentials for cn=sync".</param>
    public static VerifyResult NotReady(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(false, reason);
    }

    /// <inheritdoc />
    public override string ToString() => IsReady ? "ready" : $"not ready: {Reason}";
}
