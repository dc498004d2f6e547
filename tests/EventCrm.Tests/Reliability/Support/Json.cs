using System.Globalization;
using System.Text;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>
/// A JSON tree written by hand, because the payloads a fuzzer needs are the ones a serializer
/// refuses to write: lone surrogates, duplicate keys, number literals out of every range,
/// bare tokens, raw bytes that are not UTF-8.
/// </summary>
public abstract record Json
{
    public static Json Str(string value) => new JsonString(value);
    public static Json Raw(string token) => new JsonRaw(token);
    public static Json Num(decimal value) => new JsonRaw(value.ToString(CultureInfo.InvariantCulture));
    public static Json Obj(params (string Key, Json Value)[] members) => new JsonObject([.. members]);
    public static Json Arr(params Json[] items) => new JsonArray([.. items]);
    public static readonly Json Null = new JsonRaw("null");

    public byte[] ToBytes(bool escapeNonAscii = false)
    {
        var text = new StringBuilder();
        Write(text, escapeNonAscii);
        return Utf8(text.ToString());
    }

    public abstract void Write(StringBuilder to, bool escapeNonAscii);

    /// <summary>UTF-8 of JSON text; lone surrogates never reach it, WriteString escapes them.</summary>
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static void WriteString(StringBuilder to, string value, bool escapeNonAscii)
    {
        to.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                // a proper pair: raw (UTF-8 of the code point) or as two escapes
                if (escapeNonAscii) to.Append($"\\u{(int)c:x4}\\u{(int)value[i + 1]:x4}");
                else to.Append(c).Append(value[i + 1]);
                i++;
            }
            else if (c == '"') to.Append("\\\"");
            else if (c == '\\') to.Append("\\\\");
            // control characters must be escaped; a lone surrogate can only be written as an escape
            else if (c < 0x20 || char.IsSurrogate(c) || escapeNonAscii && c > 0x7E) to.Append($"\\u{(int)c:x4}");
            else to.Append(c);
        }
        to.Append('"');
    }
}

public sealed record JsonString(string Value) : Json
{
    public override void Write(StringBuilder to, bool escapeNonAscii) => WriteString(to, Value, escapeNonAscii);
}

/// <summary>Written as it is: numbers, true, false, null, or any token at all.</summary>
public sealed record JsonRaw(string Token) : Json
{
    public override void Write(StringBuilder to, bool escapeNonAscii) => to.Append(Token);
}

/// <summary>Members in order; a key may appear twice.</summary>
public sealed record JsonObject(List<(string Key, Json Value)> Members) : Json
{
    public override void Write(StringBuilder to, bool escapeNonAscii)
    {
        to.Append('{');
        for (var i = 0; i < Members.Count; i++)
        {
            if (i > 0) to.Append(',');
            WriteString(to, Members[i].Key, escapeNonAscii);
            to.Append(':');
            Members[i].Value.Write(to, escapeNonAscii);
        }
        to.Append('}');
    }

    public JsonObject With(string key, Json value)
    {
        var members = Members.ToList();
        var at = members.FindIndex(m => m.Key == key);
        if (at >= 0) members[at] = (key, value);
        else members.Add((key, value));
        return new JsonObject(members);
    }

    public JsonObject Without(string key) => new([.. Members.Where(m => m.Key != key)]);
}

public sealed record JsonArray(List<Json> Items) : Json
{
    public override void Write(StringBuilder to, bool escapeNonAscii)
    {
        to.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0) to.Append(',');
            Items[i].Write(to, escapeNonAscii);
        }
        to.Append(']');
    }
}
