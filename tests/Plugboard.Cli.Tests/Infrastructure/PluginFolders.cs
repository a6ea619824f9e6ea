namespace Plugboard.Cli.Tests.Infrastructure;

/// <summary>Real plugin folders written into a sandbox.</summary>
public static class PluginFolders
{
    /// <summary>A process plugin folder with a manifest and one file.</summary>
    public static string Process(Sandbox sandbox, string relativePath, string id = "custom-hello", string version = "1.0.0", string payload = "hello")
    {
        sandbox.WriteFile(Path.Combine(relativePath, "plugin.yaml"), $"""
            id: {id}
            version: {version}
            runtime: process
            entry: bin/run.sh
            description: A test plugin.
            """);
        sandbox.WriteFile(Path.Combine(relativePath, "bin", "run.sh"), $"#!/bin/sh\necho {payload}\n", executable: true);
        return sandbox.PathOf(relativePath);
    }

    /// <summary>
    /// The command plugin <c>plugboard hello</c>: a shell script that prints each argument on its own line,
    /// then the PLUGBOARD_* variables it received, then exits with the code in $HELLO_EXIT (0 by default).
    /// </summary>
    public static string Hello(Sandbox sandbox, string relativePath, string version = "1.0.0", string greeting = "hello")
    {
        sandbox.WriteFile(Path.Combine(relativePath, "plugin.yaml"), $"""
            id: hello
            version: {version}
            runtime: command
            entry: plugboard-hello
            description: Echoes its arguments and environment.
            """);

        // Not marked executable here: the manifest's entry is made executable by packing.
        sandbox.WriteFile(Path.Combine(relativePath, "plugboard-hello"), $$"""
            #!/bin/sh
            echo "{{greeting}} from $PLUGBOARD_PLUGIN_NAME"
            for arg in "$@"; do echo "arg=[$arg]"; done
            env | grep '^PLUGBOARD_' | sort
            exit ${HELLO_EXIT:-0}
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        return sandbox.PathOf(relativePath);
    }
}
