using System.Net;
using System.Net.Http.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Tests;

/// <summary>
/// No Kubernetes API server can run here: the rendered manifests are parsed back into KubernetesClient's models and
/// checked field by field, for an installation's workload and for the center's own deployment (deploy/kubernetes).
/// </summary>
public sealed class KubernetesTests
{
    private static Dictionary<string, string?> Settings() => new()
    {
        // Rendering needs no controller; with it off, nothing tries to reach the image as an endpoint.
        ["Plugboard:Controller:Enabled"] = "false",
        ["Plugboard:Kubernetes:Namespace"] = "plugins",
        ["Plugboard:Kubernetes:Port"] = "7443",
    };

    private static async Task RegisterAsync(HttpClient admin, string version, string image)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/plugins", new
        {
            id = "ldap-sync",
            version,
            serviceType = "usersync.datasource",
            image,
            configSchema = new { type = "object", properties = new { host = new { type = "string" } } },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_installation_of_a_plugin_registered_with_an_image_renders_a_Deployment_and_a_Service()
    {
        await using var center = new TestCenter(Settings());
        using var admin = center.Admin();
        await RegisterAsync(admin, "2.1.0-rc.1", "registry.example.com/ldap-sync:2.1.0");
        var installed = await center.InstallAsync(new
        {
            plugin = "ldap-sync",
            version = "2.1.0-rc.1",
            config = new { host = "ldap.example.com" },
            resources = new { limits = new { cpu = "500m", memory = "256Mi" }, requests = new { cpu = "100m", memory = "64Mi" } },
        });
        var id = (string)installed["id"]!;
        Assert.Equal("256Mi", (string?)installed["resources"]!["limits"]!["memory"]);

        var response = await admin.GetAsync($"/api/v1/installations/{id}/kubernetes");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        var objects = KubernetesYaml.LoadAllFromString(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, objects.Count);
        var deployment = Assert.IsType<V1Deployment>(objects[0]);
        var service = Assert.IsType<V1Service>(objects[1]);

        var name = "pb-" + id.Replace('_', '-');
        Assert.Equal(name, deployment.Metadata.Name);
        Assert.Equal("plugins", deployment.Metadata.NamespaceProperty);
        var labels = deployment.Metadata.Labels;
        Assert.Equal("ldap-sync", labels["app.kubernetes.io/name"]);
        Assert.Equal(name, labels["app.kubernetes.io/instance"]);
        Assert.Equal("2.1.0-rc.1", labels["app.kubernetes.io/version"]);
        Assert.Equal("plugboard-center", labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("ldap-sync", labels["plugboard.dev/plugin"]);
        Assert.Equal(id, labels["plugboard.dev/installation"]);
        Assert.Equal("2.1.0-rc.1", labels["plugboard.dev/version"]);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);
        Assert.All(deployment.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, deployment.Spec.Template.Metadata.Labels[l.Key]));
        Assert.Equal("1", deployment.Spec.Template.Metadata.Annotations["plugboard.dev/generation"]);

        var pod = deployment.Spec.Template.Spec;
        Assert.False(pod.AutomountServiceAccountToken);
        var container = Assert.Single(pod.Containers);
        Assert.Equal("registry.example.com/ldap-sync:2.1.0", container.Image);
        var port = Assert.Single(container.Ports);
        Assert.Equal(("grpc", 7443, "TCP"), (port.Name, port.ContainerPort, port.Protocol));
        Assert.Equal("0.0.0.0:7443", Assert.Single(container.Env, e => e.Name == "PLUGBOARD_PLUGIN_LISTEN").Value);
        Assert.DoesNotContain(container.Env, e => e.Value?.Contains("ldap.example.com", StringComparison.Ordinal) == true); // configuration goes with Init
        Assert.Equal(7443, container.ReadinessProbe.Grpc.Port);
        Assert.Null(container.ReadinessProbe.HttpGet);
        Assert.Equal(7443, container.LivenessProbe.Grpc.Port);
        Assert.Equal(new ResourceQuantity("500m"), container.Resources.Limits["cpu"]);
        Assert.Equal(new ResourceQuantity("256Mi"), container.Resources.Limits["memory"]);
        Assert.Equal(new ResourceQuantity("100m"), container.Resources.Requests["cpu"]);
        Assert.Equal(new ResourceQuantity("64Mi"), container.Resources.Requests["memory"]);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);

        Assert.Equal(name, service.Metadata.Name);
        Assert.Equal("plugins", service.Metadata.NamespaceProperty);
        Assert.Equal("ClusterIP", service.Spec.Type);
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal(7443, servicePort.Port);
        Assert.Equal("grpc", servicePort.TargetPort.Value);
        Assert.Equal("kubernetes.io/h2c", servicePort.AppProtocol);
        Assert.Equal(id, service.Metadata.Labels["plugboard.dev/installation"]);

        // A change of resources is a new generation, and the pods roll.
        var patch = await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", new { resources = new { limits = new { memory = "1Gi" } } });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var again = KubernetesYaml.LoadAllFromString(await admin.GetStringAsync($"/api/v1/installations/{id}/kubernetes"));
        var rolled = Assert.IsType<V1Deployment>(again[0]);
        Assert.Equal("2", rolled.Spec.Template.Metadata.Annotations["plugboard.dev/generation"]);
        var limits = Assert.Single(rolled.Spec.Template.Spec.Containers).Resources;
        Assert.Equal(new ResourceQuantity("1Gi"), Assert.Single(limits.Limits).Value);
        Assert.Null(limits.Requests);
    }

    [Fact]
    public async Task Resources_that_are_not_Kubernetes_quantities_are_refused_with_their_paths()
    {
        await using var center = new TestCenter(Settings());
        using var admin = center.Admin();
        await RegisterAsync(admin, "1.0.0", "registry.example.com/ldap-sync:1.0.0");
        var response = await admin.PostAsJsonAsync("/api/v1/installations", new
        {
            plugin = "ldap-sync",
            version = "1.0.0",
            resources = new { limits = new { cpu = "lots", gpu = "1" }, burst = new { } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var paths = (await TestCenter.Json(response))["errors"]!.AsArray().Select(e => (string?)e!["path"]).ToList();
        Assert.Contains("$.resources.limits.cpu", paths);
        Assert.Contains("$.resources.limits.gpu", paths);
        Assert.Contains("$.resources.burst", paths);
        using var list = await admin.GetAsync("/api/v1/installations");
        Assert.Empty(await TestCenter.JsonArray(list));
    }

    [Fact]
    public async Task A_plugin_without_an_image_has_no_workload_to_render()
    {
        await using var center = new TestCenter(Settings());
        using var admin = center.Admin();
        var registered = await admin.PostAsJsonAsync("/api/v1/plugins", new { id = "remote-only", serviceType = "usersync.datasource", endpoint = "grpc://10.0.0.5:5000" });
        Assert.True(registered.IsSuccessStatusCode);
        var id = (string)(await center.InstallAsync(new { plugin = "remote-only", version = "1.0.0" }))["id"]!;
        var response = await admin.GetAsync($"/api/v1/installations/{id}/kubernetes");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no container image", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/installations/inst_nothere/kubernetes")).StatusCode);
    }

    [Fact]
    public async Task The_centers_deployment_runs_replicas_on_PostgreSQL_from_a_Secret_with_probes_the_center_answers()
    {
        var folder = DeployFolder();
        var objects = new List<object>();
        foreach (var file in new[] { "namespace.yaml", "center.yaml", "secret.example.yaml" })
        {
            objects.AddRange(KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(Path.Combine(folder, file))));
        }

        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var service = Assert.Single(objects.OfType<V1Service>());
        var secret = Assert.Single(objects.OfType<V1Secret>());
        var account = Assert.Single(objects.OfType<V1ServiceAccount>());
        var claim = Assert.Single(objects.OfType<V1PersistentVolumeClaim>());
        Assert.Equal(["ReadWriteMany"], claim.Spec.AccessModes); // every replica sees the one package cache

        Assert.True(deployment.Spec.Replicas >= 2);
        Assert.Equal(account.Metadata.Name, deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.All(deployment.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, deployment.Spec.Template.Metadata.Labels[l.Key]));
        Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var data = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name);
        var dataArgument = container.Args.ToList()[container.Args.ToList().IndexOf("--data") + 1];
        Assert.Equal(dataArgument, Assert.Single(container.VolumeMounts, m => m.Name == data.Name).MountPath);
        Assert.Contains(container.Env, e => e.Name == "Plugboard__Coordination__ReplicaName" && e.ValueFrom.FieldRef.FieldPath == "metadata.name");
        var http = Assert.Single(container.Ports);
        Assert.Equal("http", service.Spec.Ports.Single().TargetPort.Value);
        Assert.Equal(http.Name, container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Contains(container.Env, e => e.Name == "ASPNETCORE_URLS" && e.Value.EndsWith($":{http.ContainerPort}", StringComparison.Ordinal));

        // Every secret value comes from the Secret, by a key the Secret has.
        var fromSecret = container.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).ToDictionary(e => e.Name, e => e.ValueFrom.SecretKeyRef);
        foreach (var name in new[] { "PLUGBOARD_STORE", "Plugboard__Secrets__Key", "PLUGBOARD_ADMIN_TOKEN" })
        {
            Assert.True(fromSecret.TryGetValue(name, out var reference), $"{name} is not read from a Secret");
            Assert.Equal(secret.Metadata.Name, reference.Name);
            Assert.True(secret.StringData.ContainsKey(reference.Key), $"the Secret has no key '{reference.Key}' for {name}");
        }

        // The plain values bind to the center's options as the center reads them (environment variables, '__' for ':').
        var plain = container.Env.Where(e => e.Value is not null).ToDictionary(e => e.Name.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        plain["Plugboard:Store:ConnectionString"] = "Host=db;Database=plugboard";
        plain["Plugboard:Secrets:Key"] = Convert.ToBase64String(new byte[32]);
        var options = new ConfigurationBuilder().AddInMemoryCollection(plain).Build().GetSection(CenterOptions.Section).Get<CenterOptions>()!;
        Assert.Equal("postgres", options.Store.Provider);
        Assert.Equal("plugboard", options.Kubernetes.Namespace);
        Assert.True(new CenterOptionsValidator().Validate(null, options).Succeeded);

        // And the center answers the probes' paths.
        await using var center = new TestCenter();
        using var anonymous = center.WithToken(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(container.ReadinessProbe.HttpGet.Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(container.LivenessProbe.HttpGet.Path)).StatusCode);
    }

    private static string DeployFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy", "kubernetes");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"deploy/kubernetes not found above {AppContext.BaseDirectory}");
    }
}
