using System.Collections;
using System.Diagnostics;
using System.Text;

namespace Plugboard.Sources.Git;

/// <summary>
/// Runs the <c>git</c> program with an argument list (never a shell) in an environment of its own: no
/// user or system configuration, no prompts, only the allowed protocols, and credentials and the CA
/// bundle passed as configuration through environment variables so they never appear in argv or logs.
/// </summary>
internal sealed class GitCommand
{
    private readonly Dictionary<string, string> _environment;
    private readonly string? _secret;

    public GitCommand(string sourceName, IReadOnlyList<KeyValuePair<string, string>> configuration, string allowedProtocols, string? secret, TimeSpan timeout)
    {
        SourceName = sourceName;
        _secret = secret;
        Timeout = timeout;
        _environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            // Inherited GIT_* variables (GIT_DIR, GIT_SSL_NO_VERIFY, GIT_CONFIG_*, …) would change what git does.
            if (!name.StartsWith("GIT_", StringComparison.Ordinal))
            {
                _environment[name] = (string?)variable.Value ?? string.Empty;
            }
        }

        _environment["GIT_TERMINAL_PROMPT"] = "0";
        _environment["GIT_CONFIG_NOSYSTEM"] = "1";
        _environment["GIT_CONFIG_GLOBAL"] = OperatingSystem.IsWindows() ? "NUL" : "/dev/null";
        _environment["GIT_ALLOW_PROTOCOL"] = allowedProtocols;
        _environment["GIT_PROTOCOL_FROM_USER"] = "0";
        _environment["GIT_ASKPASS"] = OperatingSystem.IsWindows() ? "echo" : "/bin/false";
        _environment["SSH_ASKPASS"] = OperatingSystem.IsWindows() ? "echo" : "/bin/false";
        _environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
        _environment["LC_ALL"] = "C";
        _environment["GIT_CONFIG_COUNT"] = configuration.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < configuration.Count; i++)
        {
            _environment[$"GIT_CONFIG_KEY_{i}"] = configuration[i].Key;
            _environment[$"GIT_CONFIG_VALUE_{i}"] = configuration[i].Value;
        }
    }

    public string SourceName { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Runs git and returns its standard output as text.</summary>
    public async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var output = new MemoryStream();
        var (exit, error) = await RunCoreAsync(arguments, output, cancellationToken).ConfigureAwait(false);
        if (exit != 0 && !allowFailure)
        {
            throw Failure(arguments, error);
        }

        return exit == 0 ? Encoding.UTF8.GetString(output.ToArray()) : string.Empty;
    }

    /// <summary>Runs git and returns whether it succeeded, discarding its output.</summary>
    public async Task<bool> SucceedsAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (exit, _) = await RunCoreAsync(arguments, Stream.Null, cancellationToken).ConfigureAwait(false);
        return exit == 0;
    }

    /// <summary>Runs git feeding its standard input with <paramref name="writeInput"/> and letting <paramref name="readOutput"/> consume its standard output.</summary>
    public async Task RunStreamingAsync(IEnumerable<string> arguments, Func<Stream, CancellationToken, Task> writeInput, Func<Stream, CancellationToken, Task> readOutput, CancellationToken cancellationToken)
    {
        using var process = Start(arguments, redirectInput: true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        await using var kill = timeout.Token.Register(() => TryKill(process));
        var errorTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var inputTask = Task.Run(async () =>
        {
            try
            {
                await writeInput(process.StandardInput.BaseStream, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                process.StandardInput.Close();
            }
        }, CancellationToken.None);
        Exception? readFailure = null;
        try
        {
            await readOutput(process.StandardOutput.BaseStream, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            readFailure = ex;
            TryKill(process);
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        var error = await errorTask.ConfigureAwait(false);
        try
        {
            await inputTask.ConfigureAwait(false);
        }
        catch (IOException) when (readFailure is not null || process.ExitCode != 0)
        {
            // git stopped reading because it failed; its own error says why.
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (readFailure is not null)
        {
            throw readFailure;
        }

        if (process.ExitCode != 0)
        {
            throw Failure(arguments, error);
        }
    }

    private async Task<(int Exit, string Error)> RunCoreAsync(IEnumerable<string> arguments, Stream output, CancellationToken cancellationToken)
    {
        using var process = Start(arguments, redirectInput: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        await using var kill = timeout.Token.Register(() => TryKill(process));
        var errorTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.StandardOutput.BaseStream.CopyToAsync(output, CancellationToken.None).ConfigureAwait(false);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        var error = await errorTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (timeout.IsCancellationRequested)
        {
            throw new SourceException(SourceName, $"Source '{SourceName}': git {FirstArgument(arguments)} did not finish within {Timeout}; raise the source's Timeout or check the network.");
        }

        return (process.ExitCode, error);
    }

    private Process Start(IEnumerable<string> arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        try
        {
            return Process.Start(start) ?? throw new SourceException(SourceName, $"Source '{SourceName}': the git program could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SourceException(SourceName, $"Source '{SourceName}': the git program could not be started ({ex.Message}). Install git and put it on PATH.", ex);
        }
    }

    private SourceException Failure(IEnumerable<string> arguments, string error)
    {
        var text = Redact(error.Trim());
        var lines = text.Split('\n');
        if (lines.Length > 12)
        {
            text = string.Join('\n', lines[^12..]);
        }

        return new SourceException(SourceName, $"Source '{SourceName}': git {FirstArgument(arguments)} failed: {text}");
    }

    /// <summary>Removes the token from text git printed, in case a server echoes it.</summary>
    public string Redact(string text) => string.IsNullOrEmpty(_secret) ? text : text.Replace(_secret, "***", StringComparison.Ordinal);

    private static string FirstArgument(IEnumerable<string> arguments)
        => arguments.SkipWhile(a => a.StartsWith('-') || a.Contains('/') || a.Contains('=')).FirstOrDefault() ?? "command";

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
