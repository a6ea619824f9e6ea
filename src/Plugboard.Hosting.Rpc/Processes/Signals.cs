using System.Runtime.InteropServices;

namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>POSIX signals, which .NET's Process cannot send except SIGKILL.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to stop (SIGTERM); false on Windows or when the process is gone.</summary>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
