using System.Diagnostics;

namespace Plugboard.Cli.Tests.Infrastructure;

/// <summary>Runs the built <c>plugboard.dll</c> as its own process, as a user would: real exit codes, real stderr.</summary>
public static class PlugboardProcess
{
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "plugboard.dll");

    public static Task<CliResult> RunAsync(Sandbox sandbox, params string[] args) => RunWithInputAsync(sandbox, string.Empty, args);

    /// <summary>Runs with <paramref name="stdin"/> written to its standard input, which is then closed.</summary>
    public static async Task<CliResult> RunWithInputAsync(Sandbox sandbox, string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = sandbox.WorkingDirectory,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in sandbox.Variables)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
