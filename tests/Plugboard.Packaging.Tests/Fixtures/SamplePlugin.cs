namespace Plugboard.Packaging.Tests.Fixtures;

/// <summary>Writes a small but realistic plugin folder: manifest, an assembly-sized binary, nested files, an executable script.</summary>
public static class SamplePlugin
{
    public const string Id = "custom-hello";
    public const string Version = "1.2.0";

    public static readonly string Manifest = $"""
        id: {Id}
        version: {Version}
        runtime: assembly
        entry: lib/Hello.dll
        contracts: [usersync.datasource@^1.0]
        displayName:
          en: Hello
        """;

    /// <summary>The files of the plugin, relative path to content, in the order <see cref="Write"/> creates them by default.</summary>
    public static IReadOnlyList<(string Path, byte[] Content)> Files { get; } =
    [
        ("plugin.yaml", System.Text.Encoding.UTF8.GetBytes(Manifest)),
        ("lib/Hello.dll", PseudoRandomBytes(seed: 1, length: 200_000)),
        ("lib/Hello.deps.json", System.Text.Encoding.UTF8.GetBytes("{ \"runtimeTarget\": { \"name\": \".NETCoreApp,Version=v10.0\" } }\n")),
        ("README.md", System.Text.Encoding.UTF8.GetBytes("# Hello\n\nSays hello.\n")),
        ("assets/images/logo.png", PseudoRandomBytes(seed: 2, length: 3_000)),
        ("empty.txt", []),
        ("bin/tool.sh", System.Text.Encoding.UTF8.GetBytes("#!/bin/sh\necho hello\n")),
    ];

    /// <summary>Writes the plugin into <paramref name="folder"/>; <paramref name="reverse"/> creates the files in the opposite order.</summary>
    public static string Write(string folder, bool reverse = false, DateTime? modified = null)
    {
        Directory.CreateDirectory(folder);
        var files = reverse ? Files.Reverse() : Files;
        foreach (var (path, content) in files)
        {
            var full = System.IO.Path.Combine(folder, path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
            if (modified is { } time)
            {
                File.SetLastWriteTimeUtc(full, time);
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(System.IO.Path.Combine(folder, "bin/tool.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    }

    public static byte[] PseudoRandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
