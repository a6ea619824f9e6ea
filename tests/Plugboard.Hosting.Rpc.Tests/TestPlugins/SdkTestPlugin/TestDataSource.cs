using System.Runtime.CompilerServices;
using Plugboard;
using UserSync;

namespace SdkTestPlugin;

public sealed record TestMode(string Name);

public sealed class TestDataSource(TestMode mode) : IPlugin, IDataSource
{
    private string _configuration = "{}";

    public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken)
    {
        _configuration = context.Configuration.ToJsonString();
        return new(PluginMetadata.Empty
            .With("pid", Environment.ProcessId)
            .With("mode", mode.Name)
            .With("configuration", _configuration));
    }

    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(mode.Name == "not-ready" ? VerifyResult.NotReady("the test plugin was told not to be ready") : VerifyResult.Ready());

    public ValueTask DisposeAsync() => default;

    public async IAsyncEnumerable<Department> GetDepartmentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new Department("t-root", "Test root", null);
        yield return new Department("t-child", "Test child", "t-root");
    }

    public async IAsyncEnumerable<User> GetUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (mode.Name == "big")
        {
            yield return new User("t-big", "big", new string('x', 5 * 1024 * 1024), null, null);
            yield break;
        }

        if (mode.Name == "crash")
        {
            // Dies in the middle of a contract method, as a plugin with a fatal bug does.
            await Console.Error.WriteLineAsync("ListUsers: fatal error in the test plugin");
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }

        for (var i = 1; i <= 5; i++)
        {
            yield return new User($"t-{i}", $"user{i}", $"User {i}", $"user{i}@example.test", "t-child");
        }
    }

    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (mode.Name == "hang")
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return new ConnectionTestResult(true, $"pid {Environment.ProcessId}; configuration {_configuration}");
    }
}
