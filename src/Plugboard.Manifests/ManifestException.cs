namespace Plugboard.Manifests;

/// <summary>Thrown when a manifest cannot be read; carries every error found.</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the exception; its message lists every error, one per line.</summary>
    public ManifestException(IReadOnlyList<ManifestError> errors)
        : base(Summarize(errors)) => Errors = errors;

    /// <summary>Every error found.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }

    private static string Summarize(IReadOnlyList<ManifestError> errors)
    {
        var name = errors.Count > 0 ? System.IO.Path.GetFileName(errors[0].File) : PluginManifest.FileName;
        var count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
        return $"{name} is invalid ({count}):{string.Concat(errors.Select(e => $"\n  {e}"))}";
    }
}
