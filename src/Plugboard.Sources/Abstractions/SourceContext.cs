using Microsoft.Extensions.Logging;

namespace Plugboard.Sources;

/// <summary>What a source may use besides its options.</summary>
/// <param name="CacheDirectory">The cache folder (a git source keeps its mirrors in <c>{CacheDirectory}/git</c>).</param>
/// <param name="StateDirectory">A folder kept between syncs for this source only (e.g. an http index and its ETag).</param>
/// <param name="LoggerFactory">Where the source logs.</param>
public sealed record SourceContext(string CacheDirectory, string StateDirectory, ILoggerFactory LoggerFactory)
{
    /// <summary>What the source may still download in this sync; every downloaded chunk is charged to it. Unlimited outside a sync.</summary>
    public Transport.DownloadBudget Downloads { get; init; } = Transport.DownloadBudget.Unlimited("source");
}
