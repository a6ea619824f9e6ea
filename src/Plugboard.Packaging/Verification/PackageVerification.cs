using Plugboard.Manifests;

namespace Plugboard.Packaging;

/// <summary>The outcome of <see cref="PackageVerifier.VerifyAsync"/>.</summary>
public sealed record PackageVerification
{
    /// <summary>The package file verified (full path).</summary>
    public required string PackagePath { get; init; }

    /// <summary>The digest of the package bytes.</summary>
    public required PackageDigest Digest { get; init; }

    /// <summary>The content list, when it could be read.</summary>
    public PackageContents? Contents { get; init; }

    /// <summary>The parsed manifest, when it is valid.</summary>
    public PluginManifest? Manifest { get; init; }

    /// <summary>What was found about the signature.</summary>
    public SignatureStatus Signature { get; init; }

    /// <summary>The key id named by the signature file, when there is one.</summary>
    public string? SignatureKeyId { get; init; }

    /// <summary>Every problem found; empty when the package passed.</summary>
    public IReadOnlyList<PackageProblem> Problems { get; init; } = [];

    /// <summary>Whether the package passed every check.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>Throws when the package failed verification.</summary>
    /// <exception cref="PackageException">Of the first problem's kind, with every problem in the message.</exception>
    public void ThrowIfInvalid()
    {
        if (IsValid)
        {
            return;
        }

        var message = Problems.Count == 1
            ? Problems[0].Message
            : $"Package '{PackagePath}' failed verification:{Environment.NewLine}{string.Join(Environment.NewLine, Problems.Select(p => "  - " + p.Message))}";
        throw new PackageException(Problems[0].Kind, message, PackagePath, Problems[0].EntryPath);
    }
}
