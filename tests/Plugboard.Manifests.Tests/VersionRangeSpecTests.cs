using NuGet.Versioning;
using Plugboard.Manifests.Versioning;

namespace Plugboard.Manifests.Tests;

public sealed class VersionRangeSpecTests
{
    private static bool Satisfies(string range, string version) =>
        VersionRangeSpec.Parse(range).Satisfies(NuGetVersion.Parse(version));

    [Theory]
    [InlineData("^1.2.3", "1.2.3", true)]
    [InlineData("^1.2.3", "1.9.0", true)]
    [InlineData("^1.2.3", "1.2.2", false)]
    [InlineData("^1.2.3", "2.0.0", false)]
    [InlineData("^1.2.3", "2.0.0-beta", false)]
    [InlineData("^1.2", "1.2.0", true)]
    [InlineData("^1", "1.99.0", true)]
    [InlineData("^0.2.3", "0.2.9", true)]
    [InlineData("^0.2.3", "0.3.0", false)]
    [InlineData("^0.0.3", "0.0.3", true)]
    [InlineData("^0.0.3", "0.0.4", false)]
    [InlineData("^0.0", "0.0.9", true)]
    [InlineData("^0.0", "0.1.0", false)]
    [InlineData("^1.x", "1.5.0", true)]
    public void Caret_allows_changes_that_do_not_touch_the_leftmost_non_zero_part(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData("~1.2.3", "1.2.9", true)]
    [InlineData("~1.2.3", "1.3.0", false)]
    [InlineData("~1.2.3", "1.2.2", false)]
    [InlineData("~1.2", "1.2.0", true)]
    [InlineData("~1", "1.9.0", true)]
    [InlineData("~1", "2.0.0", false)]
    [InlineData("~>1.2", "1.2.5", true)]
    public void Tilde_allows_patch_changes(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData(">=1.0", "1.0.0", true)]
    [InlineData(">=1.0", "0.9.9", false)]
    [InlineData(">1.0.0", "1.0.0", false)]
    [InlineData(">1.0.0", "1.0.1", true)]
    [InlineData(">1.2", "1.2.9", false)]
    [InlineData(">1.2", "1.3.0", true)]
    [InlineData("<2.0.0", "1.9.9", true)]
    [InlineData("<2.0.0", "2.0.0", false)]
    [InlineData("<2.0", "2.0.0-beta", false)]
    [InlineData("<=2.0.0", "2.0.0", true)]
    [InlineData("<=2.0", "2.0.9", true)]
    [InlineData("<=2.0", "2.1.0", false)]
    [InlineData("=1.2.3", "1.2.3", true)]
    [InlineData("1.2.3", "1.2.3", true)]
    [InlineData("1.2.3", "1.2.4", false)]
    [InlineData("1.2.3", "1.2.3+build.5", true)]
    [InlineData(">= 1.0 < 2.0", "1.5.0", true)]
    public void Comparators_compare(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData(">=1.0 <2.0", "1.0.0", true)]
    [InlineData(">=1.0 <2.0", "1.9.9", true)]
    [InlineData(">=1.0 <2.0", "2.0.0", false)]
    [InlineData(">=1.0 <2.0", "0.9.0", false)]
    [InlineData(">1.0.0 <=1.0.0", "1.0.0", false)]
    public void Space_separated_comparators_must_all_hold(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData("^1.0 || ^3.0", "1.4.0", true)]
    [InlineData("^1.0 || ^3.0", "2.0.0", false)]
    [InlineData("^1.0 || ^3.0", "3.1.0", true)]
    [InlineData("<1.0 || >=2.0 <2.1 || [5.0]", "5.0.0", true)]
    public void Alternatives_need_only_one_to_hold(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData("*", "0.0.1", true)]
    [InlineData("x", "99.0.0", true)]
    [InlineData("1.x", "1.9.0", true)]
    [InlineData("1.x", "2.0.0", false)]
    [InlineData("1.2.*", "1.2.7", true)]
    [InlineData("1.2.*", "1.3.0", false)]
    [InlineData("1.2.X", "1.2.0", true)]
    [InlineData("1", "1.5.0", true)]
    [InlineData("1.2", "1.3.0", false)]
    public void Wildcards_cover_a_whole_line(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData("1.0 - 2.0", "1.0.0", true)]
    [InlineData("1.0 - 2.0", "2.0.9", true)]
    [InlineData("1.0 - 2.0", "2.1.0", false)]
    [InlineData("1.2.3 - 2.3.4", "2.3.4", true)]
    [InlineData("1.2.3 - 2.3.4", "2.3.5", false)]
    [InlineData("1.2.3 - 2.3.4", "1.2.2", false)]
    [InlineData("1.2.3 - 2", "2.99.0", true)]
    public void Hyphen_ranges_include_both_ends(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData("[1.0,2.0)", "1.0.0", true)]
    [InlineData("[1.0,2.0)", "2.0.0", false)]
    [InlineData("(1.0,2.0]", "1.0.0", false)]
    [InlineData("(1.0,2.0]", "2.0.0", true)]
    [InlineData("(,2.0]", "0.0.1", true)]
    [InlineData("(,2.0]", "2.0.1", false)]
    [InlineData("[1.0,)", "99.0.0", true)]
    [InlineData("[1.0]", "1.0.0", true)]
    [InlineData("[1.0]", "1.0.1", false)]
    [InlineData("[ 1.0 , 2.0 )", "1.5.0", true)]
    public void NuGet_intervals_follow_their_brackets(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData(">=1.0.0", "1.5.0-beta", true)]
    [InlineData(">=1.0.0", "1.0.0-beta", false)]
    [InlineData(">=1.0.0-beta", "1.0.0-alpha", false)]
    [InlineData(">=1.0.0-beta", "1.0.0-rc.1", true)]
    [InlineData("^1.0", "2.0.0-alpha", false)]
    [InlineData("<2.0.0", "2.0.0-alpha", true)]
    [InlineData("[1.0,2.0)", "2.0.0-alpha", true)]
    public void Prereleases_are_ordered_by_SemVer_precedence(string range, string version, bool expected) =>
        Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("^x", "^ needs at least a major version")]
    [InlineData("~*", "~ needs at least a major version")]
    [InlineData("abc", "'abc' is not a version")]
    [InlineData("1.x.3", "a number after a wildcard")]
    [InlineData(">=", "'>=' needs a version after it")]
    [InlineData("^1.0 ||", "'||' needs a range on both sides")]
    [InlineData("[1.0,2.0", "an interval ends with ] or )")]
    [InlineData("[2.0,1.0]", "the lower bound 2.0 is above the upper bound 1.0")]
    [InlineData("(1.0)", "an exact version in interval notation is written [1.0]")]
    [InlineData("[,]", "an interval needs at least one bound")]
    [InlineData("[1.0,2.0,3.0]", "one comma")]
    [InlineData("[a,2.0]", "'a' is not a version")]
    [InlineData("1.2-beta", "prerelease label but no patch number")]
    [InlineData("99999999999.0.0", "too large")]
    [InlineData(">=1.0,<2.0", "is not a version")]
    public void Bad_ranges_say_what_is_wrong_and_what_is_accepted(string text, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => VersionRangeSpec.Parse(text));

        Assert.Contains(problem, ex.Message);
        Assert.EndsWith("; use e.g. ^1.2, >=1.0 <2.0 or [1.0,2.0)", ex.Message);
        Assert.False(VersionRangeSpec.TryParse(text, out var range, out var error));
        Assert.Null(range);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void ToString_returns_the_text_as_written()
    {
        Assert.Equal(">=1.0 <2.0", VersionRangeSpec.Parse("  >=1.0 <2.0 ").ToString());
    }

    [Fact]
    public void Ranges_are_equal_when_written_the_same()
    {
        Assert.Equal(VersionRangeSpec.Parse("^1.0"), VersionRangeSpec.Parse("^1.0"));
        Assert.True(VersionRangeSpec.Parse("^1.0") == VersionRangeSpec.Parse(" ^1.0"));
        Assert.NotEqual(VersionRangeSpec.Parse("^1.0"), VersionRangeSpec.Parse("^1"));
        Assert.Equal(VersionRangeSpec.Parse("^1.0").GetHashCode(), VersionRangeSpec.Parse("^1.0").GetHashCode());
    }

    [Fact]
    public void The_normalized_form_shows_the_implied_bounds()
    {
        Assert.Equal(">=1.2.0 <2.0.0-0 || =3.0.0", VersionRangeSpec.Parse("^1.2 || 3.0.0").ToNormalizedString());
    }

    [Fact]
    public void FindBest_picks_the_highest_satisfying_version()
    {
        var versions = new[] { "1.0.0", "1.4.2", "2.0.0", "1.9.0-beta", "1.8.1" }.Select(NuGetVersion.Parse);

        Assert.Equal(NuGetVersion.Parse("1.9.0-beta"), VersionRangeSpec.Parse("^1.0").FindBest(versions));
        Assert.Equal(NuGetVersion.Parse("1.4.2"), VersionRangeSpec.Parse("~1.4").FindBest(versions));
        Assert.Null(VersionRangeSpec.Parse("^3").FindBest(versions));
    }

    [Fact]
    public void Any_is_satisfied_by_every_version()
    {
        Assert.True(VersionRangeSpec.Any.Satisfies(NuGetVersion.Parse("0.0.0-alpha")));
        Assert.Equal("*", VersionRangeSpec.Any.ToString());
    }
}
