using NuGet.Versioning;

namespace Plugboard.Manifests.Versioning;

/// <summary>How a <see cref="VersionComparator"/> compares.</summary>
internal enum ComparatorOperator
{
    Equal,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

/// <summary>
/// One bound of a range, e.g. <c>&gt;=1.2.0</c>; ranges are ORs of ANDs of these. A class rather than a struct:
/// lists of it are read while a host starts, and generic collections of references need no compilation at run time.
/// </summary>
internal sealed record VersionComparator(ComparatorOperator Operator, NuGetVersion Version)
{
    /// <summary>Whether <paramref name="version"/> passes; build metadata is ignored.</summary>
    public bool IsSatisfiedBy(NuGetVersion version)
    {
        var order = VersionComparer.Default.Compare(version, Version);
        return Operator switch
        {
            ComparatorOperator.Equal => order == 0,
            ComparatorOperator.Greater => order > 0,
            ComparatorOperator.GreaterOrEqual => order >= 0,
            ComparatorOperator.Less => order < 0,
            _ => order <= 0,
        };
    }

    public override string ToString() => Operator switch
    {
        ComparatorOperator.Equal => "=",
        ComparatorOperator.Greater => ">",
        ComparatorOperator.GreaterOrEqual => ">=",
        ComparatorOperator.Less => "<",
        _ => "<=",
    } + Version.ToNormalizedString();
}
