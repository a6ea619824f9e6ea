using System.Reflection;

namespace Plugboard.Cli;

/// <summary>
/// The version of this plugboard command (the assembly's informational version, without the source revision), the commit it
/// was built from, and how it was installed.
/// </summary>
internal static class PlugboardVersion
{
    /// <summary>The version alone, as <c>plugboard --version</c> prints it (e.g. <c>0.1.0</c>).</summary>
    public static string Current { get; } = ReadVersion();

    /// <summary>The commit this build comes from, when the build knew it (a build outside a git clone does not).</summary>
    public static string? Commit { get; } = typeof(PlugboardVersion).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SourceRevisionId")?.Value is { Length: > 0 } commit ? commit : null;

    /// <summary>How this command was built and installed: <c>single-file</c>, <c>tool</c> or <c>framework-dependent</c>.</summary>
    public static string Build { get; } = ReadBuild(AppContext.BaseDirectory);

    internal static string ReadBuild(string baseDirectory)
    {
        // A single-file bundle has no file behind its assemblies: the empty Location IL3000 warns about is the answer sought.
#pragma warning disable IL3000
        if (string.IsNullOrEmpty(typeof(PlugboardVersion).Assembly.Location))
#pragma warning restore IL3000
        {
            return "single-file";
        }

        // 'dotnet tool install' keeps the package's DotnetToolSettings.xml next to the command's assembly.
        return File.Exists(Path.Combine(baseDirectory, "DotnetToolSettings.xml")) ? "tool" : "framework-dependent";
    }

    private static string ReadVersion()
    {
        var version = typeof(PlugboardVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(PlugboardVersion).Assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
