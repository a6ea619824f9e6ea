namespace Plugboard.Cli.Tests.Infrastructure;

/// <summary>Shell command plugins with hooks, written into a sandbox.</summary>
public static class CommandPluginFolders
{
    /// <summary>
    /// The command plugin <c>tool</c>: prints "tool VERSION: ARGS"; its hooks append "HOOK VERSION" to
    /// <c>{sandbox}/hooks.log</c> and exit with the code given for that hook (0 by default).
    /// </summary>
    public static string Tool(Sandbox sandbox, string relativePath, string version, int installExit = 0, int updateExit = 0, int uninstallExit = 0, string? hookTimeout = null, string id = "tool")
    {
        var log = sandbox.PathOf("hooks.log");
        sandbox.WriteFile(Path.Combine(relativePath, "plugin.yaml"), $"""
            id: {id}
            version: {version}
            runtime: command
            entry: bin/tool
            description: A tool with hooks.
            hooks:
              install: hooks/hook install {installExit}
              update: hooks/hook update {updateExit}
              uninstall: hooks/hook uninstall {uninstallExit}
            {(hookTimeout is null ? string.Empty : "  timeoutSeconds: " + hookTimeout)}
            """);
        sandbox.WriteFile(Path.Combine(relativePath, "bin", "tool"), $"#!/bin/sh\necho \"{id} {version}: $*\"\n", executable: true);
        sandbox.WriteFile(Path.Combine(relativePath, "hooks", "hook"), $$"""
            #!/bin/sh
            echo "$1 {{version}} in $PLUGBOARD_HOOK_DIR for $PLUGBOARD_PLUGIN_DIR (previous: ${PLUGBOARD_PREVIOUS_VERSION:-none})" >> '{{log}}'
            [ "$1" = "install" ] && [ -n "$HOOK_SLEEP" ] && sleep "$HOOK_SLEEP"
            echo "hook $1 says hi"
            exit $2
            """.Replace("\r\n", "\n", StringComparison.Ordinal), executable: true);
        return sandbox.PathOf(relativePath);
    }
}
