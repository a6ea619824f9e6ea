using System.Collections;

namespace Plugboard.Cli.Tests.Infrastructure;

/// <summary>
/// A temporary world for one test: a working folder, a plugboard home (plugins, keys), a bin folder first on
/// PATH, and the environment variables the CLI sees. Deleted on dispose.
/// </summary>
public sealed class Sandbox : IDisposable
{
    public Sandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), $"plugboard-cli-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(WorkingDirectory);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(BinDirectory);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!name.StartsWith("PLUGBOARD", StringComparison.OrdinalIgnoreCase))
            {
                Variables[name] = (string?)entry.Value ?? string.Empty;
            }
        }

        Variables["PLUGBOARD_HOME"] = Home;
        Variables["PATH"] = BinDirectory + Path.PathSeparator + (Environment.GetEnvironmentVariable("PATH") ?? string.Empty);
    }

    public string Root { get; }

    public string WorkingDirectory => Path.Combine(Root, "work");

    public string Home => Path.Combine(Root, "home");

    public string PluginsDirectory => Path.Combine(Home, "plugins");

    /// <summary>A folder on PATH, for plugboard-NAME executables found the kubectl way.</summary>
    public string BinDirectory => Path.Combine(Root, "bin");

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public string WriteFile(string relativePath, string text, bool executable = false)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (executable && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
