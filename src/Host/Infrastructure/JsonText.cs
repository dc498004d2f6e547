using System.Text.Json;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// JSON may escape half of a surrogate pair (<c>"\ud800"</c>): the document parses, but the text is
/// no string .NET (or PostgreSQL) can hold, so reading it throws. That is the sender's error: these
/// answer null instead, for the reader to refuse the field with <see cref="NotUnicode"/>. Bytes that
/// are not UTF-8 (a Latin-1 <c>é</c>, 0xE9, sent raw) end the same way: the parser keeps them as they
/// came and the string cannot be decoded, so the message names both causes.
/// </summary>
public static class JsonText
{
    public const string NotUnicode = "is not valid unicode text (bytes that are not UTF-8, or an escaped half of a surrogate pair)";

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
