using System.Diagnostics;

namespace Plugboard.Hosting.Rpc.Tests.Infrastructure;

/// <summary>A process a test started itself; disposing kills it with its children.</summary>
public sealed class ChildProcess(Process process) : IDisposable
{
    public Process Process { get; } = process;

    public int Id => Process.Id;

    public bool HasExited => Process.HasExited;

    public static ChildProcess Start(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new ChildProcess(Process.Start(info)!);
    }

    public void Dispose()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        Process.Dispose();
    }
}
