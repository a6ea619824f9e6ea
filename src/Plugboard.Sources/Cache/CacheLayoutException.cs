namespace Plugboard.Sources.Cache;

/// <summary>
/// The cache folder holds a symbolic link (or another non-folder) where a folder belongs. Plugboard never follows links
/// inside its cache, since one planted there would let a sync write, extract or delete outside it; the message names the
/// link and what to do.
/// </summary>
public sealed class CacheLayoutException(string message) : IOException(message);
