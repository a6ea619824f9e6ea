namespace Plugboard.Packaging;

/// <summary>What the verifier found about a package's detached signature.</summary>
public enum SignatureStatus
{
    /// <summary>There is no <c>.sig</c> file next to the package.</summary>
    Missing,

    /// <summary>A signature exists but no trust store was given, so it was not checked.</summary>
    NotChecked,

    /// <summary>The signature is by a key that is not in the trust store.</summary>
    UnknownKey,

    /// <summary>The signature verifies with a trusted key and covers this package's digest.</summary>
    Valid,

    /// <summary>The signature file is malformed, names another algorithm, covers another digest, or does not verify.</summary>
    Invalid,
}
