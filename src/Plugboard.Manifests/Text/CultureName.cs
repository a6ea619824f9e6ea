using System.Text.RegularExpressions;

namespace Plugboard.Manifests.Text;

/// <summary>Checks culture names such as <c>en</c> and <c>zh-CN</c> by their shape (works without ICU data).</summary>
internal static partial class CultureName
{
    public static bool IsValid(string name) => Shape().IsMatch(name);

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex Shape();
}
