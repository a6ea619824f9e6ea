namespace Plugboard.Manifests.Schema;

/// <summary>The <c>x-widget</c> values the admin UI knows how to render.</summary>
public static class FormWidgets
{
    /// <summary>Every widget name a config schema may use in <c>x-widget</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "text", "textarea", "password", "select", "multiselect", "radio", "checkbox", "switch", "number", "slider",
        "date", "datetime", "time", "email", "url", "tags", "json", "code", "hidden",
    ];
}
