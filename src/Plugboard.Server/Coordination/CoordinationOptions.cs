namespace Plugboard.Server.Coordination;

/// <summary>How center replicas on one store share work (section <c>Plugboard:Coordination</c>).</summary>
public sealed class CoordinationOptions
{
    /// <summary>
    /// Whether work is shared by leases: null (default) means on with PostgreSQL (the store several replicas share)
    /// and off with SQLite (one center per file).
    /// </summary>
    public bool? Leases { get; set; }

    /// <summary>
    /// This replica's name in the leases it holds; default the host name and process id. Two replicas must never
    /// share one (on Kubernetes: the pod name).
    /// </summary>
    public string? ReplicaName { get; set; }

    /// <summary>How long a lease lasts unless renewed: how long a replica that died keeps its work from the others.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often held leases are renewed; at most a third of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a live event stream reads the store even without being woken: it is woken at once by this replica's
    /// saves and, on PostgreSQL, by the notifications of the others'; the read catches what a lost notification missed.
    /// Default 2 s.
    /// </summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
