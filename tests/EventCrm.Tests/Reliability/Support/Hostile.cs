using System.Text;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>The raw material of hostile requests: strings, numbers, values of the wrong type, and ways to damage a body.</summary>
public static class Hostile
{
    /// <summary>Unicode a naive reader trips on: lone and reversed surrogates, direction overrides, zero widths, emoji, NUL and controls, non-characters.</summary>
    public static readonly string[] Unicode =
    [
        "\uD800", "\uDFFF", "a\uDC00b", "\uDC00\uD800", "x\uD83D", "\uD83D\uDE00\uD83D",
        "\u202E", "abc\u202Edef\u202C", "\u200F\u05E9\u05DC\u05D5\u05DD", "\u0645\u0631\u062D\u0628\u0627", "\u2067isolate\u2069",
        "\u200B", "a\u200Db", "\uFEFF", "\u2060\u180E", "\u00AD",
        "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466", "\U0001F1E9\U0001F1EA", "\U0001F44D\U0001F3FD",
        "\u0000", "a\u0000b", "\u0001\u0002\u001F", "\u007F", "\u0085", "\u2028\u2029", "\t\r\n",
        "\uFFFF", "\uFFFE", "\U0010FFFF", "\U000E0001", "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",
        "\u3000", "\u00A0", "Z\u0336\u0335\u0334a\u0337lgo", "\u1E9E\u00DF", "\u0130\u0131", "\uFDD0",
    ];

    public static readonly string[] Injections =
    [
        "'; drop table mt_events; --", "' OR '1'='1", "1; select pg_sleep(30); --", "$$; delete from mt_streams; $$", "\\x00",
        "%00", "E'\\\\'", "'); truncate eventcrm_tests.mt_events cascade; --", "\" or \"\"=\"", "1' and (select count(*) from pg_stat_activity) > 0 --",
        "{\"$ne\": null}", "@> '{}'", "->> 'a'", "?| array['a']", "::jsonb", "/* */", "--",
        "../../../etc/passwd", "..%2F..%2F", "%2e%2e%2f", "system:formula-registry", "system:", "\\\\server\\share",
        "{0}{1}%s%n%x", "${jndi:ldap://x/a}", "<script>alert(1)</script>", "<!--", "]]>", "&amp;", "*", "?", "#", "/",
        "1e400", "NaN", "Infinity", "-0", "null", "true", "undefined", "[]", "{}", "", " ", "   \t  ",
    ];

    /// <summary>Number tokens outside every range, of the wrong shape, or not JSON at all.</summary>
    public static readonly string[] Numbers =
    [
        "1e999", "-1e999", "1e-999", "79228162514264337593543950336", "-79228162514264337593543950336",
        "123456789012345678901234567890123456789012345678901234567890", "2147483648", "-2147483649", "9223372036854775808",
        "0.000000000000000000000000000000001", "1.7976931348623157e309", "-1", "-0.01", "NaN", "Infinity", "-Infinity",
        "0x10", "01", "+1", "1.", ".5", "-", "1e", "1e+", "--1", "1_000", "1,5", "١٢٣",
    ];

    public static readonly string[] Roles = ["ingest", "desk", "auditor", "data", "admin"];

    /// <summary>A hostile string: one of the lists, a mix of them, or one repeated to a great length.</summary>
    public static string Text(SeededRandom r) => r.Next(10) switch
    {
        < 4 => r.Pick(Unicode),
        < 7 => r.Pick(Injections),
        7 => string.Concat(Enumerable.Range(0, r.Between(2, 5)).Select(_ => r.Chance(0.5) ? r.Pick(Unicode) : r.Pick(Injections))),
        8 => new string(r.Pick(new[] { 'a', '\u00E9', '\u202E', '\u200B' }), r.Pick(new[] { 101, 201, 255, 501, 4_097, 70_000 })),
        _ => string.Concat(Enumerable.Repeat(r.Pick(Unicode), r.Between(50, 3_000))),
    };

    /// <summary>A value that is hostile whatever type the field wants (never null: callers add that themselves).</summary>
    public static Json Value(SeededRandom r, int depth = 0) => r.Next(depth > 2 ? 3 : 6) switch
    {
        0 => Json.Str(Text(r)),
        1 => Json.Raw(r.Pick(Numbers)),
        2 => Json.Raw(r.Pick(new[] { "true", "false", "null", "[]", "{}", "\"\"", "[null]", "{\"\":null}" })),
        3 => Json.Arr([.. Enumerable.Range(0, r.Between(1, 4)).Select(_ => Value(r, depth + 1))]),
        4 => Json.Obj([.. Enumerable.Range(0, r.Between(1, 3)).Select(_ => (Text(r), Value(r, depth + 1)))]),
        _ => Json.Str(Text(r) + Text(r)),
    };

    /// <summary>A value of a type no string field accepts.</summary>
    public static Json NotAString(SeededRandom r) => r.Next(4) switch
    {
        0 => Json.Raw(r.Pick(Numbers.Where(n => !n.StartsWith('N') && !n.Contains('I')).ToArray())),
        1 => Json.Raw(r.Pick(new[] { "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}" })),
        2 => Json.Arr(Json.Str(Text(r))),
        _ => Json.Obj((Text(r), Json.Str(Text(r)))),
    };

    /// <summary>A value of a type no number field accepts, or a number token none can hold.</summary>
    public static Json NotANumber(SeededRandom r) => r.Next(4) switch
    {
        // Numbers in strings are read as numbers (web JSON options): only strings that are none.
        0 => Json.Str(r.Chance(0.5) ? r.Pick(new[] { "1e999", "79228162514264337593543950336", "NaN", "Infinity", "0x10", "1_000", "1,5", "\u0661\u0662", "12abc" }) : "x" + Text(r)),
        1 => Json.Raw(r.Pick(new[] { "1e999", "-1e999", "79228162514264337593543950336", "NaN", "Infinity", "0x10", "01", "+1", ".5", "1." })),
        2 => Json.Raw(r.Pick(new[] { "true", "false", "[]", "{}", "[1]", "{\"a\":1}" })),
        _ => Json.Arr(Json.Num(r.Between(0, 100))),
    };

    /// <summary>
    /// Damages serialized JSON at the byte level (truncates, flips bits, removes or adds structure,
    /// inserts bytes that are not UTF-8) until no JSON reader, however lenient, accepts it: a flip in
    /// a key could otherwise turn a refused request into a different, acceptable one.
    /// </summary>
    public static byte[] Damage(byte[] body, SeededRandom r)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var damaged = DamageOnce(body, r);
            if (!IsJson(damaged)) return damaged;
        }
        return body.Length > 1 ? body[..^1] : [(byte)'{'];
    }

    private static readonly System.Text.Json.JsonDocumentOptions Lenient = new()
    {
        AllowTrailingCommas = true, CommentHandling = System.Text.Json.JsonCommentHandling.Skip, MaxDepth = 100_000,
    };

    public static bool IsJson(byte[] bytes)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(bytes, Lenient);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static byte[] DamageOnce(byte[] body, SeededRandom r)
    {
        var bytes = body.ToList();
        if (bytes.Count == 0) return [(byte)'{'];
        switch (r.Next(6))
        {
            case 0:   // truncated: never empty, never whole
                return [.. bytes.Take(r.Between(1, Math.Max(1, bytes.Count - 1)))];
            case 1:   // a few bytes flipped
                for (var i = 0; i < r.Between(1, 4); i++) bytes[r.Next(bytes.Count)] ^= (byte)(1 << r.Next(8));
                break;
            case 2:   // bytes that are not UTF-8 inside a string or between tokens
                bytes.InsertRange(r.Next(bytes.Count), r.Pick(InvalidUtf8));
                break;
            case 3:   // a structural character removed
                var structural = Enumerable.Range(0, bytes.Count).Where(i => "{}[]:,\"".Contains((char)bytes[i])).ToArray();
                if (structural.Length > 0) bytes.RemoveAt(r.Pick(structural));
                else bytes.RemoveAt(r.Next(bytes.Count));
                break;
            case 4:   // a structural character added
                bytes.Insert(r.Next(bytes.Count), (byte)r.Pick("{}[]:,\"\\".ToCharArray()));
                break;
            default:   // trailing garbage after a complete value
                bytes.AddRange(Encoding.UTF8.GetBytes(r.Pick(new[] { "}", "]", ",", "x", "{}", "\u0000", " //c", "/*", "\"" })));
                break;
        }
        return [.. bytes];
    }

    public static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xBF, 0xBF], [0x00],
    ];

    /// <summary>Nesting deeper than any reader should follow (or just deep enough to pass).</summary>
    public static byte[] DeeplyNested(SeededRandom r, bool objects)
    {
        var depth = r.Pick(new[] { 20, 65, 100, 1_000, 10_000, 100_000 });
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++) text.Append(objects ? "{\"a\":" : "[");
        text.Append(r.Chance(0.5) ? "1" : "\"x\"");
        if (r.Chance(0.8)) for (var i = 0; i < depth; i++) text.Append(objects ? '}' : ']');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>An object with a great many members, or one member repeated.</summary>
    public static Json Wide(SeededRandom r) => r.Chance(0.5)
        ? Json.Obj([.. Enumerable.Range(0, r.Pick(new[] { 1_000, 20_000 })).Select(i => ($"k{i}", (Json)Json.Num(i)))])
        : Json.Obj([.. Enumerable.Range(0, r.Pick(new[] { 100, 5_000 })).Select(_ => ("type", Json.Str("purchase")))]);

    /// <summary>Random bytes, sometimes starting like JSON so that the reader goes some way before it fails.</summary>
    public static byte[] Noise(SeededRandom r)
    {
        var bytes = r.Bytes(r.Pick(new[] { 1, 2, 7, 64, 1_000, 20_000 }));
        if (r.Chance(0.3)) bytes[0] = (byte)'{';
        if (r.Chance(0.2) && bytes.Length > 1) bytes[0] = (byte)'[';
        return bytes;
    }

    /// <summary>Bodies that are not a request at all (whitespace, a byte-order mark, a bare word).</summary>
    public static readonly string[] NotABody = ["", " ", "\r\n\t", "\uFEFF", "\uFEFF ", "x", "undefined", "'{}'", "{", "[", "]", "}", "\"", ",", "//", "/*x*/"];
}
