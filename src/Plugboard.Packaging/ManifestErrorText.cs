using Plugboard.Manifests;

namespace Plugboard.Packaging;

/// <summary>Formats manifest errors one per line for the messages of <see cref="PackageException"/> and verification problems.</summary>
internal static class ManifestErrorText
{
    public static string Format(IEnumerable<ManifestError> errors) => string.Join(
        Environment.NewLine,
        errors.Select(e =>
        {
            var where = e.Line is { } line ? $"{e.File}:{line}{(e.Column is { } column ? $":{column}" : string.Empty)}" : e.File;
            var field = string.IsNullOrEmpty(e.Path) ? string.Empty : $" {e.Path}:";
            return $"  - {where}:{field} {e.Message}";
        }));
}
