namespace Plugboard.Manifests;

/// <summary>One problem in a manifest.</summary>
/// <param name="File">The manifest file.</param>
/// <param name="Line">1-based line, when known.</param>
/// <param name="Column">1-based column, when known.</param>
/// <param name="Path">The field path, e.g. <c>contracts[0].version</c>, when the problem is a value.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record ManifestError(string File, int? Line, int? Column, string? Path, string Message)
{
    /// <summary>The error as one line: <c>file:line:column path: message</c>.</summary>
    public override string ToString()
    {
        var location = Line is { } line ? $"{File}:{line}:{Column ?? 1}" : File;
        return Path is null ? $"{location}: {Message}" : $"{location} {Path}: {Message}";
    }
}
