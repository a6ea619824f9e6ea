using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting;

/// <summary>
/// One plugin as the host tracks it, from one origin (a folder, or a built-in registration): the version
/// serving calls now, its status and its history. A reload puts a new generation in place atomically.
/// </summary>
internal sealed class PluginEntry(string origin, bool isBuiltIn, TimeProvider timeProvider)
{
    private const int MaxEvents = 100;
    private readonly Lock _statusGate = new();
    private readonly List<PluginEvent> _events = [];
    private PluginGeneration? _current;
    private PluginPhase _phase = PluginPhase.Discovered;
    private string? _version;
    private VerifyResult? _verification;
    private PluginMetadata _metadata = PluginMetadata.Empty;
    private string? _error;
    private IReadOnlyList<PluginError> _errors = [];
    private PluginHealth _health = PluginHealth.Serving;
    private string? _healthError;
    private PluginHealthWatch? _healthWatch;

    /// <summary>Serializes loads, reloads and unloads of this plugin.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public string Origin { get; } = origin;

    public bool IsBuiltIn { get; } = isBuiltIn;

    /// <summary>The plugin id; the folder name until a manifest says otherwise.</summary>
    public string Id { get; set; } = Path.GetFileName(origin);

    public PluginRuntimeKind Runtime { get; set; } = PluginRuntimeKind.Assembly;

    public IReadOnlyList<ContractDescriptor> Contracts { get; set; } = [];

    /// <summary>For a folder: its fingerprint when the pipeline last read it, whatever came of it; a change is a different one.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>The generation serving calls, or null when none is active.</summary>
    public PluginGeneration? Current => Volatile.Read(ref _current);

    /// <summary>Counts a call in on the current generation; null when none is active.</summary>
    public PluginGeneration? Enter()
    {
        while (true)
        {
            var generation = Volatile.Read(ref _current);
            if (generation is null || generation.TryEnter())
            {
                return generation;
            }

            // Retired between the read and the count: a newer one is in place (or none); look again.
        }
    }

    /// <summary>Puts <paramref name="next"/> in place (null to deactivate); returns the generation it replaced.</summary>
    public PluginGeneration? Swap(PluginGeneration? next) => Interlocked.Exchange(ref _current, next);

    /// <summary>Puts in place the watch on the active generation's health (null: none); returns the one it replaced.</summary>
    public PluginHealthWatch? ReplaceHealthWatch(PluginHealthWatch? next) => Interlocked.Exchange(ref _healthWatch, next);

    /// <summary>Records a transition of the version being loaded.</summary>
    public void Record(PluginPhase phase, string? version, string? reason = null, PluginMetadata? metadata = null, VerifyResult? verification = null)
    {
        lock (_statusGate)
        {
            // While a version is active, a new one's progress shows in the events only: the status keeps
            // describing the version that serves.
            if (Current is null || phase is PluginPhase.Active or PluginPhase.Stopping or PluginPhase.Removed)
            {
                _phase = phase;
                _version = version;
                _metadata = metadata ?? (phase == PluginPhase.Active ? _metadata : PluginMetadata.Empty);
                _verification = verification ?? (phase == PluginPhase.Active ? _verification : null);
            }

            if (phase == PluginPhase.Active)
            {
                _error = null;
                _errors = [];
                _health = PluginHealth.Serving;
                _healthError = null;
            }

            AddEvent(new PluginEvent(timeProvider.GetUtcNow(), phase, version, reason));
        }
    }

    /// <summary>
    /// Records what the runtime reports about the health of <paramref name="generation"/>: not serving shows as
    /// <see cref="PluginPhase.Failed"/> with the reason in the error, serving again as <see cref="PluginPhase.Active"/>;
    /// the generation stays in place either way.
    /// </summary>
    /// <param name="generation">The generation the report is about.</param>
    /// <param name="health">The report.</param>
    /// <param name="message">What to tell: the error when not serving, how it came back when serving.</param>
    /// <returns>False when the report changes nothing or is stale (its generation is not the active one).</returns>
    public bool RecordHealth(PluginGeneration generation, PluginHealth health, out string? message)
    {
        lock (_statusGate)
        {
            message = null;
            if (!ReferenceEquals(Current, generation) || _health == health || (_health.IsServing && health.IsServing))
            {
                return false;
            }

            _health = health;
            if (health.IsServing)
            {
                // A reload that failed meanwhile keeps its error; the one this plugin's health put there goes.
                if (_error == _healthError)
                {
                    _error = null;
                    _errors = [];
                }

                _healthError = null;
                _phase = PluginPhase.Active;
                message = health.Reason ?? "serving again";
                AddEvent(new PluginEvent(timeProvider.GetUtcNow(), PluginPhase.Active, generation.Version, message));
            }
            else
            {
                message = $"{Id} {generation.Version} is not serving: {health.Reason}";
                _healthError = message;
                _error = message;
                _errors = [];
                _phase = PluginPhase.Failed;
                AddEvent(new PluginEvent(timeProvider.GetUtcNow(), PluginPhase.Failed, generation.Version, message));
            }

            _version = generation.Version;
            return true;
        }
    }

    /// <summary>Records a failure; when a version is active it stays so, and the failure is shown beside it.</summary>
    public void RecordFailure(string? version, string error, IReadOnlyList<PluginError>? errors = null, VerifyResult? verification = null, PluginPhase phase = PluginPhase.Failed)
    {
        lock (_statusGate)
        {
            if (Current is null)
            {
                _phase = phase;
                _version = version;
                _verification = verification;
            }

            _error = error;
            _errors = errors ?? [];
            AddEvent(new PluginEvent(timeProvider.GetUtcNow(), phase, version, error));
        }
    }

    public PluginStatus Snapshot()
    {
        lock (_statusGate)
        {
            return new PluginStatus
            {
                Id = Id,
                Version = _version,
                Phase = _phase,
                Verification = _verification,
                Metadata = _metadata,
                Error = _error,
                Errors = _errors,
                Origin = Origin,
                IsBuiltIn = IsBuiltIn,
                Runtime = Runtime,
                Contracts = Contracts.Select(c => c.Id).ToList(),
                Events = _events.ToList(),
            };
        }
    }

    private void AddEvent(PluginEvent pluginEvent)
    {
        _events.Add(pluginEvent);
        if (_events.Count > MaxEvents)
        {
            _events.RemoveAt(0);
        }
    }
}
