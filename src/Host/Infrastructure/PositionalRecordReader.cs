using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Reads the JSON of a positional record straight into its constructor, for the plain shapes our
/// events have: strings, decimals, whole numbers, booleans, dates and string-to-decimal maps.
/// System.Text.Json passes such constructors' arguments boxed through an array, per event, and that
/// was a third of a replay's CPU (docs/design.md, "Events read without boxing"). Anything this
/// reader does not recognise (an escaped property name, a number given as a string, a property seen
/// twice, a token of the wrong kind) makes it decline, and the caller reads the payload as before:
/// it never decides differently from System.Text.Json, it only takes the common path sooner.
/// </summary>
public sealed class PositionalRecordReader
{
    private enum Kind { Text, Number, WholeNumber, Flag, Date, NumberMap }

    private const int MostParameters = 16;

    /// <summary>
    /// One read's values, by kind and position: the constructor takes them without boxing. Each
    /// thread reuses its own, cleared before each read (a read calls nothing but the constructor).
    /// </summary>
    private sealed class Values
    {
        public readonly string?[] Texts = new string?[MostParameters];
        public readonly decimal[] Numbers = new decimal[MostParameters];
        public readonly int[] WholeNumbers = new int[MostParameters];
        public readonly bool[] Flags = new bool[MostParameters];
        public readonly DateTimeOffset[] Dates = new DateTimeOffset[MostParameters];
        public readonly Dictionary<string, decimal>?[] NumberMaps = new Dictionary<string, decimal>?[MostParameters];

        public void Clear(int count)
        {
            Array.Clear(Texts, 0, count);
            Array.Clear(Numbers, 0, count);
            Array.Clear(WholeNumbers, 0, count);
            Array.Clear(Flags, 0, count);
            Array.Clear(Dates, 0, count);
            Array.Clear(NumberMaps, 0, count);
        }
    }

    [ThreadStatic] private static Values? _values;

    private readonly byte[][] _names;
    private readonly Kind[] _kinds;
    private readonly Func<Values, object> _construct;

    private PositionalRecordReader(byte[][] names, Kind[] kinds, Func<Values, object> construct) =>
        (_names, _kinds, _construct) = (names, kinds, construct);

    /// <summary>
    /// A reader for <paramref name="type"/> under a naming policy, or null when the type is not a
    /// plain positional record this reader can build exactly as System.Text.Json would.
    /// </summary>
    public static PositionalRecordReader? For(Type type, JsonNamingPolicy? naming)
    {
        if (type.IsAbstract || HasJsonAttributes(type)) return null;
        var constructors = type.GetConstructors();
        if (constructors.Length != 1 || constructors[0].GetParameters() is not { Length: > 0 and <= MostParameters } parameters) return null;
        var settable = type.GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name);
        if (settable.Except(parameters.Select(p => p.Name!), StringComparer.OrdinalIgnoreCase).Any()) return null;
        if (type.GetProperties().Any(HasJsonAttributes)) return null;

        var kinds = new Kind[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].HasDefaultValue || KindOf(parameters[i].ParameterType) is not { } kind) return null;
            kinds[i] = kind;
        }
        var names = parameters.Select(p => JsonEncodedText.Encode(naming?.ConvertName(p.Name!) ?? p.Name!).EncodedUtf8Bytes.ToArray()).ToArray();
        return new PositionalRecordReader(names, kinds, Constructor(constructors[0], kinds));
    }

    private static bool HasJsonAttributes(MemberInfo member) =>
        member.GetCustomAttributes(inherit: true).Any(a => a.GetType().Namespace == typeof(JsonPropertyNameAttribute).Namespace);

    private static Kind? KindOf(Type type) =>
        type == typeof(string) ? Kind.Text
        : type == typeof(decimal) ? Kind.Number
        : type == typeof(int) ? Kind.WholeNumber
        : type == typeof(bool) ? Kind.Flag
        : type == typeof(DateTimeOffset) ? Kind.Date
        : type == typeof(IReadOnlyDictionary<string, decimal>) ? Kind.NumberMap
        : null;

    private static Func<Values, object> Constructor(ConstructorInfo constructor, Kind[] kinds)
    {
        var values = Expression.Parameter(typeof(Values), "values");
        var arguments = constructor.GetParameters().Select((p, i) => (Expression)Expression.Convert(
            Expression.ArrayIndex(Expression.Field(values, kinds[i] switch
            {
                Kind.Text => nameof(Values.Texts),
                Kind.Number => nameof(Values.Numbers),
                Kind.WholeNumber => nameof(Values.WholeNumbers),
                Kind.Flag => nameof(Values.Flags),
                Kind.Date => nameof(Values.Dates),
                _ => nameof(Values.NumberMaps),
            }), Expression.Constant(i)), p.ParameterType));
        return Expression.Lambda<Func<Values, object>>(Expression.Convert(Expression.New(constructor, arguments), typeof(object)), values).Compile();
    }

    /// <summary>The record in <paramref name="json"/> (UTF-8, one object), or false to leave it to System.Text.Json.</summary>
    public bool TryRead(ReadOnlySpan<byte> json, out object? record)
    {
        record = null;
        try
        {
            return TryReadObject(json, ref record);
        }
        catch (JsonException)
        {
            // Malformed JSON: System.Text.Json gives the error its callers expect.
            return false;
        }
    }

    private bool TryReadObject(ReadOnlySpan<byte> json, ref object? record)
    {
        var values = _values ??= new Values();
        values.Clear(_kinds.Length);
        var seen = 0U;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped) return false;
            var index = IndexOf(reader.ValueSpan);
            if (!reader.Read()) return false;
            if (index < 0)
            {
                // Unknown properties are skipped, as System.Text.Json does by default.
                if (!reader.TrySkip()) return false;
                continue;
            }
            if ((seen & (1U << index)) != 0 || !TryReadValue(ref reader, values, index)) return false;
            seen |= 1U << index;
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;
        record = _construct(values);
        return true;
    }

    private int IndexOf(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < _names.Length; i++)
            if (name.SequenceEqual(_names[i])) return i;
        return -1;
    }

    private bool TryReadValue(ref Utf8JsonReader reader, Values values, int i)
    {
        switch (_kinds[i], reader.TokenType)
        {
            case (Kind.Text, JsonTokenType.Null) or (Kind.NumberMap, JsonTokenType.Null):
                return true;
            case (Kind.Text, JsonTokenType.String):
                values.Texts[i] = reader.GetString();
                return true;
            case (Kind.Number, JsonTokenType.Number):
                return reader.TryGetDecimal(out values.Numbers[i]);
            case (Kind.WholeNumber, JsonTokenType.Number):
                return reader.TryGetInt32(out values.WholeNumbers[i]);
            case (Kind.Flag, JsonTokenType.True) or (Kind.Flag, JsonTokenType.False):
                values.Flags[i] = reader.GetBoolean();
                return true;
            case (Kind.Date, JsonTokenType.String):
                return reader.TryGetDateTimeOffset(out values.Dates[i]);
            case (Kind.NumberMap, JsonTokenType.StartObject):
                return TryReadNumberMap(ref reader, out values.NumberMaps[i]);
            default:
                return false;
        }
    }

    private static bool TryReadNumberMap(ref Utf8JsonReader reader, out Dictionary<string, decimal>? map)
    {
        map = new Dictionary<string, decimal>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value) || !map.TryAdd(key, value))
                return false;
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }
}
