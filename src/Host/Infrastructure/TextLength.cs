using System.Text;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A length limit counts characters as people and PostgreSQL's char_length do, one per Unicode code point: .NET's
/// Length counts UTF-16 units, two for an emoji or a rarer CJK character, which gave such text half its limit.
/// </summary>
public static class TextLength
{
    public static int InCharacters(string text)
    {
        var characters = 0;
        foreach (var _ in text.EnumerateRunes()) characters++;
        return characters;
    }

    public static bool IsOver(string? text, int maxCharacters) =>
        text is not null && text.Length > maxCharacters && InCharacters(text) > maxCharacters;
}
