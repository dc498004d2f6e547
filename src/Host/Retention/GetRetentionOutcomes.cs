using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Host.Values;
using EventCrm.Relationship.Retention;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Retention;

/// <param name="AsOf">When the service read the outcomes: what happened to the period's requests up to this moment (less the daemon's lag).</param>
public sealed record RetentionOutcomesAnswer(DateTimeOffset AsOf, RetentionOutcomeReport Outcomes);

public static class GetRetentionOutcomesEndpoint
{
    /// <summary>
    /// How the desk does: the requests to cancel the service decided in [from, to) (default the last 12 months), each
    /// followed to its end up to now, from the RetentionCases read model (the async daemon's; it reads only the clients
    /// whose decisions span the period, never the event log).
    /// </summary>
    [WolverineGet("/api/retention/outcomes"), Authorize(Policy = Policies.Read)]
    [Answers(200, "Offers made, accepted, declined, expired and open, requests not offered by rule, the save rate, the money spent and the value kept.",
        Body = typeof(RetentionOutcomesAnswer))]
    [Answers(400, "A bad or inverted from or to, a to after today or before 1900, or a period over 50 years.")]
    public static async Task<IResult> Get(string? from, string? to, CustomerDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (ReportPeriod.Refusal(from, to, now, out var start, out var end) is { } refused) return refused;

        // PostgreSQL compares to the microsecond where decisions are kept to 100 ns: the query reads a microsecond more on
        // each side, and the report keeps the period exactly.
        var (readFrom, readTo) = (start.AddMicroseconds(-1), end.AddMicroseconds(1));
        var files = await databases.InEachAsync(session => session.Query<RetentionCases>()
            .Where(c => c.LastDecidedAt >= readFrom && c.FirstDecidedAt < readTo)
            .ToListAsync(ct));
        return Results.Ok(new RetentionOutcomesAnswer(now, RetentionOutcomeReport.Of(files.SelectMany(database => database), start, end)));
    }
}
