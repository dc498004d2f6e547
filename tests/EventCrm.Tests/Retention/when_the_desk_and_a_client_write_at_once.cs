using EventCrm.Host.Retention;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>
/// The desk's own steps (an assessment, an expiry: the offer expired, the customer churned) hold the customer's stream from the moment they
/// are decided until they commit, like any writer: a client's touchpoint arriving meanwhile waits
/// for the step and lands after it, and nothing of it is an error for the logs.
/// </summary>
public class when_the_desk_and_a_client_write_at_once
{
    private const string Schema = "eventcrm_retention_race";

    [Fact]
    public async Task a_touchpoint_arriving_during_an_expiry_waits_for_it_and_lands_after_it()
    {
        var logs = new CapturedLogs();
        await using var host = await AppFixture.StartHost(Schema, logs);
        await host.ResetAllData();
        var (alpha, offerId) = await RetentionClients.AlphaWithAnOffer(host);
        var desk = host.Services.GetRequiredService<RetentionDesk>();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var mark = logs.Mark();

        await using (var session = store.LightweightSession())
        {
            await desk.ExpireAsync(session, new ExpireRetentionOffer(alpha, offerId), CancellationToken.None);
            var client = host.PostTouchpoints(Touchpoint.SupportCall(alpha, DateTimeOffset.UtcNow.AddMinutes(-1)));
            await HeldStreamLock.UntilOneWaits(Schema);
            await session.SaveChangesAsync();
            await client;
        }

        await using var query = store.QuerySession();
        var stream = await query.Events.FetchStreamAsync(alpha);
        stream.TakeLast(3).Select(e => e.Data.GetType()).ShouldBe([typeof(RetentionOfferExpired), typeof(CustomerChurned), typeof(SupportCallLogged)]);
        logs.Since(mark).Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ShouldBeEmpty();
    }
}
