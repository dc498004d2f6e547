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
/// found there, never appended twice, and reported as imported, as if the import had run once: only the rows stored before the
/// import count as already there.
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
        await Waits.Until(async () => await OutOfStepConnections.StillOpen(broken) == 0, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task after_a_batch_committed_the_rows_it_appended_count_as_imported_and_those_stored_before_as_already_there()
    {
        // One customer, so the batches go one after the other: a signup and 1,499 purchases, 1,500 rows, the first 200 imported before.
        var customer = Ids.Customer();
        var file = new HistoryFile().SignUp(customer, "2020-01-01T09:00:00Z");
        foreach (var day in Enumerable.Range(1, 1_499)) file.Purchase(customer, $"{new DateTime(2020, 1, 1, 10, 0, 0).AddDays(day):yyyy-MM-ddTHH:mm:ss}Z");
        var lines = file.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var path = await file.SaveAsync();
        var firstRows = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(firstRows, lines.Take(1 + 200));
        var import = app.Host.Services.GetRequiredService<TouchpointImport>();
        (await import.RunAsync(firstRows, skipInvalid: false, null, CancellationToken.None)).Imported.ShouldBe(200);

        // Once the first batch has committed, every idle connection loses track of the writers' read of the profiles.
        var breaking = 0;
        int[] broken = [];
        var mark = app.Captured.Mark();
        var report = await import.RunAsync(path, skipInvalid: false, (phase, _) =>
        {
            if (phase != ImportPhase.Appending || Interlocked.Exchange(ref breaking, 1) == 1) return;
            broken = Task.Run(() => OutOfStepConnections.LoseTrackOnEveryIdleConnection(app.Store, poolSize: 6, () =>
            [
                new NpgsqlBatchCommand($"select data from {app.Schema}.mt_doc_customerprofile where id = any($1)")
                    { Parameters = { new NpgsqlParameter { Value = Array.Empty<string>() } } },
            ])).GetAwaiter().GetResult();
        }, CancellationToken.None);

        // A batch of 1,000 rows goes on by up to 100 to the end of its customer's run (ImportBatches.CustomerRunAllowance): lines
        // 2-1,101, then 1,102-1,501. The first run appends the first batch but the 200 rows stored before: 900; its second batch fails.
        // The second run finds the first batch stored (1,100 repeated) and appends the second's 400. Imported: 400 + the first run's
        // 900 = 1,300; already there: 1,100 - 900 = 200, the rows stored before the import.
        report.Outcome.ShouldBe(ImportOutcome.Completed);
        (report.Rows, report.Imported, report.Repeated).ShouldBe((1_500, 1_300, 200));
        (await DataCommandLine.Count($"select count(*) from {app.Schema}.mt_events where stream_id = '{customer}'")).ShouldBe(1_500);
        app.Captured.Since(mark).ShouldContain(e => e.Category == typeof(TouchpointImport).FullName
            && e.Message.Contains("900 touchpoints appended so far") && e.Message.Contains("attempt 2 of 3"));
        await Waits.Until(async () => await OutOfStepConnections.StillOpen(broken) == 0, TimeSpan.FromSeconds(30));
        File.Delete(path);
        File.Delete(firstRows);
    }
}
