using System.Text.Json;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

public sealed class KeysTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Generate_writes_a_private_key_only_its_owner_can_read_and_a_public_key()
    {
        var result = await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--name", "release");

        Assert.Equal(0, result.ExitCode);
        var privateKey = _sandbox.PathOf("keys", "release.key");
        var publicKey = _sandbox.PathOf("keys", "release.pem");
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(privateKey), StringComparison.Ordinal);
        Assert.Contains("BEGIN PUBLIC KEY", File.ReadAllText(publicKey), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(publicKey));
        }
    }

    [Fact]
    public async Task The_printed_key_id_is_the_id_of_both_key_files()
    {
        var generate = await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--json");
        var keyId = JsonDocument.Parse(generate.Out).RootElement.GetProperty("keyId").GetString();

        var fromPrivate = await CliRunner.RunAsync(_sandbox, "keys", "id", _sandbox.PathOf("keys", "signing.key"));
        var fromPublic = await CliRunner.RunAsync(_sandbox, "keys", "id", _sandbox.PathOf("keys", "signing.pem"));

        Assert.Equal(keyId, fromPrivate.Out.Trim());
        Assert.Equal(keyId, fromPublic.Out.Trim());
    }

    [Fact]
    public async Task Generate_refuses_to_replace_existing_keys_without_force()
    {
        await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"));
        var before = File.ReadAllText(_sandbox.PathOf("keys", "signing.key"));

        var again = await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"));
        var forced = await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--force");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exist", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(before, File.ReadAllText(_sandbox.PathOf("keys", "signing.key")));
    }

    [Fact]
    public async Task Generate_defaults_to_the_keys_folder_of_the_plugboard_home()
    {
        var result = await CliRunner.RunAsync(_sandbox, "keys", "generate");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_sandbox.Home, "keys", "signing.key")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    public async Task A_key_name_that_is_not_a_plain_file_name_is_a_usage_error(string name)
    {
        var result = await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--name", name);

        Assert.Equal(2, result.ExitCode);
        Assert.False(Directory.Exists(_sandbox.PathOf("keys")));
    }
}
