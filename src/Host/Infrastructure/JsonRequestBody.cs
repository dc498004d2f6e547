using System.Text.Json;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A small JSON request body read field by field, as POST /api/touchpoints reads its own: a field
/// the request does not have, a value of the wrong kind or JSON that does not parse is a 400
/// naming the field, so that a typo never silently drops a value (a model binder would leave it
/// out, or turn "3" into 3). Names are matched exactly, as documented.
/// </summary>
public sealed class JsonRequestBody
{
    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 8 };
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    private JsonRequestBody() { }

    /// <summary>
    /// The body's fields, or a 400 when it is no JSON object; a field not among <paramref name="fields"/>
    /// is refused with the others read from it (see <see cref="Problem"/>).
    /// </summary>
    public static async Task<(JsonRequestBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, string shape, IReadOnlyList<string> fields,
        CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, Parsing, ct);
        }
        catch (JsonException e)
        {
            return (null, Problems.Invalid("body", $"must be a JSON object {shape}: {e.Message}"));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, Problems.Invalid("body", $"must be a JSON object {shape}"));
            var body = new JsonRequestBody();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (JsonText.NameOf(property) is not { } name) body.Refuse("body", "a field name " + JsonText.NotUnicode);
                else if (!fields.Contains(name))
                    body.Refuse(name, $"is not a field of this request; its fields are {string.Join(", ", fields)} (names are case-sensitive)");
                else if (!body._fields.TryAdd(name, property.Value.Clone())) body.Refuse(name, "appears more than once");
            }
            return (body, null);
        }
    }

    /// <summary>A string field; null when absent or null.</summary>
    public string? Text(string name)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) Refuse(name, "must be a string");
        else if (JsonText.Of(value) is { } text) return text;
        else Refuse(name, JsonText.NotUnicode);
        return null;
    }

    /// <summary>An object of numbers (a formula's parameters, say), each named "field.member" when refused; null when absent or null.</summary>
    public Dictionary<string, decimal>? Numbers(string name)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            Refuse(name, "must be an object of numbers, such as {\"lifetimeYears\": 3}");
            return null;
        }
        var numbers = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            if (JsonText.NameOf(member) is not { } memberName)
            {
                Refuse(name, "a parameter name " + JsonText.NotUnicode);
                continue;
            }
            var key = $"{name}.{memberName}";
            if (member.Value.ValueKind != JsonValueKind.Number) Refuse(key, "must be a number (not a string, null or other JSON)");
            else if (!member.Value.TryGetDecimal(out var number)) Refuse(key, "is out of range: a decimal holds up to about 7.9 x 10^28");
            else if (!numbers.TryAdd(memberName, number)) Refuse(key, "appears more than once");
        }
        return numbers;
    }

    /// <summary>A 400 naming every field refused so far; null when none was.</summary>
    public IResult? Problem() => _errors.Count == 0
        ? null
        : Problems.Invalid($"{_errors.Count} field(s) are invalid: {string.Join("; ", _errors.Select(e => $"{e.Key} {e.Value[0]}"))}.", _errors);

    private void Refuse(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var earlier) ? [.. earlier, message] : [message];
}
