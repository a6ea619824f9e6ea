namespace UserSync.Plugins.CustomLdif;

/// <summary>The configuration of the LDIF data source; mirrors the schema in plugin.yaml.</summary>
public sealed class LdifDataSourceConfig
{
    public string Path { get; set; } = "";
    public string UserObjectClass { get; set; } = "inetOrgPerson";
    public string DepartmentObjectClass { get; set; } = "organizationalUnit";
}
