using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Secrets;

/// <summary>
/// Encrypts secret configuration values at rest with AES-256-GCM. The key comes from
/// <c>Plugboard:Secrets:Key</c>, or from a key file (default <c>{data}/secret.key</c>) created with owner-only
/// permissions at first start. Ciphertext layout: version byte 1, 12-byte nonce, 16-byte tag, ciphertext; base64.
/// </summary>
public sealed class SecretBox
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    /// <summary>Reads or creates the key as <paramref name="options"/> says.</summary>
    public SecretBox(IOptions<CenterOptions> options)
    {
        var secrets = options.Value.Secrets;
        if (!string.IsNullOrWhiteSpace(secrets.Key))
        {
            _key = ParseKey(secrets.Key, "Plugboard:Secrets:Key");
            return;
        }

        var path = secrets.KeyFile ?? Path.Combine(options.Value.DataDirectory, "secret.key");
        _key = File.Exists(path) ? ParseKey(File.ReadAllText(path).Trim(), path) : CreateKeyFile(path);
    }

    /// <summary>Encrypts <paramref name="plaintext"/>.</summary>
    public string Seal(string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceSize + TagSize + data.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize));
        return Convert.ToBase64String(output);
    }

    /// <summary>Decrypts what <see cref="Seal"/> made.</summary>
    /// <exception cref="CryptographicException">Wrong key or tampered data.</exception>
    public string Open(string sealedText)
    {
        var input = Convert.FromBase64String(sealedText);
        if (input.Length < 1 + NonceSize + TagSize || input[0] != FormatVersion)
        {
            throw new CryptographicException("The stored secret is not in a format this center knows.");
        }

        var plaintext = new byte[input.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(1, NonceSize), input.AsSpan(1 + NonceSize + TagSize), input.AsSpan(1 + NonceSize, TagSize), plaintext);
        return Encoding.UTF8.GetString(plaintext);
    }

    private static byte[] ParseKey(string text, string where)
    {
        try
        {
            var key = Convert.FromBase64String(text);
            if (key.Length == 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"The secret key in {where} is not 32 bytes of base64; generate one with 'openssl rand -base64 32'.");
    }

    private static byte[] CreateKeyFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(key));
        }

        return key;
    }
}
