using EventCrm.Host.Imports;
using EventCrm.Host.Reliability;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Reliability;

public sealed class OutOfStepImportHost() : SmallPoolHost("eventcrm_out_of_step_import");

/// <summary>
/// An import (the <c>import</c> command's <see cref="TouchpointImport"/>, which <c>POST /api/imports</c>
/// shares) meeting a pooled connection whose prepared statements Npgsql lost track of
/// (<see cref="PreparedStatementsOutOfStep"/>) failed with the 26000 error, as on any database error,
/// and left the connection in the pool. Now it closes the node's pooled connections and runs again at
/// once, on fresh ones: touchpoint ids are idempotency keys, so the rows an attempt appended are
/// found there, never appended twice.
/// </summary>
public class when_an_import_meets_a_connection_out_of_step(OutOfStepImportHost app) : IClassFixture<OutOfStepImportHost>
{
    [Fact]
    public async Task it_closes_the_pool_runs_again_at_once_and_imports_every_row_once()
    {
        var customers = Enumerable.Range(0, 3).Select(_ => Ids.Customer()).ToArray();
        var file = new HistoryFile();
        foreach (var customer in customers) file.SignUp(customer, "2025-01-01T09:00:00Z").Purchase(customer, "2025-01-11T10:00:00Z");
        var path = await file.SaveAsync();
        var broken = await OutOfStepConnections.LoseTrackOnEveryIdleConnection(app.Store, poolSize: 6, () =>
        [
            // The writers' read of the profiles once the stream locks are held (StreamRows.BeginAndLockAsync): text[].
            new NpgsqlBatchCommand($"select data from {app.Schema}.mt_doc_customerprofile where id = any($1)")
                { Parameters = { new NpgsqlParameter { Value = Array.Empty<string>() } } },
        ]);
        var mark = app.Captured.Mark();

        var report = await app.Host.Services.GetRequiredService<TouchpointImport>().RunAsync(path, skipInvalid: false, null, CancellationToken.None);

        report.Outcome.ShouldBe(ImportOutcome.Completed);
        // Three customers, a signup and a purchase each: 3 x 2 = 6 rows, all new, each stored once.
        (report.Rows, report.Imported, report.Repeated).ShouldBe((6, 6, 0));
        var streams = string.Join(", ", customers.Select(c => $"'{c}'"));
        (await DataCommandLine.Count($"select count(*) from {app.Schema}.mt_events where stream_id in ({streams})")).ShouldBe(6);
        app.Captured.Since(mark).ShouldContain(e => e.Category == typeof(TouchpointImport).FullName
            && e.Message.Contains("lost track of its prepared statements") && e.Message.Contains("attempt 2 of 3"));
        // Every connection broken above was closed: none of their server processes is left.
        await Waits.Until(async () => await OutOfStepConnections.StillOpen(broken) == 0, TimeSpan.FromSeconds(10));
    }
}
