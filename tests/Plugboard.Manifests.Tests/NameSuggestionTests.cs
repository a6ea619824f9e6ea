using Plugboard.Manifests.Text;

namespace Plugboard.Manifests.Tests;

public sealed class NameSuggestionTests
{
    [Theory]
    [InlineData("verison", "version")] // swapped neighbours are one edit
    [InlineData("snyc", "sync")]
    [InlineData("DISPLAYNAME", "displayName")] // case is ignored, the candidate's spelling returned
    [InlineData("tagz", "tags")]
    public void The_closest_known_name_within_a_few_edits_is_suggested(string typed, string expected) =>
        Assert.Equal(expected, NameSuggestion.Closest(typed, ["id", "version", "sync", "displayName", "tags"]));

    [Fact]
    public void A_name_too_far_from_every_candidate_gets_no_suggestion() =>
        Assert.Null(NameSuggestion.Closest("id", ["tags", "name"]));

    [Fact]
    public void Of_equally_close_candidates_the_first_given_wins() =>
        Assert.Equal("cat", NameSuggestion.Closest("bat", ["cat", "hat"]));
}
