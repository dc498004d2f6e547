using System.Text.Json;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Touchpoints;

/// <summary>The fields of one JSON object of the API, each read for the kind of value it must hold.</summary>
public sealed class JsonTouchpointFields : TouchpointFields
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public JsonTouchpointFields(JsonElement item)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (JsonText.NameOf(property) is not { } name) Errors.Add(new FieldError("", "a field name " + JsonText.NotUnicode));
            else if (!_fields.TryAdd(name, property.Value)) Errors.Add(new FieldError(name, "appears more than once"));
        }
    }

    protected override (string? Text, string? Problem) TakeText(string name)
    {
        if (Take(name) is not { } value || value.ValueKind == JsonValueKind.Null) return (null, null);
        if (value.ValueKind != JsonValueKind.String) return (null, "must be a string");
        return JsonText.Of(value) is { } text ? (text, null) : (null, JsonText.NotUnicode);
    }

    protected override (decimal? Number, string? Problem) TakeDecimal(string name)
    {
        if (Take(name) is not { } value) return (null, null);
        if (value.ValueKind != JsonValueKind.Number) return (null, "must be a number");
        if (!value.TryGetDecimal(out var number)) return (null, "is out of range");
        return ExactDecimals.Keeps(value.GetRawText(), number) ? (number, null) : (null, NotKeptExactly);
    }

    protected override (int? Number, string? Problem) TakeInt(string name)
    {
        if (Take(name) is not { } value) return (null, null);
        if (value.ValueKind != JsonValueKind.Number) return (null, "must be a number");
        return value.TryGetInt32(out var number) ? (number, null) : (null, NotAWholeNumber);
    }

    protected override (bool? Flag, string? Problem) TakeBool(string name) => Take(name)?.ValueKind switch
    {
        null => (null, null),
        JsonValueKind.True => (true, null),
        JsonValueKind.False => (false, null),
        _ => (null, "must be true or false"),
    };

    protected override IEnumerable<string> Untaken() => _fields.Keys.Where(name => !_taken.Contains(name));

    private JsonElement? Take(string name)
    {
        _taken.Add(name);
        return _fields.TryGetValue(name, out var value) ? value : null;
    }
}
