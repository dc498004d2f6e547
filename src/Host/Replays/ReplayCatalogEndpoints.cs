using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Value;
using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Replays;

public sealed record ReplayListView(int Page, int PageSize, long Total, IReadOnlyList<ReplayView> Items);

public static class ListReplaysEndpoint
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private static readonly string[] States = [ReplayStates.Running, ReplayStates.Completed, ReplayStates.Failed, ReplayStates.Interrupted];

    /// <summary>The replays asked for so far, newest first: a data team finds its runs again, and the ones to delete.</summary>
    [WolverineGet("/api/replays"), Authorize(Policy = Policies.Replays)]
    [Answers(200, "The replays asked for so far, the newest first.", Body = typeof(ReplayListView))]
    [Answers(400, "A malformed formula, an unknown state, or a page or pageSize out of range.")]
    [Pages(DefaultPageSize, MaxPageSize)]
    public static async Task<IResult> Get(string? formula, [Words(typeof(ReplayStates))] string? state, int? page, int? pageSize, IQuerySession session, TimeProvider clock,
        CancellationToken ct)
    {
        var (number, size, badPage) = PageBounds.Read(page, pageSize, DefaultPageSize, MaxPageSize);
        if (badPage is not null) return badPage;
        if (state is not null && !States.Contains(state)) return Problems.Invalid("state", $"must be one of {string.Join(", ", States)}");
        if (QueryText.HoldsNul(formula)) return Problems.Invalid("formula", QueryText.NulRule);
        if (formula is not null && FormulaRegistry.Malformed(formula) is { } malformed) return Problems.Invalid("formula", malformed);

        var runs = session.Query<ReplayRun>().AsQueryable();
        // Running and interrupted are both stored running: which one a run is, only the lock tells.
        var stored = state == ReplayStates.Interrupted ? ReplayStates.Running : state;
        if (stored is not null) runs = runs.Where(r => r.State == stored);
        if (formula is not null)
        {
            // A bare name lists the replays of every version of it.
            var at = formula.LastIndexOf('@');
            var name = (at < 0 ? formula : formula[..at]).Trim();
            runs = runs.Where(r => r.Formula.Name == name);
            if (at >= 0)
            {
                var version = int.Parse(formula[(at + 1)..], CultureInfo.InvariantCulture);
                runs = runs.Where(r => r.Formula.Version == version);
            }
        }
        var now = clock.GetUtcNow();
        var newestFirst = runs.OrderByDescending(r => r.StartedAt).ThenBy(r => r.Id);
        if (stored == ReplayStates.Running)
        {
            // Unfinished runs are few (a service's are bounded by Replays:MaxUnfinished): told apart whole, then paged.
            var told = (await ReplayView.OfAsync(await newestFirst.ToListAsync(ct), session, now, ct)).Where(v => v.State == state).ToList();
            return Results.Ok(new ReplayListView(number, size, told.Count, [.. told.Skip((number - 1) * size).Take(size)]));
        }
        var total = await runs.CountAsync(ct);
        var shown = await newestFirst.Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return Results.Ok(new ReplayListView(number, size, total, [.. await ReplayView.OfAsync(shown, session, now, ct)]));
    }
}

public static class DeleteReplayEndpoint
{
    /// <summary>
    /// Deletes a replay and its results (derived data: the log is untouched, and asking for the same
    /// replay again computes it anew). The engine computing a replay holds its lock from start to
    /// end, so taking it here means none is writing, and none can start on it until the deletion is
    /// committed; one that starts later finds nothing to compute. A replay waiting its turn, or one
    /// whose command was stopped (interrupted), can be deleted.
    /// </summary>
    [WolverineDelete("/api/replays/{id}"), Authorize(Policy = Policies.Replays), TakesNoBody]
    [Answers(204, "The replay and its results were deleted.")]
    [Answers(404, "An unknown replay.")]
    [Answers(409, "An engine is computing the replay.")]
    public static async Task<IResult> Delete(string id, IDocumentStore store, ILogger<ReplayRun> logger, CancellationToken ct)
    {
        await using var guard = store.Storage.Database.CreateConnection();
        await guard.OpenAsync(ct);
        if (!await ReplayStorage.TryTakeAsync(guard, id, ct))
            return Problems.Conflict($"Replay '{id}' is being computed; delete it once it has completed or failed.");
        try
        {
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<ReplayRun>(id, ct) is not { } run) return GetReplayEndpoint.UnknownReplay(id);
            session.Delete<ReplayRun>(id);
            session.QueueSqlCommand($"delete from {store.Options.DatabaseSchemaName}.{ReplayStorage.TableName} where replay_id = ?", id);
            await session.SaveChangesAsync(ct);
            logger.LogInformation("Replay {Replay} of {Formula} ({State}) deleted with its results", id, run.Formula, run.State);
            return Results.NoContent();
        }
        finally
        {
            await ReplayStorage.ReleaseAsync(guard, id);
        }
    }
}
