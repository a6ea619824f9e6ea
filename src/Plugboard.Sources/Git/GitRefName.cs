namespace Plugboard.Sources.Git;

/// <summary>Validates refs the way <c>git check-ref-format</c> does, plus full commit ids (40 or 64 hex digits).</summary>
public static class GitRefName
{
    /// <summary>Whether <paramref name="reference"/> is a full commit id.</summary>
    public static bool IsCommitId(string reference)
        => reference.Length is 40 or 64 && reference.All(char.IsAsciiHexDigitLower);

    /// <summary>Why <paramref name="reference"/> is not a usable ref, or null when it is.</summary>
    public static string? Check(string reference)
    {
        if (IsCommitId(reference) || reference == "HEAD")
        {
            return null;
        }

        if (reference.Length == 0)
        {
            return "a ref cannot be empty";
        }

        if (reference.StartsWith('-'))
        {
            return "a ref cannot start with '-'";
        }

        if (reference == "@")
        {
            return "'@' is not a ref name";
        }

        foreach (var c in reference)
        {
            if (char.IsControl(c) || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\' or '\x7f')
            {
                return $"a ref cannot contain '{(char.IsControl(c) ? "\\x" + ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture) : c.ToString())}'";
            }
        }

        if (reference.Contains("..", StringComparison.Ordinal) || reference.Contains("@{", StringComparison.Ordinal) || reference.Contains("//", StringComparison.Ordinal))
        {
            return "a ref cannot contain '..', '@{' or '//'";
        }

        if (reference.StartsWith('/') || reference.EndsWith('/') || reference.EndsWith('.'))
        {
            return "a ref cannot start or end with '/' or end with '.'";
        }

        foreach (var part in reference.Split('/'))
        {
            if (part.StartsWith('.') || part.EndsWith(".lock", StringComparison.Ordinal))
            {
                return "no part of a ref may start with '.' or end with '.lock'";
            }
        }

        return null;
    }
}
