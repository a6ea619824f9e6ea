using System.Collections.Concurrent;
using Plugboard.Sources.Sync;

namespace Plugboard.Server.Sources;

/// <summary>
/// The live state of the sync runs of this center that are still running: the stage, how many package candidates are
/// handled, what was fetched, and each package's catalog outcome as it is decided. A finished run leaves the board;
/// its record in the store says the rest.
/// </summary>
public sealed class SyncRunProgress
{
    private readonly ConcurrentDictionary<long, Live> _runs = new();

    /// <summary>One package's outcome so far.</summary>
    /// <param name="PluginId">The plugin id, or the package's place in the source while only fetched.</param>
    /// <param name="Version">The version, once known.</param>
    /// <param name="Outcome"><c>fetched</c> (verified, not in the catalog yet), then <c>added</c> | <c>unchanged</c> | <c>failed</c>.</param>
    /// <param name="Error">Why it failed.</param>
    public sealed record PackageProgress(string PluginId, string? Version, string Outcome, string? Error);

    /// <summary>A snapshot of a running sync.</summary>
    /// <param name="Stage"><c>waiting</c> (for another sync), <c>listing</c>, <c>fetching</c>, <c>committing</c>, <c>importing</c>.</param>
    /// <param name="Completed">Package candidates handled (fetching) or packages imported (importing).</param>
    /// <param name="Total">Package candidates of the source, or packages to import; 0 while unknown.</param>
    /// <param name="Packages">What happened to each package so far, in order.</param>
    public sealed record Snapshot(string Stage, int Completed, int Total, IReadOnlyList<PackageProgress> Packages);

    /// <summary>Starts following run <paramref name="runId"/>.</summary>
    public Live Begin(long runId) => _runs[runId] = new Live();

    /// <summary>Stops following run <paramref name="runId"/>.</summary>
    public void End(long runId) => _runs.TryRemove(runId, out _);

    /// <summary>Where run <paramref name="runId"/> is, or null when it is not running here.</summary>
    public Snapshot? Of(long runId) => _runs.TryGetValue(runId, out var live) ? live.Take() : null;

    /// <summary>The progress of one run; fed by the sync (<see cref="IProgress{T}"/>) and the catalog import.</summary>
    public sealed class Live : IProgress<SyncProgress>
    {
        private readonly Lock _gate = new();
        private readonly List<PackageProgress> _packages = [];
        private string _stage = "waiting";
        private int _completed;
        private int _total;

        /// <inheritdoc />
        public void Report(SyncProgress value)
        {
            lock (_gate)
            {
                _stage = value.Stage.ToString().ToLowerInvariant();
                _completed = Math.Max(value.Stage == SyncStage.Fetching ? _completed : 0, value.Completed);
                _total = value.Total;
                if (value.Stage == SyncStage.Fetching && value.Item is { } item)
                {
                    _packages.Add(new PackageProgress(item, null, "fetched", null));
                }
            }
        }

        /// <summary>The catalog import of <paramref name="total"/> packages begins.</summary>
        public void Importing(int total)
        {
            lock (_gate)
            {
                _stage = "importing";
                _completed = 0;
                _total = total;
                _packages.Clear();
            }
        }

        /// <summary>One package's catalog outcome.</summary>
        public void Imported(PackageProgress package)
        {
            lock (_gate)
            {
                _completed++;
                _packages.Add(package);
            }
        }

        internal Snapshot Take()
        {
            lock (_gate)
            {
                return new Snapshot(_stage, _completed, _total, [.. _packages]);
            }
        }
    }
}
