namespace UserSync;

/// <summary>A department as a data source reports it.</summary>
/// <param name="Id">The source's id for it.</param>
/// <param name="Name">Its display name.</param>
/// <param name="ParentId">The parent department's id; null for a root.</param>
public sealed record Department(string Id, string Name, string? ParentId);
