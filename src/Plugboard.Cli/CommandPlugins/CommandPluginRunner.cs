using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Plugboard.Cli.Configuration;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>
/// Runs a command plugin the way kubectl and helm do: the executable is started directly (no shell) with the
/// user's remaining arguments passed verbatim, the <c>PLUGBOARD_*</c> variables set, and its exit code returned.
/// </summary>
internal static class CommandPluginRunner
{
    public static async Task<int> RunAsync(CommandPlugin plugin, IReadOnlyList<string> arguments, CliContext context, CancellationToken cancellationToken)
    {
        if (plugin.Problem is not null || plugin.Executable is null)
        {
            throw new CliException($"Command plugin '{plugin.Name}' in '{plugin.Directory}' cannot run: {plugin.Problem} Fix it, or remove it with 'plugboard plugin uninstall {plugin.Name}'.");
        }

        var console = context.Console;
        var start = new ProcessStartInfo(plugin.Executable)
        {
            UseShellExecute = false,
            WorkingDirectory = context.Environment.WorkingDirectory,
            RedirectStandardOutput = !console.InheritsStandardStreams,
            RedirectStandardError = !console.InheritsStandardStreams,
        };
        foreach (var argument in plugin.FixedArguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in context.Environment.Variables)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in Variables(plugin, context.Environment))
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new CliException($"Command plugin '{plugin.Name}' ('{plugin.Executable}') could not be started: {ex.Message}. Check that it is executable (chmod +x) and that its interpreter line (#!) names an installed program.", ExitCodes.Failure, ex);
        }

        // Ctrl+C reaches the plugin too (same terminal process group); plugboard waits for it and returns its exit code.
        using var interrupt = console.InheritsStandardStreams && !OperatingSystem.IsWindows()
            ? PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => signal.Cancel = true)
            : null;
        var copies = console.InheritsStandardStreams
            ? Task.CompletedTask
            : Task.WhenAll(CopyAsync(process.StandardOutput, console.Out), CopyAsync(process.StandardError, console.Error));
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await copies.ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>The variables a command plugin gets, so it can find what plugboard uses without parsing its configuration.</summary>
    public static Dictionary<string, string> Variables(CommandPlugin plugin, CliEnvironment environment)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PLUGBOARD_VERSION"] = PlugboardVersion.Current,
            [CliEnvironment.HomeVariable] = environment.PlugboardHome,
            ["PLUGBOARD_PLUGINS_DIR"] = environment.PluginsDirectory,
            ["PLUGBOARD_PLUGIN_NAME"] = plugin.Name,
        };
        if (plugin.Directory is not null)
        {
            variables["PLUGBOARD_PLUGIN_DIR"] = plugin.Directory;
        }

        // The configuration is optional for a plugin: pass what can be found, and say nothing when there is none.
        try
        {
            if (CliConfiguration.FindFile(null, environment) is { } file)
            {
                variables[CliConfiguration.ConfigVariable] = file;
            }

            var configuration = CliConfiguration.Load(null, environment);
            if (!string.IsNullOrWhiteSpace(configuration.Sources.CacheDirectory))
            {
                variables["PLUGBOARD_CACHE_DIR"] = configuration.Sources.CacheDirectory;
            }
        }
        catch (CliException)
        {
        }

        return variables;
    }

    private static async Task CopyAsync(StreamReader from, TextWriter to)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
        }

        await to.FlushAsync().ConfigureAwait(false);
    }
}
