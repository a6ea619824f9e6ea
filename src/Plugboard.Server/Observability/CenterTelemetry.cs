using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Plugboard.Server.Access;

namespace Plugboard.Server;

/// <summary>
/// The center's metrics pipeline: OpenTelemetry collects the center's own meter (<see cref="CenterMetrics"/>),
/// Plugboard.Hosting.Rpc's call durations (every call into a process or endpoint plugin, with its status) and
/// ASP.NET Core's own meters (API requests, Kestrel connections), and exports them for Prometheus at <c>/metrics</c>
/// on the API's port, for admin tokens only (the series name plugins and installations).
/// </summary>
public static class CenterTelemetry
{
    /// <summary>Where Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The meters exported.</summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        CenterMetrics.MeterName,
        "Plugboard.Hosting.Rpc", // plugboard.rpc.client.call.duration (Plugboard.Hosting.Rpc's PluginCallInterceptor)
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    /// <summary>Registers the metrics pipeline and the Prometheus exporter.</summary>
    public static IServiceCollection AddCenterTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("plugboard-center"))
            .WithMetrics(m => m.AddMeter([.. Meters]).AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text format), for admin tokens.</summary>
    public static IEndpointConventionBuilder MapCenterMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Roles.Admin);
}
