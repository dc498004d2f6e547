using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Values;

/// <summary>
/// The period [from, to) of a report over business time (the KPIs, the retention desk's outcomes), read and refused
/// alike by every report: bounds in <see cref="Moments.BoundProblem"/>'s forms (a date alone is the start of that day,
/// UTC), <c>to</c> by default now and at most the start of the day after today where the day has begun, <c>from</c> by
/// default a year before <c>to</c>, never after it, and at most <see cref="MaxYears"/> years before it.
/// </summary>
public static class ReportPeriod
{
    public const int MaxYears = 50;

    /// <summary>A 400 naming the bound at fault, or null with the period read.</summary>
    public static IResult? Refusal(string? from, string? to, DateTimeOffset now, out DateTimeOffset start, out DateTimeOffset end)
    {
        start = default;
        end = now;
        if (to is not null && Moments.PeriodEndProblem(to, now, out end) is { } badTo) return Problems.Invalid("to", badTo);
        start = end.AddYears(-1);
        if (from is not null && Moments.BoundProblem(from, out start) is { } badFrom) return Problems.Invalid("from", badFrom);
        if (start > end) return Problems.Invalid("from", "must not be after to");
        // A KPI cohort per month: a period of centuries would be an answer of millions of points.
        if (start < end.AddYears(-MaxYears)) return Problems.Invalid("from", $"must be at most {MaxYears} years before to");
        return null;
    }
}
