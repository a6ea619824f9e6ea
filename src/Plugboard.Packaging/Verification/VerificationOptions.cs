namespace Plugboard.Packaging;

/// <summary>What <see cref="PackageVerifier"/> checks beyond the package's own consistency.</summary>
public sealed record VerificationOptions
{
    /// <summary>The defaults: no expected digest, signature checked only when a trust store is given and not required.</summary>
    public static VerificationOptions Default { get; } = new();

    /// <summary>The keys whose signatures are trusted; null checks no signature.</summary>
    public TrustStore? TrustStore { get; init; }

    /// <summary>Whether a valid signature by a trusted key is required.</summary>
    public bool RequireSignature { get; init; }

    /// <summary>The digest the package must have (from a lock file or a source index); null accepts any.</summary>
    public PackageDigest? ExpectedDigest { get; init; }

    /// <summary>The limits applied while reading the archive.</summary>
    public ExtractionLimits Limits { get; init; } = ExtractionLimits.Default;
}
