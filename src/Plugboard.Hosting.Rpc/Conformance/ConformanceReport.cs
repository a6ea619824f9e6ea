namespace Plugboard.Hosting.Rpc.Conformance;

/// <summary>One named check of <see cref="PluginConformance"/>.</summary>
/// <param name="Name">What was checked, e.g. <c>handshake</c>.</param>
/// <param name="Passed">Whether the plugin passed it.</param>
/// <param name="Message">What was found; for a failure, what is wrong and what to do.</param>
public sealed record ConformanceCheck(string Name, bool Passed, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Name}: {Message}";
}

/// <summary>The outcome of <see cref="PluginConformance.RunAsync"/>: every check, in the order run.</summary>
/// <param name="PluginId">The plugin id from the manifest (the folder name when the manifest is unreadable).</param>
/// <param name="Directory">The plugin folder.</param>
/// <param name="Checks">The checks run.</param>
public sealed record ConformanceReport(string PluginId, string Directory, IReadOnlyList<ConformanceCheck> Checks)
{
    /// <summary>Whether every check passed.</summary>
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);

    /// <summary>The check named <paramref name="name"/>, or null when it did not run.</summary>
    public ConformanceCheck? this[string name] => Checks.FirstOrDefault(c => c.Name == name);

    /// <inheritdoc />
    public override string ToString() =>
        $"{PluginId}: {(Passed ? "conforms" : "does not conform")}{Environment.NewLine}{string.Join(Environment.NewLine, Checks.Select(c => "  " + c))}";
}
