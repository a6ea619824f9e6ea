namespace Plugboard.Manifests.Text;

/// <summary>
/// Finds the known name a misspelt one was most likely meant to be, for "did you mean" hints: manifest
/// fields and schema keywords here, command and source names in the CLI.
/// </summary>
public static class NameSuggestion
{
    /// <summary>
    /// The candidate closest to <paramref name="name"/>, ignoring case, by optimal string alignment
    /// distance (insertions, deletions, substitutions and swaps of neighbours each cost one edit), when it
    /// is within a third of the name's length, at least one and at most three edits
    /// (<c>verison</c> → <c>version</c>, <c>snyc</c> → <c>sync</c>, but not <c>id</c> → <c>tags</c>).
    /// Of equally close candidates, the first one given wins.
    /// </summary>
    /// <param name="name">The name as typed.</param>
    /// <param name="candidates">The names that exist.</param>
    /// <returns>The closest candidate, spelt as given, or null when none is close enough.</returns>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        var lowered = name.ToLowerInvariant();
        foreach (var candidate in candidates)
        {
            var distance = Distance(lowered, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // A third of the name, at least one and at most three edits: "verison" → "version", not "id" → "tags".
        var allowed = Math.Clamp(name.Length / 3, 1, 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>"; did you mean 'x'?" or an empty string, the form manifest and schema errors use.</summary>
    internal static string DidYouMean(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } match ? $"; did you mean '{match}'?" : string.Empty;

    // Optimal string alignment distance: Levenshtein plus swapped neighbours, the commonest typo.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
