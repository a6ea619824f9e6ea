namespace Plugboard.Server.Installations;

/// <summary>The phases an installation goes through.</summary>
public static class Phases
{
    /// <summary>Accepted, not yet looked at.</summary>
    public const string Pending = "Pending";

    /// <summary>A plugin it depends on is not Active.</summary>
    public const string WaitingForDependencies = "WaitingForDependencies";

    /// <summary>Being loaded or started.</summary>
    public const string Loading = "Loading";

    /// <summary>Init is running.</summary>
    public const string Initializing = "Initializing";

    /// <summary>Verify is running.</summary>
    public const string Verifying = "Verifying";

    /// <summary>Running and verified.</summary>
    public const string Active = "Active";

    /// <summary>Failed; retried with backoff.</summary>
    public const string Failed = "Failed";

    /// <summary>Uninstall asked; being released.</summary>
    public const string Uninstalling = "Uninstalling";

    /// <summary>Every phase, for metrics.</summary>
    public static IReadOnlyList<string> All { get; } = [Pending, WaitingForDependencies, Loading, Initializing, Verifying, Active, Failed, Uninstalling];
}
