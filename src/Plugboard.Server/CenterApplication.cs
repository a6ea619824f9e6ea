using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plugboard.Server.Access;
using Plugboard.Server.Api;
using Plugboard.Server.Catalog;
using Plugboard.Server.Configuration;
using Plugboard.Server.Events;
using Plugboard.Server.Hosts;
using Plugboard.Server.Installations;
using Plugboard.Server.Kubernetes;
using Plugboard.Server.Realization;
using Plugboard.Server.Secrets;
using Plugboard.Server.Sources;
using Plugboard.Server.Store;
using Plugboard.Server.Ui;
using Scalar.AspNetCore;

namespace Plugboard.Server;

/// <summary>Builds the center: configuration, services, middleware and endpoints.</summary>
public static class CenterApplication
{
    /// <summary>Command-line switches besides ASP.NET Core's own (<c>--urls</c> …).</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--data"] = "Plugboard:Data",
        ["--store"] = "Plugboard:Store:ConnectionString",
        ["--store-provider"] = "Plugboard:Store:Provider",
        ["--demo-source"] = "Plugboard:DemoSource",
    };

    /// <summary>Creates the application from command-line arguments.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(EnvironmentDefaults());
        builder.Configuration.AddCommandLine(args, Switches.ToDictionary(p => p.Key, p => p.Value));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) && string.IsNullOrEmpty(builder.Configuration["URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5280");
        }

        Configure(builder.Services, builder.Configuration);
        var app = builder.Build();
        Map(app);
        return app;
    }

    // PLUGBOARD_DATA and PLUGBOARD_STORE, read below the command line and appsettings.
    private static Dictionary<string, string?> EnvironmentDefaults()
    {
        var values = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("PLUGBOARD_DATA") is { Length: > 0 } data)
        {
            values["Plugboard:Data"] = data;
        }

        if (Environment.GetEnvironmentVariable("PLUGBOARD_STORE") is { Length: > 0 } connection)
        {
            values["Plugboard:Store:ConnectionString"] = connection;
        }

        return values;
    }

    /// <summary>Registers the center's services.</summary>
    public static void Configure(IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(CenterOptions.Section);
        services.AddOptions<CenterOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CenterOptions>, CenterOptionsValidator>();
        var options = section.Get<CenterOptions>() ?? new CenterOptions();
        services.AddCenterStore(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<CenterMetrics>();
        services.AddCenterTelemetry();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<SecretBox>();
        services.AddSingleton<InstallationConfig>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<Coordination.Leases>();
        services.AddSingleton<Coordination.CacheIndexLock>();
        services.AddSingleton<CenterCache>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<SourcesSync>();
        services.AddSingleton<SourceCredentials>();
        services.AddSingleton<SyncRunProgress>();
        services.AddSingleton<SourceService>();
        services.AddPlugboardRpc();
        services.AddSingleton<IConfigureOptions<Plugboard.Hosting.Rpc.RpcPluginOptions>>(new RpcOptionsConfiguration(configuration));
        services.AddSingleton<HostingRuntimes>();
        services.AddSingleton<LocalRealizer>();
        services.AddSingleton<IInstallationRealizer>(sp => sp.GetRequiredService<LocalRealizer>());
        services.AddSingleton<InstallationController>();
        services.AddSingleton<DesiredState>();
        services.AddSingleton<DesiredStateCache>();
        services.AddSingleton<HostRegistry>();
        services.AddSingleton<HostSummary>();
        services.AddSingleton<InstallationsApi.Context>();
        services.AddSingleton<CenterStartup>();
        // Hosted services start in this order and CenterStartup migrates the store: everything that reads it comes after.
        services.AddHostedService(sp => sp.GetRequiredService<CenterStartup>());
        services.AddHostedService<CenterCacheStartup>();
        services.AddHostedService<Coordination.LeaseRenewal>();
        services.AddHostedService<EventNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<HostSummary>());
        services.AddHostedService(sp => sp.GetRequiredService<InstallationController>());
        services.AddHostedService<ScheduledSync>();
        services.AddHostedService<DemoSourceSync>();

        services.AddAuthentication(BearerTokenHandler.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Roles.Viewer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Viewer))
            .AddPolicy(Roles.Host, p => p.RequireAuthenticatedUser().RequireRole(Roles.Host).RequireClaim(HostCaller.ScopeClaim))
            .AddPolicy(Roles.HostOrAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Host, Roles.Admin));
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxRequestBodyBytes);
        services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
    }

    /// <summary>Maps middleware and endpoints.</summary>
    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<CenterOptions>>().Value;
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusOf });
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            // JSON bodies are small; only the package upload may be large.
            if (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method))
            {
                var limit = context.Request.Path.StartsWithSegments("/api/v1/packages") ? options.MaxRequestBodyBytes : options.MaxJsonBodyBytes;
                if (context.Request.ContentLength > limit)
                {
                    await Results.Problem(title: "Request body too large", detail: $"The body has {context.Request.ContentLength} bytes; at most {limit} are accepted here.", statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context);
                    return;
                }

                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                {
                    feature.MaxRequestBodySize = limit;
                }
            }

            await next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/reference", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapCenterMetrics();

        var api = app.MapGroup("/api/v1");
        api.MapTokensApi();
        api.MapPluginsApi();
        api.MapSourcesApi();
        api.MapInstallationsApi();
        api.MapEventsApi();
        api.MapSessionApi();
        api.MapUpgradeOptionsApi();
        api.MapHostsApi();
        api.MapKubernetesApi();
        app.MapAdminUi();
    }

    // Malformed JSON and oversize bodies come up as BadHttpRequestException: they are the client's fault.
    private static int StatusOf(Exception exception) => exception switch
    {
        Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
        JsonException => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status500InternalServerError,
    };
}

/// <summary>Ready when the store answers.</summary>
internal sealed class StoreHealthCheck(IDbContextFactory<CenterDbContext> store) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false)
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("the store does not answer");
    }
}
