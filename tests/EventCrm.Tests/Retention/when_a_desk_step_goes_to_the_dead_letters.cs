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
    public CapturedLogs Log { get; } = new();

    protected override CapturedLogs? Logs => Log;
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
}
