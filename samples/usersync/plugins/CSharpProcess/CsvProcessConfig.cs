namespace UserSync.Plugins.CsvProcess;

/// <summary>The configuration of custom-csv-process, as plugin.yaml's schema describes it.</summary>
public sealed class CsvProcessConfig
{
    /// <summary>The users CSV (id,userName,displayName,email,departmentId), relative to the plugin folder or absolute.</summary>
    public string UsersFile { get; set; } = "data/users.csv";

    /// <summary>The departments CSV (id,name,parentId), relative to the plugin folder or absolute.</summary>
    public string DepartmentsFile { get; set; } = "data/departments.csv";
}
