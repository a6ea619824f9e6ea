namespace Plugboard.Manifests;

/// <summary>
/// Programs a command plugin asks the <c>plugboard</c> command to run when it is installed, updated or
/// uninstalled (the <c>hooks</c> field). Each is a program inside the plugin folder, optionally followed by
/// arguments (<c>install: hooks/setup --quiet</c>), started without a shell in the plugin's folder.
/// </summary>
public sealed record PluginHooks
{
    /// <summary>How long a hook may run when the manifest does not say.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest <c>timeoutSeconds</c> a manifest may ask for.</summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromMinutes(30);

    /// <summary>Runs after the files are in place and before the plugin replaces nothing: a failure installs nothing.</summary>
    public string? Install { get; init; }

    /// <summary>The new version's hook, run before it replaces the installed one: a failure keeps the installed version.</summary>
    public string? Update { get; init; }

    /// <summary>Runs before the plugin is removed: a failure keeps it installed.</summary>
    public string? Uninstall { get; init; }

    /// <summary>How long each hook may run before it is stopped and counted as failed (<c>timeoutSeconds</c>).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}
