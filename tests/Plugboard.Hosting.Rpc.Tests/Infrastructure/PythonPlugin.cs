using System.Diagnostics;

namespace Plugboard.Hosting.Rpc.Tests.Infrastructure;

/// <summary>
/// The Python sample plugin (samples/usersync/plugins/python-datasource): runs its build.sh once when the generated
/// stubs are missing or older than the .proto files, and finds the Python its launcher uses. It needs a Python 3 with
/// grpcio, grpcio-tools and protobuf (Debian: python3-grpcio python3-grpc-tools python3-protobuf).
/// </summary>
public static class PythonPlugin
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Directory { get; } = Path.Combine(TestPaths.RepositoryRoot, "samples", "usersync", "plugins", "python-datasource");

    public static string Generated { get; } = Path.Combine(Directory, "gen");

    public static async Task EnsureBuiltAsync()
    {
        await Gate.WaitAsync();
        try
        {
            var stub = Path.Combine(Generated, "plugboard", "v1", "plugin_pb2.py");
            var protos = new[] { "plugboard/v1/plugin.proto", "usersync/v1/datasource.proto", "grpc/health/v1/health.proto" }
                .Select(p => File.GetLastWriteTimeUtc(Path.Combine(TestPaths.RepositoryRoot, "proto", p)));
            if (File.Exists(stub) && File.Exists(Path.Combine(Generated, "health_pb2_grpc.py")) && protos.All(t => t <= File.GetLastWriteTimeUtc(stub))
                && File.Exists(Path.Combine(Directory, "examples", "datasource.protoset")))
            {
                return;
            }

            var (code, _, errors) = await RunAsync("/bin/sh", "build.sh");
            if (code != 0)
            {
                throw new InvalidOperationException(
                    $"build.sh of the Python sample failed ({code}): {errors}. The tests need a Python 3 with grpcio, grpcio-tools and protobuf " +
                    "(Debian: apt-get install python3-grpcio python3-grpc-tools python3-protobuf).");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The Python 3 that launch.sh runs the plugin with (the same search, from scripts/find-python.sh).</summary>
    public static async Task<string> FindInterpreterAsync()
    {
        var (code, output, errors) = await RunAsync("/bin/sh", "-c", "here=\"$1\"; . \"$here/scripts/find-python.sh\"; find_python grpc google.protobuf", "sh", Directory);
        return code == 0 ? output.Trim() : throw new InvalidOperationException($"no Python for the Python sample: {errors}");
    }

    /// <summary>Runs a program in the plugin folder, stdin closed, with extra environment variables; returns its exit code, stdout and stderr.</summary>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(IReadOnlyDictionary<string, string> environment, string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = Directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Started by hand unless the caller says otherwise: the test runner may itself run under a plugin host.
        info.Environment.Remove("PLUGBOARD_PLUGIN_MAGIC_COOKIE");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} in {Directory} did not finish within 2 minutes");
        }

        return (process.ExitCode, await output, await errors);
    }

    private static Task<(int Code, string Output, string Errors)> RunAsync(string program, params string[] arguments) =>
        RunAsync(new Dictionary<string, string>(), program, arguments);
}
