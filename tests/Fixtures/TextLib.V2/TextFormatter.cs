namespace Fixture.TextLib;

public static class TextFormatter
{
    public static string Format(string text) => "[textlib 2] " + text;
}
