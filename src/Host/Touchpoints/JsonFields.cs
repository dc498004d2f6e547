using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// Reads the fields of one JSON object and collects every problem instead of stopping at the
/// first, so a caller learns all that is wrong with a request at once.
/// </summary>
public sealed partial class JsonFields
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public List<FieldError> Errors { get; } = [];

    public JsonFields(JsonElement item)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (NameOf(property) is not { } name) Errors.Add(new("", "a field name " + NotUnicode));
            else if (!_fields.TryAdd(name, property.Value)) Errors.Add(new(name, "appears more than once"));
        }
    }

    public string? RequiredString(string name, int maxLength) => ReadString(name, maxLength, required: true);

    public string? OptionalString(string name, int maxLength) => ReadString(name, maxLength, required: false);

    public string? Email(string name)
    {
        var email = RequiredString(name, 254);
        if (email is not null && !EmailShape().IsMatch(email)) Fail(name, "must be an email address");
        return email;
    }

    public decimal RequiredDecimal(string name)
    {
        if (Take(name) is not { } value) return Missing<decimal>(name);
        if (value.ValueKind != JsonValueKind.Number) return Fail<decimal>(name, "must be a number");
        return value.TryGetDecimal(out var number) ? number : Fail<decimal>(name, "is out of range");
    }

    public int RequiredInt(string name)
    {
        if (Take(name) is not { } value) return Missing<int>(name);
        if (value.ValueKind != JsonValueKind.Number) return Fail<int>(name, "must be a number");
        return value.TryGetInt32(out var number) ? number : Fail<int>(name, "must be a whole number");
    }

    public bool RequiredBool(string name)
    {
        if (Take(name) is not { } value) return Missing<bool>(name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Fail<bool>(name, "must be true or false"),
        };
    }

    /// <summary>An ISO 8601 date and time with its UTC offset: a time without one is ambiguous.</summary>
    public DateTimeOffset RequiredTimestamp(string name)
    {
        if (ReadString(name, 64, required: true) is not { } text) return default;
        if (!TimestampShape().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return Fail<DateTimeOffset>(name, "must be an ISO 8601 date and time with offset, e.g. 2025-03-01T10:15:00+01:00");
        return time;
    }

    /// <summary>Fields nobody asked for are reported: a typo must not silently drop a value.</summary>
    public void RejectUnknownFields()
    {
        foreach (var name in _fields.Keys.Where(n => !_read.Contains(n)))
            Errors.Add(new(name, "is not a field of this touchpoint type"));
    }

    private string? ReadString(string name, int maxLength, bool required)
    {
        var value = Take(name);
        if (value is null || value.Value.ValueKind == JsonValueKind.Null)
            return required ? Missing<string>(name) : null;
        if (value.Value.ValueKind != JsonValueKind.String) return Fail<string>(name, "must be a string");
        var element = value.Value;
        if (TextOf(element) is not { } raw) return Fail<string>(name, NotUnicode);
        var text = raw.Trim();
        if (text.Length == 0) return required ? Fail<string>(name, "must not be empty") : null;
        if (text.Length > maxLength) return Fail<string>(name, $"must be at most {maxLength} characters");
        if (HasControlCharacters(text)) return Fail<string>(name, "must not contain control characters");
        return text;
    }

    /// <summary>
    /// JSON may escape half of a surrogate pair (<c>"\ud800"</c>): the document parses, but the text is
    /// no string .NET (or PostgreSQL) can hold, so reading it throws. That is the sender's error.
    /// </summary>
    private static string? TextOf(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <inheritdoc cref="TextOf(JsonElement)"/>
    private static string? NameOf(JsonProperty property)
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

    /// <summary>What <see cref="char.IsControl(char)"/> calls control characters: C0 and C1.</summary>
    private static bool HasControlCharacters(string text) =>
        text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || text.AsSpan().ContainsAnyInRange('\u007f', '\u009f');

    private const string NotUnicode = "is not valid unicode text (it escapes half of a surrogate pair)";

    private JsonElement? Take(string name)
    {
        _read.Add(name);
        return _fields.TryGetValue(name, out var value) ? value : null;
    }

    private T? Missing<T>(string name) => Fail<T>(name, "is required");

    private T? Fail<T>(string name, string message)
    {
        Fail(name, message);
        return default;
    }

    private void Fail(string name, string message) => Errors.Add(new(name, message));

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|z|[+-]\d{2}:\d{2})$")]
    private static partial Regex TimestampShape();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex EmailShape();
}
