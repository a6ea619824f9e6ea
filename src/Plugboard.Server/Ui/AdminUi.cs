using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Plugboard.Server.Ui;

/// <summary>
/// Serves the admin web UI (plain ES modules embedded in this assembly, Ui/wwwroot) at <c>/</c>. The UI is a
/// client of the public <c>/api/v1</c> only: it sends the token as a bearer header from session storage, so no
/// cookie exists for a cross-site request to ride on (no CSRF surface), and every UI response forbids framing and
/// inline script or style.
/// </summary>
public static class AdminUi
{
    /// <summary>The Content-Security-Policy of every UI response: this origin only, no inline script or style, never framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Serves the UI's files (index.html at <c>/</c>) with the security headers above.</summary>
    public static WebApplication MapAdminUi(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(AdminUi).Assembly, typeof(AdminUi).Namespace + ".wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        types.Mappings[".html"] = "text/html; charset=utf-8";
        types.Mappings[".css"] = "text/css; charset=utf-8";
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = types,
            OnPrepareResponse = context => AddSecurityHeaders(context.Context.Response.Headers),
        });
        return app;
    }

    /// <summary>The headers every UI file is served with.</summary>
    public static void AddSecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";

        // The files change with the center's build; revalidate each time (ETag) rather than serve a stale UI.
        headers.CacheControl = "no-cache";
    }
}
