namespace UserSync.Plugins.CustomHttp;

/// <summary>The configuration of the HTTP data source; mirrors the schema in plugin.yaml.</summary>
public sealed class HttpDataSourceConfig
{
    public string BaseUrl { get; set; } = "";
    public string ApiToken { get; set; } = "";
    public int PageSize { get; set; } = 50;
    public int TimeoutSeconds { get; set; } = 30;
}
