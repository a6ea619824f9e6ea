namespace Plugboard.Server.Api;

/// <summary>One field error: the JSON path (<c>$.config.apiKey</c>) and what is wrong there.</summary>
/// <param name="Path">The JSON path in the request body.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record FieldError(string Path, string Message);

/// <summary>RFC 7807 problem results, validation failures with an <c>errors</c> list of <see cref="FieldError"/>.</summary>
public static class Problems
{
    /// <summary>400 with every field error.</summary>
    public static IResult Validation(IEnumerable<FieldError> errors, string? detail = null)
    {
        var list = errors.ToList();
        return Results.Problem(
            title: "The request is not valid",
            detail: detail ?? string.Join("; ", list.Select(e => $"{e.Path}: {e.Message}")),
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = list });
    }

    /// <summary>400 for one field.</summary>
    public static IResult Field(string path, string message) => Validation([new FieldError(path, message)]);

    /// <summary>404 naming what is missing.</summary>
    public static IResult NotFound(string detail) => Results.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>409 with the reason and, optionally, the current state.</summary>
    public static IResult Conflict(string detail, object? current = null) => Results.Problem(
        title: "Conflict",
        detail: detail,
        statusCode: StatusCodes.Status409Conflict,
        extensions: current is null ? null : new Dictionary<string, object?> { ["current"] = current });

    /// <summary>412: the write was based on a stale version; carries the current one.</summary>
    public static IResult Stale(object current, string etag) => Results.Problem(
        title: "Precondition failed",
        detail: $"The resource changed since you read it (its ETag is now {etag}); read it again, reapply your change and send it with If-Match: {etag}.",
        statusCode: StatusCodes.Status412PreconditionFailed,
        extensions: new Dictionary<string, object?> { ["current"] = current });
}
