using System.Collections.ObjectModel;
using System.Globalization;

namespace Plugboard.Manifests;

/// <summary>A text in several languages, keyed by culture name (<c>en</c>, <c>zh-CN</c>).</summary>
public sealed class LocalizedText
{
    /// <summary>No text in any language.</summary>
    public static LocalizedText Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>Creates a localized text.</summary>
    /// <param name="values">Text per culture name; compared case-insensitively.</param>
    public LocalizedText(IDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Text per culture name.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>
    /// The text for a culture, falling back to its parent (<c>zh</c> for <c>zh-CN</c>), then <c>en</c>,
    /// then any; null when there is none.
    /// </summary>
    /// <param name="culture">The wanted culture; the current UI culture when null.</param>
    public string? Get(CultureInfo? culture = null)
    {
        for (var c = culture ?? CultureInfo.CurrentUICulture; !string.IsNullOrEmpty(c.Name); c = c.Parent)
        {
            if (Values.TryGetValue(c.Name, out var text))
            {
                return text;
            }
        }

        if (Values.TryGetValue("en", out var english))
        {
            return english;
        }

        return Values.Values.FirstOrDefault();
    }

    /// <inheritdoc />
    public override string ToString() => Get(CultureInfo.InvariantCulture) ?? string.Empty;
}
