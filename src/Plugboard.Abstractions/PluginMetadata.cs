using System.Collections.ObjectModel;

namespace Plugboard;

/// <summary>
/// What <see cref="IPlugin.InitAsync"/> returns: named values the host needs to know about a plugin
/// instance (capabilities, limits, versions of what it talks to). Values are JSON-compatible: strings,
/// numbers, booleans, null, lists and string-keyed dictionaries of those.
/// </summary>
public sealed class PluginMetadata
{
    /// <summary>No metadata.</summary>
    public static PluginMetadata Empty { get; } = new(new Dictionary<string, object?>());

    /// <summary>Creates metadata from the given values.</summary>
    /// <param name="values">The values; copied.</param>
    public PluginMetadata(IEnumerable<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(values, StringComparer.Ordinal));
    }

    /// <summary>The values by name.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    /// <summary>Returns a copy with one more (or a replaced) value.</summary>
    /// <param name="name">The value's name.</param>
    /// <param name="value">A JSON-compatible value.</param>
    public PluginMetadata With(string name, object? value)
    {
        var copy = new Dictionary<string, object?>(Values, StringComparer.Ordinal) { [name] = value };
        return new PluginMetadata(copy);
    }
}
