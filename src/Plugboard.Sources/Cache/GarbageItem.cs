namespace Plugboard.Sources.Cache;

/// <summary>One thing garbage collection removes (or, in a dry run, would remove).</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Location">The package digest (<c>sha256:…</c>) for <see cref="GarbageKind.Package"/>, else the full path of the file or folder.</param>
/// <param name="Bytes">The size of a package or file; 0 for folders, which are not measured.</param>
public sealed record GarbageItem(GarbageKind Kind, string Location, long Bytes);
