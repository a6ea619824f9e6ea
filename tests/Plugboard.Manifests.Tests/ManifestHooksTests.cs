namespace Plugboard.Manifests.Tests;

/// <summary>The <c>hooks</c> field: programs a command plugin runs on install, update and uninstall.</summary>
public sealed class ManifestHooksTests
{
    private const string Command = "id: tool\nversion: 1.0.0\nruntime: command\nentry: bin/tool\n";

    [Fact]
    public void Hooks_are_read_with_their_arguments_and_timeout()
    {
        var manifest = ManifestReader.Parse(Command + "hooks:\n  install: hooks/setup.sh --quiet\n  update: hooks/setup.sh --update\n  uninstall: hooks/cleanup.sh\n  timeoutSeconds: 30\n");

        Assert.NotNull(manifest.Hooks);
        Assert.Equal("hooks/setup.sh --quiet", manifest.Hooks.Install);
        Assert.Equal("hooks/setup.sh --update", manifest.Hooks.Update);
        Assert.Equal("hooks/cleanup.sh", manifest.Hooks.Uninstall);
        Assert.Equal(TimeSpan.FromSeconds(30), manifest.Hooks.Timeout);
    }

    [Fact]
    public void A_manifest_without_hooks_has_none_and_a_hook_without_timeout_gets_the_default()
    {
        Assert.Null(ManifestReader.Parse(Command).Hooks);
        Assert.Equal(PluginHooks.DefaultTimeout, ManifestReader.Parse(Command + "hooks:\n  install: setup\n").Hooks!.Timeout);
    }

    [Theory]
    [InlineData("install: ../outside.sh", "must be a program inside the plugin folder")]
    [InlineData("install: /bin/sh -c 'rm -rf /'", "must be a program inside the plugin folder")]
    [InlineData("instal: setup", "did you mean 'install'")]
    [InlineData("timeoutSeconds: 0", "whole number of seconds from 1 to 1800")]
    [InlineData("timeoutSeconds: 10m", "whole number of seconds")]
    public void A_wrong_hook_is_an_error_that_names_the_field(string hook, string expected)
    {
        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse(Command + "hooks:\n  " + hook + "\n"));

        var message = Assert.Single(error.Errors).ToString();
        Assert.Contains("hooks.", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_command_plugins_have_hooks()
    {
        var error = Assert.Throws<ManifestException>(() => ManifestReader.Parse("id: p\nversion: 1.0.0\nruntime: process\nentry: bin/p\nhooks:\n  install: setup\n"));

        Assert.Contains("only command plugins (runtime: command) have hooks", Assert.Single(error.Errors).ToString(), StringComparison.Ordinal);
    }
}
