using System.Globalization;
using System.Text.RegularExpressions;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// Reads the fields of one touchpoint and collects every problem instead of stopping at the
/// first, so a caller learns all that is wrong at once. The rules (required, lengths, trimming,
/// control characters, timestamps with an offset) are the same whichever source the fields come
/// from: a JSON object of the API (<see cref="JsonTouchpointFields"/>) or a row of an import file
/// (<see cref="Imports.CsvTouchpointFields"/>). A source only says what it holds under a name.
/// </summary>
public abstract partial class TouchpointFields
{
    public List<FieldError> Errors { get; } = [];

    /// <summary>The field's text; nothing when it is not given (or null); a problem when it is not text.</summary>
    protected abstract (string? Text, string? Problem) TakeText(string name);

    /// <summary>The field's number, nothing when it is not given, or a problem ("must be a number", "is out of range", <see cref="NotKeptExactly"/>).</summary>
    protected abstract (decimal? Number, string? Problem) TakeDecimal(string name);

    /// <summary>Why a number is not a whole number a field takes: the words of every JSON body of the API (docs/api.md).</summary>
    public const string NotAWholeNumber = JsonRequestBody.NotAWholeNumber;

    /// <summary>Why a number is refused that would be stored rounded (1e-29 as 0): the same words in a JSON body and an import file.</summary>
    public const string NotKeptExactly = JsonRequestBody.NotKeptExactly;

    /// <summary>The field's whole number, nothing when it is not given, or a problem (<see cref="NotAWholeNumber"/>).</summary>
    protected abstract (int? Number, string? Problem) TakeInt(string name);

    /// <summary>The field's flag, nothing when it is not given, or a problem ("must be true or false").</summary>
    protected abstract (bool? Flag, string? Problem) TakeBool(string name);

    /// <summary>The fields given that nothing has taken, in the order they came.</summary>
    protected abstract IEnumerable<string> Untaken();

    public string? RequiredString(string name, int maxLength) => ReadString(name, maxLength, required: true);

    public string? OptionalString(string name, int maxLength) => ReadString(name, maxLength, required: false);

    public string? Email(string name)
    {
        var email = RequiredString(name, 254);
        if (email is not null && !EmailShape().IsMatch(email)) Fail(name, "must be an email address");
        return email;
    }

    public decimal RequiredDecimal(string name) => Required(name, TakeDecimal(name));

    public int RequiredInt(string name) => Required(name, TakeInt(name));

    public bool RequiredBool(string name) => Required(name, TakeBool(name));

    /// <summary>An ISO 8601 date and time with its UTC offset: a time without one is ambiguous.</summary>
    public DateTimeOffset RequiredTimestamp(string name)
    {
        if (ReadString(name, 64, required: true) is not { } text) return default;
        var shape = TimestampShape().Match(text);
        if (!shape.Success || !DateTimeOffset.TryParse(WithinTicks(text, shape.Groups["fraction"]), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return Fail<DateTimeOffset>(name, "must be an ISO 8601 date and time with offset, e.g. 2025-03-01T10:15:00+01:00");
        return time;
    }

    /// <summary>
    /// Nanoseconds (Go's RFC3339Nano, Java's Instant) are cut to the 100 ns a .NET timestamp
    /// holds: callers that write them are refused nothing for a precision nobody acts on.
    /// </summary>
    private static string WithinTicks(string text, Group fraction) =>
        fraction.Length <= 8 ? text : text.Remove(fraction.Index + 8, fraction.Length - 8);

    /// <summary>Fields nobody asked for are reported: a typo must not silently drop a value.</summary>
    public void RejectUnknownFields()
    {
        foreach (var name in Untaken()) Errors.Add(new(name, "is not a field of this touchpoint type"));
    }

    private string? ReadString(string name, int maxLength, bool required)
    {
        var (raw, problem) = TakeText(name);
        if (problem is not null) return Fail<string>(name, problem);
        if (raw is null) return required ? Missing<string>(name) : null;
        var text = raw.Trim();
        if (text.Length == 0) return required ? Fail<string>(name, "must not be empty") : null;
        if (TextLength.IsOver(text, maxLength)) return Fail<string>(name, $"must be at most {maxLength} characters");
        if (HasControlCharacters(text)) return Fail<string>(name, "must not contain control characters");
        return text;
    }

    private T Required<T>(string name, (T? Value, string? Problem) taken) where T : struct => taken switch
    {
        ({ } value, _) => value,
        (_, { } problem) => Fail<T>(name, problem),
        _ => Missing<T>(name),
    };

    /// <summary>What <see cref="char.IsControl(char)"/> calls control characters: C0 and C1.</summary>
    private static bool HasControlCharacters(string text) =>
        text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || text.AsSpan().ContainsAnyInRange('\u007f', '\u009f');

    private T Missing<T>(string name) => Fail<T>(name, "is required")!;

    private T? Fail<T>(string name, string message)
    {
        Fail(name, message);
        return default;
    }

    private void Fail(string name, string message) => Errors.Add(new(name, message));

    // A timestamp's parts: in the regular expression below and in the pattern the OpenAPI document gives occurredAt.
    private const string DateAndMinutes = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(";
    private const string Fraction = "\\.[0-9]{1,9}";
    private const string OffsetAfterSeconds = ")?)?(Z|z|[+-][0-9]{2}:[0-9]{2})$";

    /// <summary>
    /// A timestamp's forms as a regular expression (ECMA 262, as JSON Schema reads a pattern): seconds may be left
    /// out and 9 fraction digits given, which RFC 3339's <c>date-time</c> does not allow, so occurredAt is declared by this.
    /// </summary>
    public const string TimestampPattern = DateAndMinutes + Fraction + OffsetAfterSeconds;

    [GeneratedRegex(DateAndMinutes + "?<fraction>" + Fraction + OffsetAfterSeconds)]
    private static partial Regex TimestampShape();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex EmailShape();
}
