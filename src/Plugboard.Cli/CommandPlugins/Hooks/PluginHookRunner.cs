using System.ComponentModel;
using System.Diagnostics;
using Plugboard.Cli.Console;
using Plugboard.Manifests;

namespace Plugboard.Cli.CommandPlugins.Hooks;

/// <summary>The moment a hook runs at.</summary>
internal enum PluginHookKind
{
    Install,
    Update,
    Uninstall,
}

/// <summary>
/// Runs a command plugin's hooks (<see cref="PluginHooks"/>): the program is a file of the plugin, started
/// without a shell in the folder it is in at that moment (the staged folder for install and update, so a failure
/// leaves nothing installed or changed), with the <c>PLUGBOARD_*</c> variables a command plugin gets plus
/// <c>PLUGBOARD_HOOK</c>, and stopped when it runs past the manifest's timeout. Its output goes to stderr.
/// </summary>
internal sealed class PluginHookRunner(CliEnvironment environment, TextWriter output, TimeProvider time)
{
    /// <summary>Runs the hook of <paramref name="kind"/> of the plugin in <paramref name="folder"/>, when it declares one.</summary>
    /// <param name="kind">Which hook.</param>
    /// <param name="plugin">The plugin, as read from <paramref name="folder"/>.</param>
    /// <param name="folder">Where the plugin's files are now.</param>
    /// <param name="finalFolder">Where they will be (or were) installed: <c>PLUGBOARD_PLUGIN_DIR</c>.</param>
    /// <param name="previousVersion">The installed version an update replaces.</param>
    /// <param name="cancellationToken">Stops the hook (and counts it as failed).</param>
    /// <exception cref="CliException">The hook failed, could not start, or ran past its timeout.</exception>
    public async Task RunAsync(PluginHookKind kind, CommandPlugin plugin, string folder, string finalFolder, string? previousVersion, CancellationToken cancellationToken)
    {
        var hooks = plugin.Manifest?.Hooks;
        var command = kind switch
        {
            PluginHookKind.Install => hooks?.Install,
            PluginHookKind.Update => hooks?.Update,
            _ => hooks?.Uninstall,
        };
        if (hooks is null || command is null)
        {
            return;
        }

        var name = kind.ToString().ToLowerInvariant();
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var program = Path.GetFullPath(Path.Combine(folder, parts[0]));
        if (!program.StartsWith(root, StringComparison.Ordinal) || !File.Exists(program))
        {
            throw new CliException($"The {name} hook of command plugin '{plugin.Name}' names '{parts[0]}', which is not a file of the plugin. Nothing was changed.");
        }

        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in parts[1..])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (variable, value) in environment.Variables)
        {
            start.Environment[variable] = value;
        }

        foreach (var (variable, value) in CommandPluginRunner.Variables(plugin, environment))
        {
            start.Environment[variable] = value;
        }

        start.Environment["PLUGBOARD_PLUGIN_DIR"] = finalFolder;
        start.Environment["PLUGBOARD_HOOK"] = name;
        start.Environment["PLUGBOARD_HOOK_DIR"] = folder;
        start.Environment["PLUGBOARD_PLUGIN_VERSION"] = plugin.Version ?? string.Empty;
        if (previousVersion is not null)
        {
            start.Environment["PLUGBOARD_PREVIOUS_VERSION"] = previousVersion;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new CliException($"The {name} hook of command plugin '{plugin.Name}' ('{parts[0]}') could not be started: {ex.Message}. It must be executable (chmod +x before packing) with a valid #! line. Nothing was changed.", ExitCodes.Failure, ex);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(hooks.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var gate = new SemaphoreSlim(1, 1);
        var copies = Task.WhenAll(CopyAsync(process.StandardOutput, output, gate), CopyAsync(process.StandardError, output, gate));
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new CliException($"The {name} hook of command plugin '{plugin.Name}' did not finish within {hooks.Timeout.TotalSeconds:0} s (hooks.timeoutSeconds) and was stopped. Nothing was changed.");
        }
        finally
        {
            await copies.ConfigureAwait(false);
        }

        if (process.ExitCode != 0)
        {
            throw new CliException($"The {name} hook of command plugin '{plugin.Name}' ('{command}') failed with exit code {process.ExitCode}; its output is above. Nothing was changed.");
        }
    }

    // The hook's stdout and stderr both go to plugboard's stderr, a line at a time.
    private static async Task CopyAsync(StreamReader from, TextWriter to, SemaphoreSlim gate)
    {
        string? line;
        while ((line = await from.ReadLineAsync().ConfigureAwait(false)) is not null)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await to.WriteLineAsync(TerminalText.Escape(line)).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
