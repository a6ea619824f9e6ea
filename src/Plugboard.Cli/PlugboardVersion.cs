using System.Reflection;

namespace Plugboard.Cli;

/// <summary>The version of this plugboard command (the assembly's informational version, without the source revision).</summary>
internal static class PlugboardVersion
{
    public static string Current { get; } = Read();

    private static string Read()
    {
        var version = typeof(PlugboardVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(PlugboardVersion).Assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
