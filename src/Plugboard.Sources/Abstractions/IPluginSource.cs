namespace Plugboard.Sources;

/// <summary>
/// A place packages come from. A source lists, per plugin set, what it offers now (cheaply, so an
/// unchanged source costs little) and fetches a package's bytes only when the sync asks for them.
/// Implement it (with an <see cref="IPluginSourceProvider"/>) to add a source type, as Plugboard.Sources.S3 does.
/// </summary>
public interface IPluginSource
{
    /// <summary>The source's unique name.</summary>
    string Name { get; }

    /// <summary>The plugin sets taken from this source.</summary>
    IReadOnlyList<PluginSet> Sets { get; }

    /// <summary>
    /// Brings the source up to date (e.g. fetches a git mirror, downloads an index unless unchanged) and
    /// lists every package candidate of every set.
    /// </summary>
    /// <param name="workDirectory">An empty folder for this sync only, deleted afterwards; candidates may stage files in it.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    /// <exception cref="SourceException">The source cannot be read; the message says what and what to do.</exception>
    Task<SourceListing> ListAsync(string workDirectory, CancellationToken cancellationToken);
}
