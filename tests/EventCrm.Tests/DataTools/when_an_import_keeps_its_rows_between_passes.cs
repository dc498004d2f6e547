using EventCrm.Host.Imports;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>A Host that keeps no row between an import's passes: its append pass reads the file again.</summary>
public sealed class RereadingImportHost() : SchemaHost(SchemaName, (TouchpointImport.KeptBetweenPassesKey, "0"), ("Marten:Daemon", "off"))
{
    private static readonly string SchemaName = $"eventcrm_reread_{Environment.ProcessId}";

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}

/// <summary>
/// A file of up to Import:KeptBetweenPasses rows is kept between the passes as the check read it:
/// the append pass appends what was checked. A larger one is read again, batch by batch.
/// </summary>
public class when_an_import_keeps_its_rows_between_passes(AppFixture app, RereadingImportHost rereading) : IClassFixture<RereadingImportHost>
{
    private static async Task<(string Path, List<string> Customers)> TwoBatchesAndABadRow()
    {
        var customers = Enumerable.Range(0, 1_500).Select(_ => Ids.Customer()).ToList();
        var file = new HistoryFile();
        foreach (var customer in customers) file.SignUp(customer, "2023-05-01T10:00:00Z").Purchase(customer, "2023-06-01T10:00:00Z");
        file.Purchase(customers[0], "2023-07-01T10:00:00Z", amount: "oops");
        return (await file.SaveAsync(), customers);
    }

    [Fact]
    public async Task a_file_changed_after_its_check_is_imported_as_it_was_checked()
    {
        var (path, customers) = await TwoBatchesAndABadRow();
        var stranger = Ids.Customer();

        var report = await app.Host.Services.GetRequiredService<TouchpointImport>().RunAsync(path, skipInvalid: true, (phase, done) =>
        {
            if (phase == ImportPhase.Checking && done == 1)
                File.WriteAllText(path, new HistoryFile().SignUp(stranger, "2023-05-01T10:00:00Z").ToString());
        }, CancellationToken.None);

        (report.Outcome, report.Rows, report.Imported).ShouldBe((ImportOutcome.Completed, 3_001, 3_000));
        (await app.Store.EventCount(customers[^1])).ShouldBe(2);
        (await app.Store.EventCount(stranger)).ShouldBe(0, "the row written after the check was never checked");
        File.Delete(path);
    }

    [Fact]
    public async Task a_file_too_large_to_keep_is_read_again_and_its_valid_rows_appended()
    {
        var (path, customers) = await TwoBatchesAndABadRow();

        var report = await rereading.Host.Services.GetRequiredService<TouchpointImport>().RunAsync(path, skipInvalid: true, null, CancellationToken.None);

        (report.Outcome, report.Rows, report.Imported).ShouldBe((ImportOutcome.Completed, 3_001, 3_000));
        report.Rejected.Select(r => r.Line).ShouldBe([3_002]);
        (await rereading.Store.EventCount(customers[0])).ShouldBe(2);
        (await rereading.Store.EventCount(customers[^1])).ShouldBe(2);
        File.Delete(path);
    }
}
