using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Plugboard.Sources.Tests.Fixtures;

/// <summary>
/// git's smart HTTP protocol over HTTPS: Kestrel runs the real <c>git http-backend</c> as a CGI program for
/// each request, optionally requiring a bearer token, and counts the fetches (POSTs to git-upload-pack).
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private readonly string _projectRoot;
    private readonly string? _token;
    private KestrelServer? _server;
    private int _uploadPackPosts;
    private int _requests;

    private GitHttpServer(string projectRoot, string? token)
    {
        _projectRoot = projectRoot;
        _token = token;
    }

    public int UploadPackPosts => Volatile.Read(ref _uploadPackPosts);

    public int Requests => Volatile.Read(ref _requests);

    public string UrlOf(string repository) => $"{_server!.BaseUrl}/{repository}";

    public static async Task<GitHttpServer> StartAsync(string projectRoot, X509Certificate2 certificate, string? token = null)
    {
        var server = new GitHttpServer(projectRoot, token);
        server._server = await KestrelServer.StartAsync(server.HandleAsync, certificate);
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (_token is not null && context.Request.Headers.Authorization.ToString() != "Bearer " + _token)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"git\"";
            return;
        }

        if (context.Request.Method == "POST" && context.Request.Path.Value!.EndsWith("/git-upload-pack", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _uploadPackPosts);
        }

        var start = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("http-backend");
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_PROJECT_ROOT"] = _projectRoot;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["REQUEST_METHOD"] = context.Request.Method;
        start.Environment["QUERY_STRING"] = context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : string.Empty;
        start.Environment["PATH_INFO"] = context.Request.Path.Value;
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        start.Environment["CONTENT_TYPE"] = context.Request.ContentType ?? string.Empty;
        if (context.Request.ContentLength is { } length)
        {
            start.Environment["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (context.Request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding)
        {
            start.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var input = Task.Run(async () =>
        {
            try
            {
                await context.Request.Body.CopyToAsync(process.StandardInput.BaseStream);
            }
            finally
            {
                process.StandardInput.Close();
            }
        });

        var output = process.StandardOutput.BaseStream;
        var status = 200;
        while (ReadHeaderLine(output) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                status = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers.Append(name, value);
            }
        }

        context.Response.StatusCode = status;
        await output.CopyToAsync(context.Response.Body);
        await input;
        await process.WaitForExitAsync();
        await errors;
    }

    /// <summary>Reads one CGI header line byte by byte, so the body that follows stays in the stream.</summary>
    private static string ReadHeaderLine(Stream stream)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = stream.ReadByte();
            if (b < 0 || b == '\n')
            {
                break;
            }

            bytes.Add((byte)b);
        }

        return System.Text.Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
