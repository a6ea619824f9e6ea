using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Plugboard.Managed.Tests;

/// <summary>
/// Managed mode end to end with real processes: a center (<c>Plugboard.Server</c>) and two UserSync hosts started with
/// <c>--center</c>, each an OS process with its own state folder; the sample assembly plugin (custom-ldif) and the
/// sample C# process plugin (custom-csv-process) installed for their scope, packed and pushed as a publisher would.
/// The test calls the hosts over their HTTP API, as a user of the host would.
/// </summary>
public sealed class EndToEndTests
{
    private static string SampleLdif => Path.Combine(EndToEndPaths.UserSyncDataDirectory, "directory.ldif");

    [Fact]
    public async Task Two_host_processes_run_both_plugins_re_init_on_a_config_change_upgrade_under_calls_and_unload_on_uninstall()
    {
        await using var scenario = await ManagedScenario.StartAsync(hosts: 2);
        await scenario.PushLdifAsync("1.0.0");
        await scenario.PushProcessAsync("1.0.0");
        var ldif = await scenario.InstallAsync(ManagedScenario.Ldif, "1.0.0", new { path = SampleLdif });
        var process = await scenario.InstallAsync(ManagedScenario.Process, "1.0.0", new { });

        // Both hosts run both plugins and serve calls through them.
        scenario.Step("waiting for both plugins on both hosts");
        await scenario.OnEveryHostAsync(async h => await h.RunsAsync(ManagedScenario.Ldif, "1.0.0") && await h.RunsAsync(ManagedScenario.Process, "1.0.0"), "custom-ldif and custom-csv-process 1.0.0 Active");
        await scenario.WaitActiveOnAllHostsAsync(ldif, 1);
        var first = await scenario.WaitActiveOnAllHostsAsync(process, 1);
        var firstPids = Pids(first);
        Assert.Equal(2, firstPids.Distinct().Count()); // one plugin process per host
        foreach (var host in scenario.Hosts)
        {
            AssertImportedFromAll(await host.SyncAsync(), host);
            Assert.Equal((true, $"{SampleLdif} is readable"), await host.TestAsync(ManagedScenario.Ldif));
        }

        // A configuration change: both hosts initialize the plugins again with it (a new plugin process, a new path).
        var otherLdif = Path.Combine(scenario.WorkDirectory, "other.ldif");
        File.Copy(SampleLdif, otherLdif);
        var otherUsers = Path.Combine(scenario.WorkDirectory, "other-users.csv");
        File.Copy(Path.Combine(EndToEndPaths.UserSyncDataDirectory, "users.csv"), otherUsers);
        await scenario.PatchAsync(ldif, new { config = new { path = otherLdif } });
        await scenario.PatchAsync(process, new { config = new { usersFile = otherUsers } });
        await scenario.WaitActiveOnAllHostsAsync(ldif, 2);
        var second = await scenario.WaitActiveOnAllHostsAsync(process, 2);
        Assert.Empty(Pids(second).Intersect(firstPids)); // Init ran again, in new plugin processes
        foreach (var host in scenario.Hosts)
        {
            Assert.Equal((true, $"{otherLdif} is readable"), await host.TestAsync(ManagedScenario.Ldif));
            Assert.Contains(otherUsers, (await host.TestAsync(ManagedScenario.Process))!.Value.Message, StringComparison.Ordinal);
            AssertImportedFromAll(await host.SyncAsync(), host);
        }

        // An upgrade of both plugins while every host answers calls through them without pause: no call fails.
        await scenario.PushLdifAsync("1.1.0");
        await scenario.PushProcessAsync("1.1.0");
        var failures = new List<string>();
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var callers = scenario.Hosts.SelectMany(host => new Func<Task<string?>>[]
        {
            async () => await host.TestAsync(ManagedScenario.Ldif) is (true, _) ? null : $"{host.Name}: custom-ldif's test failed",
            async () => await host.TestAsync(ManagedScenario.Process) is (true, _) ? null : $"{host.Name}: custom-csv-process's test failed",
            async () => await host.SyncAsync() is { } sync && (int)sync["plugins"]! == 3 && sync["failed"]!.AsArray().Count == 0 ? null : $"{host.Name}: an import failed",
        }).Select(call => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                string? failure;
                try
                {
                    failure = await call();
                }
                catch (Exception ex)
                {
                    failure = ex.Message;
                }

                Interlocked.Increment(ref calls);
                if (failure is not null)
                {
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }
        })).ToList();

        scenario.Step("callers started");
        await scenario.PatchAsync(ldif, new { version = "1.1.0" });
        await scenario.PatchAsync(process, new { version = "1.1.0" });
        await scenario.OnEveryHostAsync(async h => await h.RunsAsync(ManagedScenario.Ldif, "1.1.0") && await h.RunsAsync(ManagedScenario.Process, "1.1.0"), "both plugins at 1.1.0");
        await scenario.WaitActiveOnAllHostsAsync(ldif, 3);
        var upgraded = await scenario.WaitActiveOnAllHostsAsync(process, 3);
        var callsDuringUpgrade = calls;
        await Eventually.HoldsAsync(() => calls > callsDuringUpgrade + 6, () => "the callers stopped calling", TimeSpan.FromMinutes(3)); // a few calls after the swap, too
        await stop.CancelAsync();
        await Task.WhenAll(callers);
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls failed during the upgrade: {string.Join("; ", failures.Distinct())}\n{scenario.Logs}");
        Assert.Equal("1.1.0", (string?)upgraded["version"]);

        // Uninstall: both hosts unload both plugins, and the plugin processes are gone.
        var lastPids = Pids(upgraded);
        await scenario.UninstallAsync(ldif);
        await scenario.UninstallAsync(process);
        await scenario.OnEveryHostAsync(async h => await h.TryPluginsAsync() is { } plugins && plugins.Keys.SequenceEqual(["local"]), "only the built-in 'local' left");
        await Eventually.HoldsAsync(async () => await scenario.InstallationAsync(ldif) is null && await scenario.InstallationAsync(process) is null, () => "the installations were never removed", TimeSpan.FromMinutes(3));
        await Eventually.HoldsAsync(() => lastPids.All(Exited), () => "a plugin process still runs after the uninstall", TimeSpan.FromMinutes(3));
        foreach (var host in scenario.Hosts)
        {
            Assert.Null(await host.TestAsync(ManagedScenario.Ldif));
            var sync = await host.SyncAsync();
            Assert.Equal(1, (int)sync["plugins"]!);
        }
    }

    [Fact]
    public async Task Hosts_serve_through_a_SIGKILLed_center_restart_from_local_state_without_it_and_reconcile_a_change_made_meanwhile()
    {
        await using var scenario = await ManagedScenario.StartAsync(hosts: 2);
        await scenario.PushLdifAsync("1.0.0");
        await scenario.PushProcessAsync("1.0.0");
        var ldif = await scenario.InstallAsync(ManagedScenario.Ldif, "1.0.0", new { path = SampleLdif });
        var process = await scenario.InstallAsync(ManagedScenario.Process, "1.0.0", new { });
        await scenario.WaitActiveOnAllHostsAsync(ldif, 1);
        await scenario.WaitActiveOnAllHostsAsync(process, 1);
        var (one, two) = (scenario.Hosts[0], scenario.Hosts[1]);

        // The center dies without any shutdown: both hosts keep serving what they run.
        scenario.Step("killing the center");
        await scenario.Center.KillAsync();
        foreach (var host in scenario.Hosts)
        {
            AssertImportedFromAll(await host.SyncAsync(), host);
        }

        // One host crashes and comes back while the center is still down: it starts from its local state alone.
        scenario.Step("restarting usersync-1");
        await one.KillAsync();
        await one.StartAsync();
        Assert.True(await one.RunsAsync(ManagedScenario.Ldif, "1.0.0") && await one.RunsAsync(ManagedScenario.Process, "1.0.0"), one.Log);
        Assert.Contains("starting from its saved state", one.Log, StringComparison.Ordinal);
        Assert.Equal((true, $"{SampleLdif} is readable"), await one.TestAsync(ManagedScenario.Ldif));
        AssertImportedFromAll(await one.SyncAsync(), one);
        Assert.False(scenario.Center.Running);

        // A change made while the hosts cannot reach the center: an operator starts the center on the same data folder
        // on another address the hosts do not know, reconfigures custom-ldif, and the center dies again. Only then does
        // it come back where the hosts look for it, so the change is certainly one they missed.
        var address = scenario.Center.Port;
        scenario.Step("center back on another address");
        await scenario.Center.StartAsync(FreePort.Next());
        var otherLdif = Path.Combine(scenario.WorkDirectory, "other.ldif");
        File.Copy(SampleLdif, otherLdif);
        await scenario.PatchAsync(ldif, new { config = new { path = otherLdif } });
        await scenario.Center.KillAsync();
        Assert.Equal((true, $"{SampleLdif} is readable"), await two.TestAsync(ManagedScenario.Ldif));

        scenario.Step("center back on its address");
        await scenario.Center.StartAsync(address);
        await scenario.OnEveryHostAsync(async h => await h.TestAsync(ManagedScenario.Ldif) == (true, $"{otherLdif} is readable"), "custom-ldif reads other.ldif");
        await scenario.WaitActiveOnAllHostsAsync(ldif, 2);
        await scenario.WaitActiveOnAllHostsAsync(process, 1);
        foreach (var host in scenario.Hosts)
        {
            AssertImportedFromAll(await host.SyncAsync(), host);
        }
    }

    // local (the host's built-in), custom-ldif and custom-csv-process, none failed.
    private static void AssertImportedFromAll(JsonObject sync, UserSyncHostProcess host)
    {
        Assert.True((int)sync["plugins"]! == 3 && sync["failed"]!.AsArray().Count == 0, $"{host.Name} imported {sync}\n{host.Log}");
    }

    private static int[] Pids(JsonObject installation) =>
        installation["hosts"]!.AsArray().Select(h => int.Parse(h!["metadata"]!["pid"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static bool Exited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
