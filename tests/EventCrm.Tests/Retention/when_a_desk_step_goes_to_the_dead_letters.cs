using EventCrm.Host.Reliability;
using EventCrm.Host.Retention;
using EventCrm.Host.Telemetry;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;
using Wolverine;

namespace EventCrm.Tests.Retention;

public sealed class DeadLetterHost() : SchemaHost("eventcrm_dead_letters")
{
    /// <summary>The customers whose retention offers the database refuses to record: ids only one scenario gives.</summary>
    public const string RefusedOffers = "refused-offer-";

    /// <summary>What the database answers a refused offer's insert with (PostgreSQL's code for a raised exception: P0001).</summary>
    public const string Refusal = "no offers today";

    private const string Trigger = "refuse_retention_offers";

    public CapturedLogs Log { get; } = new();

    protected override CapturedLogs? Logs => Log;

    /// <summary>
    /// A trigger refusing the retention offers of <see cref="RefusedOffers"/>' customers, made before the Host starts:
    /// made under the running Host it put the Host's pooled connections out of step with the table ("Received
    /// unexpected backend message DataRow", a 500, one run in three). Every other insert passes.
    /// </summary>
    protected override async Task BeforeStartAsync()
    {
        // The events table is Marten's to make, at a Host's start: a database that never held this schema gets it
        // from a Host started and stopped before the trigger is made.
        if (await DataCommandLine.Count($"select count(*) from pg_tables where schemaname = '{Schema}' and tablename = 'mt_events'") == 0)
        {
            var first = await AppFixture.StartHost(Schema);
            await first.StopAsync();
            await first.DisposeAsync();
        }
        await DataCommandLine.Execute($"""
            create or replace function {Schema}.{Trigger}() returns trigger language plpgsql as $$
            begin
                raise exception '{Refusal}';
            end $$;
            drop trigger if exists {Trigger} on {Schema}.mt_events;
            create trigger {Trigger} before insert on {Schema}.mt_events for each row
                when (new.type = 'retention-offer-made' and new.stream_id like '{RefusedOffers}%') execute function {Schema}.{Trigger}();
            """);
    }

    /// <summary>The schema is left as Marten makes it.</summary>
    protected override Task AfterStopAsync() =>
        DataCommandLine.Execute($"drop trigger if exists {Trigger} on {Schema}.mt_events; drop function if exists {Schema}.{Trigger}()");
}

/// <summary>
/// A desk step Wolverine gives up (moves to its dead letters, <c>wolverine_dead_letters</c>) never runs
/// again by itself: its request stays unassessed, its offer unexpired. Wolverine's own entry about it
/// carries the exception, and the log held it back whenever that was a database outage's: nothing at
/// the default levels said so. Now every dead-lettering is told in an error line of the service's own,
/// naming the message, its customer and how to replay it (<see cref="DeadLetterNotices"/>).
/// </summary>
public class when_a_desk_step_goes_to_the_dead_letters(DeadLetterHost app) : IClassFixture<DeadLetterHost>
{
    [Fact]
    public async Task an_error_line_names_the_step_its_customer_and_how_to_replay_it()
    {
        // A customer id PostgreSQL refuses to store (a NUL character: 22021): the step's first statement
        // fails with an error no retry mends, and Wolverine moves the message to its dead letters at once.
        const string customer = "dead\0letter";
        var mark = app.Log.Mark();
        using (var scope = app.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new ExpireRetentionOffer(customer, "offer:never-made"));

        var notice = await Waits.For(() => app.Log.Since(mark).FirstOrDefault(e => e.Category == DeadLetterNotices.Category), TimeSpan.FromSeconds(30));

        notice.Level.ShouldBe(LogLevel.Error);
        notice.Exception.ShouldBeNull("the line carries no exception, which an outage's log would hold back");
        notice.Message.ShouldContain("EventCrm.Host.Retention.ExpireRetentionOffer");
        notice.Message.ShouldContain($"customer {customer} (offer offer:never-made)");
        notice.Message.ShouldContain("22021");
        notice.Message.ShouldContain($"update {app.Schema}.wolverine_dead_letters set replayable = true where id = '");
    }

    [Fact]
    public async Task the_replay_the_line_gives_runs_the_step_again()
    {
        const string customer = "replayed\0letter";
        var mark = app.Log.Mark();
        using (var scope = app.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new ExpireRetentionOffer(customer, "offer:never-made"));
        var first = await Waits.For(() => app.Log.Since(mark).FirstOrDefault(e => e.Category == DeadLetterNotices.Category), TimeSpan.FromSeconds(30));

        // The statement as the line gives it, run as an operator would.
        var update = first.Message[first.Message.IndexOf("update ", StringComparison.Ordinal)..first.Message.IndexOf(" (docs/", StringComparison.Ordinal)];
        var afterFirst = app.Log.Mark();
        (await DataTools.DataCommandLine.Count($"with replayed as ({update} returning 1) select count(*) from replayed")).ShouldBe(1);

        // Wolverine's durability agent moves it back to the inbox; the step runs again (and, its customer
        // id being what it is, goes to the dead letters again: a second line).
        var second = await Waits.For(() => app.Log.Since(afterFirst).FirstOrDefault(e => e.Category == DeadLetterNotices.Category), TimeSpan.FromSeconds(60));
        second.Message.ShouldContain($"customer {customer} (offer offer:never-made)");
    }

    [Fact]
    public async Task the_dead_letters_waiting_are_a_gauge_read_from_the_table_and_a_warning_at_start()
    {
        var waiting = app.Host.Services.GetRequiredService<DeadLettersWaiting>();
        using var metrics = new RecordedMetrics(app.Host.Services);
        var before = (await waiting.CountAsync(default)).Single().Count;

        const string customer = "counted\0letter";
        using (var scope = app.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new ExpireRetentionOffer(customer, "offer:never-made"));

        // One more row waits than before, whichever node (or process) moved it there: Wolverine's own
        // wolverine-dead-letter-queue counts only what this node moved since it started.
        await Waits.Until(async () => (await waiting.CountAsync(default)).Single().Count == before + 1, TimeSpan.FromSeconds(30));
        var gauge = metrics.Observe("eventcrm.dead_letters.waiting").Single();
        gauge.Value.ShouldBe(before + 1);
        gauge.Tags[EventCrmMetrics.Database].ShouldBe("Main");

        // As a node starting tells it, once.
        var mark = app.Log.Mark();
        await waiting.CountAndWarnAsync(default);
        var warning = app.Log.Since(mark).Single(e => e.Category == typeof(DeadLettersWaiting).FullName);
        warning.Level.ShouldBe(LogLevel.Warning);
        warning.Message.ShouldStartWith($"{before + 1} dead letter(s) wait in database Main since ");
        warning.Message.ShouldEndWith("see docs/operations.md, \"Dead letters\"");

    }

    [Fact]
    public async Task an_offer_whose_commit_fails_is_not_logged_as_made_and_the_notice_is_one_line_with_postgres_own_error()
    {
        // Two clients worth keeping (Alpha: 8,000 of margin a year) ask to cancel; the database refuses to record the first
        // one's offer (the fixture's trigger): the assessment's commit fails with Marten's MartenCommandException, whose
        // message holds the whole SQL batch, many lines, and Wolverine moves the step to its dead letters.
        var mark = app.Log.Mark();
        var refused = await RetentionClients.Alpha(app.Host, margin: 800m, id: $"{DeadLetterHost.RefusedOffers}{Guid.NewGuid():N}");
        var kept = await RetentionClients.Alpha(app.Host);
        await RetentionClients.RequestCancellation(app.Host, refused);
        await RetentionClients.RequestCancellation(app.Host, kept);

        var notice = await Waits.For(() => app.Log.Since(mark).FirstOrDefault(e => e.Category == DeadLetterNotices.Category && e.Message.Contains(refused)),
            TimeSpan.FromSeconds(60));
        notice.Message.ShouldNotContain("\n");
        notice.Message.ShouldStartWith("EventCrm.Host.Retention.AssessCancellation ");
        notice.Message.ShouldContain($"(the assessment of a request to cancel) of customer {refused} (cancellation ");
        notice.Message.ShouldContain($": MartenCommandException: PostgreSQL P0001 {DeadLetterHost.Refusal}. It does not run again by itself.");
        notice.Message.ShouldNotContain("insert into", Case.Insensitive);
        notice.Message.ShouldContain($"update {app.Schema}.wolverine_dead_letters set replayable = true where id = '");

        // The other client's offer is recorded, and said to be once it is.
        (await RetentionClients.Decision(app.Host, kept))["decision"]!.GetValue<string>().ShouldBe("offer-made");
        await Waits.For(() => app.Log.Since(mark).FirstOrDefault(e => Assessed(e, kept)));

        // Nothing recorded for the refused one, and nothing said to be: the assessment's line comes only after its commit,
        // which failed before Wolverine gave the step up.
        (await app.Host.GetJson($"/api/customers/{refused}/retention"))["pending"]!["decision"]!.GetValue<string>().ShouldBe("assessing");
        app.Log.Since(mark).ShouldNotContain(e => Assessed(e, refused));
    }

    private static bool Assessed(CapturedLogs.Entry entry, string customer) =>
        entry.Category == typeof(RetentionDesk).FullName && entry.Message.Contains($" of {customer} assessed: RetentionOfferMade");
}
