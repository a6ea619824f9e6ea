using Microsoft.Extensions.Logging;

namespace Plugboard.Sources.Sources;

/// <summary>What a source may use besides its options.</summary>
/// <param name="CacheDirectory">The cache folder (a git source keeps its mirrors in <c>{CacheDirectory}/git</c>).</param>
/// <param name="StateDirectory">A folder kept between syncs for this source only (e.g. an http index and its ETag).</param>
/// <param name="LoggerFactory">Where the source logs.</param>
public sealed record SourceContext(string CacheDirectory, string StateDirectory, ILoggerFactory LoggerFactory);
