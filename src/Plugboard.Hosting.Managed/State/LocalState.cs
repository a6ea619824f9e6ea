using System.Security.Cryptography;
using System.Text.Json;

namespace Plugboard.Hosting.Managed;

/// <summary>What the host last received and applied, kept so that it starts without the center.</summary>
/// <param name="Desired">The last desired state received.</param>
/// <param name="Applied">The generation applied per installation id.</param>
internal sealed record HostState(DesiredState Desired, Dictionary<string, long> Applied);

/// <summary>
/// The host's state file, <c>{state}/desired.bin</c>: the last desired state (whose configurations hold secret values)
/// encrypted with AES-256-GCM under a key only this host has, <c>{state}/host.key</c>, created owner-only (0600) at
/// first start. Written atomically (temp file + rename), so a kill leaves the previous state.
/// </summary>
internal sealed class LocalState
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory;

    public LocalState(string directory)
    {
        _directory = directory;
    }

    public string StatePath => Path.Combine(_directory, "desired.bin");

    public string KeyPath => Path.Combine(_directory, "host.key");

    public async Task<HostState?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(StatePath))
        {
            return null;
        }

        var key = await KeyAsync(cancellationToken).ConfigureAwait(false);
        var sealedBytes = await File.ReadAllBytesAsync(StatePath, cancellationToken).ConfigureAwait(false);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new InvalidDataException($"The host state {StatePath} is truncated; delete it and the host fetches its state from the center again.");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidDataException($"The host state {StatePath} cannot be decrypted with {KeyPath} (another key, or altered); delete the state file and the host fetches its state from the center again.");
        }

        return JsonSerializer.Deserialize<HostState>(plain, Json);
    }

    public async Task WriteAsync(HostState state, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken).ConfigureAwait(false);
        var plain = JsonSerializer.SerializeToUtf8Bytes(state, Json);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(sealedBytes.AsSpan(0, NonceSize), plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        }

        CryptographicOperations.ZeroMemory(plain);
        var temp = StatePath + ".tmp";
        await WriteOwnerOnlyAsync(temp, sealedBytes, cancellationToken).ConfigureAwait(false);
        File.Move(temp, StatePath, overwrite: true);
    }

    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(KeyPath))
        {
            var key = await File.ReadAllBytesAsync(KeyPath, cancellationToken).ConfigureAwait(false);
            return key.Length == 32 ? key : throw new InvalidDataException($"The host key {KeyPath} is not 32 bytes; restore it, or delete it together with desired.bin.");
        }

        Directory.CreateDirectory(_directory);
        var created = RandomNumberGenerator.GetBytes(32);
        var temp = KeyPath + ".tmp";
        await WriteOwnerOnlyAsync(temp, created, cancellationToken).ConfigureAwait(false);
        File.Move(temp, KeyPath, overwrite: false);
        return created;
    }

    private static async Task WriteOwnerOnlyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(path); // the create mode applies only to a new file
        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
