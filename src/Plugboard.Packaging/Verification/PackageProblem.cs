namespace Plugboard.Packaging;

/// <summary>One reason a package failed verification.</summary>
/// <param name="Kind">What kind of failure.</param>
/// <param name="Message">What failed, for which package, entry or key, and what to do.</param>
/// <param name="EntryPath">The entry concerned, when there is one.</param>
public sealed record PackageProblem(PackageErrorKind Kind, string Message, string? EntryPath = null);
