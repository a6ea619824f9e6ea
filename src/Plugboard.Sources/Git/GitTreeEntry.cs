namespace Plugboard.Sources.Git;

/// <summary>One line of <c>git ls-tree -r -t -z</c>: mode, type, object id and path (relative to the listed tree).</summary>
internal sealed record GitTreeEntry(string Mode, string Type, string ObjectId, string Path)
{
    public bool IsBlob => Type == "blob";

    public bool IsTree => Type == "tree";

    public bool IsExecutable => Mode == "100755";

    public bool IsSymbolicLink => Mode == "120000";

    public static List<GitTreeEntry> Parse(string output)
    {
        var entries = new List<GitTreeEntry>();
        foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = record.IndexOf('\t', StringComparison.Ordinal);
            var fields = record[..tab].Split(' ');
            entries.Add(new GitTreeEntry(fields[0], fields[1], fields[2], record[(tab + 1)..]));
        }

        return entries;
    }
}
