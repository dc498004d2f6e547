using System.Globalization;
using System.Text.RegularExpressions;
using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Values;

/// <summary>
/// How every route and command reads a moment: exactly <c>yyyy-MM-dd</c>, the end of that day,
/// UTC, or an ISO 8601 date and time to the minute, second or 100 ns, with <c>Z</c>, an offset or
/// none (UTC). Nothing else: a lenient parser reads <c>04/01/2025</c> in US order, <c>10:00</c> as
/// today and <c>2025-05</c> as the 1st, each a different moment from the one meant.
/// </summary>
public static partial class Moments
{
    public const string Forms = "yyyy-MM-dd (the end of that day, UTC) or an ISO 8601 date and time yyyy-MM-ddTHH:mm, " +
                                "with optional :ss and up to 7 fraction digits, then Z, ±HH:mm or nothing (UTC)";

    private static readonly string[] LocalDateTimes = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    private static readonly string[] DateTimes = [.. LocalDateTimes.SelectMany(time => new[] { time, time + "'Z'", time + "zzz" })];

    // The forms' parts, in the regular expressions below and in the pattern the OpenAPI document gives a moment.
    private const string Date = "[0-9]{4}-[0-9]{2}-[0-9]{2}";
    private const string TimeOfDay = "T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,7})?)?";
    private const string Offset = "(Z|[+-][0-9]{2}:[0-9]{2})?";

    /// <summary>
    /// The forms as a regular expression (ECMA 262, as JSON Schema reads a pattern): a bare date is no RFC 3339
    /// <c>date-time</c>, nor is a date and time without an offset, so a body's moment is declared by this.
    /// </summary>
    public const string Pattern = "^" + Date + "(" + TimeOfDay + Offset + ")?$";

    [GeneratedRegex("^" + Date + TimeOfDay + Offset + "$", RegexOptions.CultureInvariant)]
    private static partial Regex DateAndTime();

    /// <summary>A + sent unencoded in a query string arrives as a space: the offset is then "  01:00".</summary>
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)? [0-9]{2}:[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlusReadAsSpace();

    /// <summary>Null when the text is a moment (a bare date: the end of that day); otherwise what is wrong with it, saying the accepted forms.</summary>
    public static string? Problem(string text, out DateTimeOffset moment) => Read(text, TimeOnly.MaxValue, Forms, out moment);

    public const string BoundForms = "yyyy-MM-dd (the start of that day, UTC) or yyyy-MM-ddTHH:mm, with optional :ss and up to 7 " +
                                     "fraction digits, then Z, ±HH:mm or nothing (UTC), e.g. 2025-03-01 or 2025-03-01T10:15:00Z";

    /// <summary>
    /// A bound of a window [from, to) (an export, the KPIs' period): the same forms, but a date alone
    /// is the start of that day, so that from=2025-03-01&amp;to=2025-04-01 is March.
    /// </summary>
    public static string? BoundProblem(string text, out DateTimeOffset moment) => Read(text, TimeOnly.MinValue, BoundForms, out moment);

    private static string? Read(string text, TimeOnly timeOfABareDate, string forms, out DateTimeOffset moment)
    {
        moment = default;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            moment = new DateTimeOffset(date.ToDateTime(timeOfABareDate), TimeSpan.Zero);
            return null;
        }
        if (BareDate().IsMatch(text)) return $"names a day that does not exist; it must be {forms}";
        if (PlusReadAsSpace().IsMatch(text))
            return $"has a space where its offset's sign should be: a + in a query string must be sent as %2B. It must be {forms}";
        if (!DateAndTime().IsMatch(text)) return $"must be {forms}";
        if (DateTimeOffset.TryParseExact(text, DateTimes, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out moment))
            return null;
        return $"{WhyNoMoment(text)}; it must be {forms}";
    }

    [GeneratedRegex("^" + Date + "$", RegexOptions.CultureInvariant)]
    private static partial Regex BareDate();

    /// <summary>
    /// Why a text of the right form names no moment: the bare "must be" a wrong form gets would send
    /// the caller looking for a typing mistake that is not there.
    /// </summary>
    private static string WhyNoMoment(string text)
    {
        var zulu = text.EndsWith('Z');
        var offsetAt = text.Length - 6;
        var offset = !zulu && text[offsetAt] is '+' or '-' ? text[(offsetAt + 1)..] : null;
        var local = zulu ? text[..^1] : offset is null ? text : text[..offsetAt];
        if (!DateTime.TryParseExact(local, LocalDateTimes, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            return "names a day or a time of day that does not exist";
        if (offset is not null)
        {
            var (hours, minutes) = (int.Parse(offset[..2], CultureInfo.InvariantCulture), int.Parse(offset[3..], CultureInfo.InvariantCulture));
            if (minutes > 59) return "has an offset whose minutes are not 00 to 59";
            if (hours * 60 + minutes > 14 * 60) return "has an offset beyond ±14:00";
        }
        return "falls outside the years 0001 to 9999 once its offset is applied";
    }

    /// <summary>A 400 naming the parameter when the text is not a moment; null when it is.</summary>
    public static IResult? Refusal(string parameter, string text, out DateTimeOffset moment) =>
        Problem(text, out moment) is { } problem ? Problems.Invalid(parameter, problem) : null;

    /// <summary>
    /// A business time to value at: a moment no later than the end of today, today being the date
    /// anywhere on Earth (up to UTC+14: a reader east of UTC picks its own date after its midnight).
    /// A later one is refused rather than valued: nothing is known of days to come, and formulas that
    /// measure rates up to it would spread the customer's purchases over them.
    /// </summary>
    public static string? PastProblem(string text, DateTimeOffset now, out DateTimeOffset moment) =>
        Problem(text, out moment) ?? (moment > EndOfToday(now)
            ? $"must not be after today ({now.UtcDateTime:yyyy-MM-dd} UTC, {EndOfToday(now):yyyy-MM-dd} where the day has begun): values are known up to now"
            : null);

    /// <summary><see cref="PastProblem"/> as a 400 naming the parameter.</summary>
    public static IResult? PastRefusal(string parameter, string text, DateTimeOffset now, out DateTimeOffset moment) =>
        PastProblem(text, now, out moment) is { } problem ? Problems.Invalid(parameter, problem) : null;

    /// <summary>No touchpoint occurred earlier (the floor of <c>occurredAt</c>).</summary>
    public static readonly DateTimeOffset EarliestBusinessTime = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The end of a period [from, to) over business time (<see cref="BoundProblem"/>'s forms), from
    /// 1900-01-01 up to the start of the day after today (today as in <see cref="PastProblem"/>, so
    /// that to=tomorrow's date takes in the whole of today). A later end would report the customers
    /// "at the end" of days not lived yet, today's states passed off as theirs; one before 1900, or in
    /// the year 9999, left no room for the period's year before it or its months after it (a 500).
    /// </summary>
    public static string? PeriodEndProblem(string text, DateTimeOffset now, out DateTimeOffset moment)
    {
        if (BoundProblem(text, out moment) is { } problem) return problem;
        var latest = EndOfToday(now).AddTicks(1);
        if (moment > latest)
            return $"must not be after {latest:yyyy-MM-dd} (the start of the day after today, where the day has begun): nothing is known of days to come";
        return moment < EarliestBusinessTime ? $"must not be before {EarliestBusinessTime:yyyy-MM-dd}: no touchpoint occurred earlier" : null;
    }

    private static DateTimeOffset EndOfToday(DateTimeOffset now) =>
        new(DateOnly.FromDateTime(now.UtcDateTime.AddHours(EarliestOffsetHours)), TimeOnly.MaxValue, TimeSpan.Zero);

    /// <summary>The first time zone to start a day (Kiribati's Line Islands).</summary>
    private const int EarliestOffsetHours = 14;
}
