using System.Text.Json;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A small JSON request body read field by field, as POST /api/touchpoints reads its own: a field
/// the request does not have, a value of the wrong kind or JSON that does not parse is a 400
/// naming the field, so that a typo never silently drops a value (a model binder would leave it
/// out, or turn "3" into 3). Names are matched exactly, as documented.
/// </summary>
/// <remarks>
/// A field given as JSON <c>null</c> is refused too (<see cref="NullRefused"/>), as POST /api/touchpoints
/// refuses a null number: no field of these bodies is documented as taking null. Until 2026-12-07 null
/// read as "not given", and was acted on as such: <c>"version": null</c> put the latest version in
/// force, <c>"asOf": null</c> fitted a model as of now. A field is left out to go without it.
/// </remarks>
public sealed class JsonRequestBody
{
    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 8 };
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _errors;

    /// <summary>Null for the body; for an object in one of its arrays, its key ("databases[0]"), which leads the keys of its fields' refusals.</summary>
    private readonly string? _itemKey;

    private JsonRequestBody(Dictionary<string, string[]>? errors = null, string? itemKey = null)
    {
        _errors = errors ?? new(StringComparer.Ordinal);
        _itemKey = itemKey;
    }

    /// <summary>
    /// The body's fields, or a 400 when it is no JSON object; a field not among <paramref name="fields"/>
    /// is refused with the others read from it (see <see cref="Problem"/>).
    /// </summary>
    /// <remarks>
    /// With <paramref name="noBodyIsEmpty"/>, a request without a body (or whitespace only) reads as
    /// <c>{}</c>: for the routes documented as taking "<c>{}</c> or no body".
    /// </remarks>
    public static async Task<(JsonRequestBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, string shape, IReadOnlyList<string> fields,
        CancellationToken ct, bool noBodyIsEmpty = false)
    {
        JsonDocument document;
        try
        {
            if (noBodyIsEmpty)
            {
                // Buffered (the body limit bounds it) to tell no body from one that does not parse.
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, ct);
                var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty) return (new JsonRequestBody(), null);
                document = JsonDocument.Parse(bytes, Parsing);
            }
            else document = await JsonDocument.ParseAsync(request.Body, Parsing, ct);
        }
        catch (JsonException e)
        {
            return (null, Problems.Invalid("body", $"must be a JSON object {shape}: {e.Message}"));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, Problems.Invalid("body", $"must be a JSON object {shape}"));
            var body = new JsonRequestBody();
            body.Take(document.RootElement, fields, "this request");
            return (body, null);
        }
    }

    /// <summary>
    /// The fields of a JSON object given whole (a file named on the command line), read as strictly as a
    /// request's body; or, when it is no JSON object, what is wrong with it. Refusals are in <see cref="Refusals"/>.
    /// </summary>
    public static (JsonRequestBody? Body, string? Problem) Parse(ReadOnlyMemory<byte> json, string shape, IReadOnlyList<string> fields, string whose)
    {
        try
        {
            using var document = JsonDocument.Parse(json, Parsing);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, $"must be a JSON object {shape}");
            var body = new JsonRequestBody();
            body.Take(document.RootElement, fields, whose);
            return (body, null);
        }
        catch (JsonException e)
        {
            return (null, $"must be a JSON object {shape}: {e.Message}");
        }
    }

    /// <summary>Every field refused so far, by key ("databases[0].sequence"), as <see cref="Problem"/> lists them.</summary>
    public IReadOnlyDictionary<string, string[]> Refusals => _errors;

    private void Take(JsonElement json, IReadOnlyList<string> fields, string whose)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (JsonText.NameOf(property) is not { } name) RefuseWhole("a field name " + JsonText.NotUnicode);
            else if (!fields.Contains(name))
                Refuse(name, $"is not a field of {whose}; its fields are {string.Join(", ", fields)} (names are case-sensitive)");
            else if (!_fields.TryAdd(name, property.Value.Clone())) Refuse(name, "appears more than once");
        }
    }

    /// <summary>
    /// The words for a field given as JSON null: what it must be and, for an optional field, what leaving
    /// it out does ("must be a string (not null); leave the field out to fit as of now").
    /// </summary>
    public static string NullRefused(string kind, string? ifLeftOut) =>
        $"must be {kind} (not null)" + (ifLeftOut is null ? "" : $"; leave the field out to {ifLeftOut}");

    /// <summary>The field's value; false when it is absent, and when it is null, which is refused (<see cref="NullRefused"/>).</summary>
    private bool TryTake(string name, string kind, string? ifLeftOut, out JsonElement value)
    {
        if (!_fields.TryGetValue(name, out value)) return false;
        if (value.ValueKind != JsonValueKind.Null) return true;
        Refuse(name, NullRefused(kind, ifLeftOut));
        return false;
    }

    /// <summary>A string field; null when absent. <paramref name="ifLeftOut"/> says what leaving an optional field out does (none for a required one).</summary>
    public string? Text(string name, string? ifLeftOut = null) => Text(name, "a string", ifLeftOut);

    private string? Text(string name, string kind, string? ifLeftOut)
    {
        if (!TryTake(name, kind, ifLeftOut, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) Refuse(name, "must be a string");
        else if (JsonText.Of(value) is { } text) return text;
        else Refuse(name, JsonText.NotUnicode);
        return null;
    }

    /// <summary>How a moment's text is read: null when it is one, else what is wrong with it (<see cref="Values.Moments"/>).</summary>
    public delegate string? MomentReader(string text, out DateTimeOffset moment);

    /// <summary>
    /// A moment given as a JSON string, read by <paramref name="read"/>; null when absent.
    /// Not System.Text.Json's reader: it takes a time without an offset in the server's time zone,
    /// so the same body would name another moment on a server set to another zone.
    /// </summary>
    public DateTimeOffset? Moment(string name, MomentReader read, string? ifLeftOut = null)
    {
        if (Text(name, "a date or a date and time, as a string", ifLeftOut) is not { } text) return null;
        if (read(text, out var moment) is not { } problem) return moment;
        Refuse(name, problem);
        return null;
    }

    /// <summary>Why a number is no whole number an int field takes (a fraction, or beyond an int): every JSON body's words, an import's cells' too.</summary>
    public const string NotAWholeNumber = "must be a whole number up to 2,147,483,647";

    /// <summary>
    /// Why a number is refused that a decimal would round (<see cref="ExactDecimals"/>): a touchpoint's money in a
    /// JSON body and in an import's cells alike.
    /// </summary>
    public const string NotKeptExactly =
        "has more digits than can be kept exactly (28 significant digits, down to the 28th decimal place): round it";

    /// <summary>A whole number given as a JSON number; null when absent.</summary>
    public int? WholeNumber(string name, string? ifLeftOut = null)
    {
        if (!TryTake(name, "a whole number", ifLeftOut, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        // A number that is not whole (1.5) or too large (1e11) is told so, not taken for a string.
        Refuse(name, value.ValueKind == JsonValueKind.Number ? NotAWholeNumber : "must be a whole number (not a string)");
        return null;
    }

    /// <summary>A whole number given as a JSON number, up to a long's range (a sequence number); null when absent.</summary>
    public long? LongWholeNumber(string name, string? ifLeftOut = null)
    {
        if (!TryTake(name, "a whole number", ifLeftOut, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)) return number;
        Refuse(name, value.ValueKind == JsonValueKind.Number ? "must be a whole number up to 9,223,372,036,854,775,807" : "must be a whole number (not a string)");
        return null;
    }

    /// <summary>
    /// An array of objects, each read field by field as the body is, its refusals keyed "field[i].member"
    /// (<c>databases[0].sequence</c>) and counted with the body's; null when absent. An item
    /// that is no object (null included) is refused as "field[i]" and left out.
    /// </summary>
    public List<JsonRequestBody>? Objects(string name, string shape, IReadOnlyList<string> fields, string? ifLeftOut = null)
    {
        if (!TryTake(name, $"an array of objects {shape}", ifLeftOut, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            Refuse(name, $"must be an array of objects {shape}");
            return null;
        }
        var items = new List<JsonRequestBody>();
        var i = 0;
        foreach (var element in value.EnumerateArray())
        {
            var key = KeyOf($"{name}[{i++}]");
            if (element.ValueKind != JsonValueKind.Object)
            {
                _errors[key] = [$"must be an object {shape}"];
                continue;
            }
            var item = new JsonRequestBody(_errors, key);
            item.Take(element, fields, $"an item of {name}");
            items.Add(item);
        }
        return items;
    }

    /// <summary>An array of strings, each named "field[i]" when refused; null when absent.</summary>
    public string[]? Texts(string name, string? ifLeftOut = null)
    {
        if (!TryTake(name, "an array of strings", ifLeftOut, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            Refuse(name, "must be an array of strings");
            return null;
        }
        var texts = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) Refuse($"{name}[{i}]", "must be a string");
            else if (JsonText.Of(item) is { } text) texts.Add(text);
            else Refuse($"{name}[{i}]", JsonText.NotUnicode);
            i++;
        }
        return [.. texts];
    }

    /// <summary>Whether the body holds this field (null included).</summary>
    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>An object of numbers (a formula's parameters, say), each named "field.member" when refused; null when absent.</summary>
    public Dictionary<string, decimal>? Numbers(string name, string? ifLeftOut = null)
    {
        if (!TryTake(name, "an object of numbers", ifLeftOut, out var value)) return null;
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
            else if (!ExactDecimals.Keeps(member.Value.GetRawText(), number)) Refuse(key, ExactDecimals.Refusal(member.Value.GetRawText(), number));
            else if (!numbers.TryAdd(memberName, number)) Refuse(key, "appears more than once");
        }
        return numbers;
    }

    /// <summary>A 400 naming every field refused so far; null when none was.</summary>
    public IResult? Problem() => _errors.Count == 0
        ? null
        : Problems.Invalid($"{_errors.Count} field(s) are invalid: {string.Join("; ", _errors.Select(e => $"{e.Key} {e.Value[0]}"))}.", _errors);

    private void Refuse(string field, string message)
    {
        var key = KeyOf(field);
        _errors[key] = _errors.TryGetValue(key, out var earlier) ? [.. earlier, message] : [message];
    }

    /// <summary>A fault of the body as a whole ("body"), or of the item as a whole ("databases[0]").</summary>
    private void RefuseWhole(string message)
    {
        var key = _itemKey ?? "body";
        _errors[key] = _errors.TryGetValue(key, out var earlier) ? [.. earlier, message] : [message];
    }

    private string KeyOf(string field) => _itemKey is null ? field : $"{_itemKey}.{field}";
}
