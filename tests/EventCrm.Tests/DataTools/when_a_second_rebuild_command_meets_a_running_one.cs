using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Two operators run `rebuild` on one projection, with no service running. The second used to
/// be told that "a running service holds" the projection while the first command was rebuilding
/// it (or, once the first had released the lock, to rebuild over it); it is told the projection
/// is already being rebuilt, and touches nothing.
/// </summary>
public class when_a_second_rebuild_command_meets_a_running_one
{
    // Per test process: developers share one database, and a second run must not drop this one's schema.
    private static readonly string Schema = $"eventcrm_cli_second_rebuild_{Environment.ProcessId}";

    [Fact]
    public async Task it_is_refused_as_already_being_rebuilt_and_nothing_is_recorded()
    {
        await DataCommandLine.DropSchema(Schema);
        try
        {
            await using (await RebuildClaimHeld.By(Schema, "CustomerLedger"))
            {
                var second = await DataCommandLine.Run(Schema, "rebuild", "--projection", "CustomerLedger");

                second.ExitCode.ShouldBe(1, second.Output);
                second.Errors.ShouldContain("rebuild: 'CustomerLedger' is already being rebuilt");
                second.Errors.ShouldNotContain("A running service holds");
                // No rebuild was recorded: the table of rebuild records is made by the first one.
                (await DataCommandLine.Count($"select count(*) from pg_tables where schemaname = '{Schema}' and tablename = 'mt_doc_projectionrebuild'")).ShouldBe(0);
            }
        }
        finally
        {
            await DataCommandLine.DropSchema(Schema);
        }
    }
}
