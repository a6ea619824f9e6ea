using System.Diagnostics.Metrics;
using Plugboard.Server.Installations;

namespace Plugboard.Server;

/// <summary>
/// The center's metrics (meter <c>Plugboard.Server</c>): syncs and their durations, packages imported, installations
/// per phase, transitions, lifecycle calls into plugins and their failures, health changes the runtimes report.
/// Exported with OpenTelemetry (Prometheus at <c>/metrics</c>) beside Plugboard.Hosting.Rpc's call durations and
/// ASP.NET Core's own HTTP meters.
/// </summary>
public sealed class CenterMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Plugboard.Server";

    private readonly Counter<long> _syncs;
    private readonly Histogram<double> _syncDuration;
    private readonly Counter<long> _packages;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _pluginCalls;
    private readonly Counter<long> _pluginCallFailures;
    private readonly Counter<long> _healthChanges;
    private IReadOnlyDictionary<string, int> _phases = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public CenterMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);

        // The meter factory owns and disposes the meters it creates.
#pragma warning disable CA2000
        var meter = meters.Create(MeterName);
#pragma warning restore CA2000
        _syncs = meter.CreateCounter<long>("plugboard.center.syncs", description: "Sync runs by source and outcome");
        _syncDuration = meter.CreateHistogram<double>("plugboard.center.sync.duration", unit: "s", description: "Sync run durations");
        _packages = meter.CreateCounter<long>("plugboard.center.packages.imported", description: "Package versions entering the catalog, by origin");
        _transitions = meter.CreateCounter<long>("plugboard.center.installation.transitions", description: "Installation phase transitions, by phase");
        _pluginCalls = meter.CreateCounter<long>("plugboard.center.plugin.calls", description: "Lifecycle calls into plugins");
        _pluginCallFailures = meter.CreateCounter<long>("plugboard.center.plugin.call.failures", description: "Lifecycle calls into plugins that threw");
        _healthChanges = meter.CreateCounter<long>("plugboard.center.plugin.health.changes", description: "Running plugins that stopped or resumed serving (a process restarted, an endpoint not answering)");
        meter.CreateObservableGauge("plugboard.center.installations", ObservePhases, unit: "{installation}", description: "Installations of the center's scope per phase, as the controller last saw them");
    }

    /// <summary>A sync run ended.</summary>
    public void Synced(string source, bool ok, TimeSpan duration)
    {
        _syncs.Add(1, new("source", source), new("outcome", ok ? "ok" : "failed"));
        _syncDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("source", source));
    }

    /// <summary>A package version entered the catalog.</summary>
    public void Imported(string origin) => _packages.Add(1, new KeyValuePair<string, object?>("origin", origin));

    /// <summary>An installation changed phase.</summary>
    public void Transitioned(string phase) => _transitions.Add(1, new KeyValuePair<string, object?>("phase", phase));

    /// <summary>A lifecycle call was made.</summary>
    public void PluginCalled(string pluginId, string operation) => _pluginCalls.Add(1, new("plugin", pluginId), new("operation", operation));

    /// <summary>A lifecycle call threw.</summary>
    public void PluginCallFailed(string pluginId, string operation) => _pluginCallFailures.Add(1, new("plugin", pluginId), new("operation", operation));

    /// <summary>A running plugin stopped (<paramref name="serving"/> false) or resumed serving.</summary>
    public void HealthChanged(string pluginId, bool serving) => _healthChanges.Add(1, new("plugin", pluginId), new("serving", serving));

    /// <summary>The controller counted the installations of its scope per phase.</summary>
    public void InstallationsCounted(IReadOnlyDictionary<string, int> phases) => Volatile.Write(ref _phases, phases);

    // Every phase is reported (0 when none is in it), so a series drops to zero instead of disappearing.
    private IEnumerable<Measurement<int>> ObservePhases()
    {
        var phases = Volatile.Read(ref _phases);
        return Phases.All.Select(p => new Measurement<int>(phases.GetValueOrDefault(p), new KeyValuePair<string, object?>("phase", p)));
    }
}
