using System.Text.Json;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// JSON may escape half of a surrogate pair (<c>"\ud800"</c>): the document parses, but the text is
/// no string .NET (or PostgreSQL) can hold, so reading it throws. That is the sender's error: these
/// answer null instead, for the reader to refuse the field with <see cref="NotUnicode"/>.
/// </summary>
public static class JsonText
{
    public const string NotUnicode = "is not valid unicode text (it escapes half of a surrogate pair)";

    public static string? Of(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
