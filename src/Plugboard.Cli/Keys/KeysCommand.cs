using System.CommandLine;
using System.Text.RegularExpressions;
using Plugboard.Cli.Console;
using Plugboard.Packaging;

namespace Plugboard.Cli.Keys;

/// <summary><c>plugboard keys generate|id</c>: signing key pairs for packages.</summary>
internal static partial class KeysCommand
{
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PublicFileMode = PrivateFileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static Command Create(CliContext context)
    {
        var command = new Command("keys", "Create and inspect package signing keys (ECDSA P-256).");
        command.Add(Generate(context));
        command.Add(Id(context));
        return command;
    }

    private static Command Generate(CliContext context)
    {
        var output = new Option<string?>("--out", "-o") { Description = "The folder to write the keys to. Default: ~/.plugboard/keys.", HelpName = "DIR" };
        var name = new Option<string>("--name", "-n") { Description = "The file name of the keys: NAME.key (private) and NAME.pem (public).", DefaultValueFactory = _ => "signing", HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "Replace existing key files of that name." };
        var json = CliContext.JsonOption();
        var command = new Command("generate", "Generate a signing key pair: NAME.key (private, mode 0600; keep it secret) and NAME.pem (public; give it to those who verify).")
        {
            output, name, force, json,
        };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var keyName = parse.GetValue(name)!;
            if (!KeyName().IsMatch(keyName))
            {
                throw CliException.Usage($"--name '{keyName}' is not a key name: use letters, digits, '.', '_' and '-', starting with a letter or digit.");
            }

            var folder = parse.GetValue(output) is { } given ? context.Environment.ResolvePath(given) : Path.Combine(context.Environment.PlugboardHome, "keys");
            var privatePath = Path.Combine(folder, keyName + ".key");
            var publicPath = Path.Combine(folder, keyName + ".pem");
            if (!parse.GetValue(force) && (File.Exists(privatePath) || File.Exists(publicPath)))
            {
                throw new CliException($"Key files for '{keyName}' already exist in '{folder}'. Choose another --name, or pass --force to replace them (packages signed with the old key will no longer verify against the new one).");
            }

            if (!Directory.Exists(folder))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(folder);
                }
                else
                {
                    Directory.CreateDirectory(folder, PrivateFolderMode);
                }
            }

            var key = SigningKey.Generate();
            await WriteAsync(privatePath, key.PrivateKeyPem, PrivateFileMode, cancellationToken);
            await WriteAsync(publicPath, key.PublicKeyPem, PublicFileMode, cancellationToken);

            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new { keyId = key.KeyId, privateKey = privatePath, publicKey = publicPath });
                return ExitCodes.Success;
            }

            var console = context.Console.Out;
            console.WriteLine($"Generated signing key {key.KeyId}");
            console.WriteLine($"  private key: {privatePath} (keep it secret; sign with: plugboard pack DIR -o FILE --sign {privatePath})");
            console.WriteLine($"  public key:  {publicPath} (put it in the trust store of those who verify)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Id(CliContext context)
    {
        var file = new Argument<string>("KEYFILE") { Description = "A private or public key PEM file." };
        var json = CliContext.JsonOption();
        var command = new Command("id", "Print the key id of a private or public key file.") { file, json };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var path = context.Environment.ResolvePath(parse.GetRequiredValue(file));
            var pem = await File.ReadAllTextAsync(path, cancellationToken);
            var isPrivate = pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);
            var keyId = isPrivate ? SigningKey.FromPem(pem, path).KeyId : TrustedKey.FromPem(pem, path).KeyId;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new { keyId, path, kind = isPrivate ? "private" : "public" });
            }
            else
            {
                context.Console.Out.WriteLine(keyId);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Writes the file aside with its final mode from the start, then moves it into place, so the private key is never readable by others.</summary>
    private static async Task WriteAsync(string path, string text, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            await using (var stream = new FileStream(temp, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(text.AsMemory(), cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex KeyName();
}
