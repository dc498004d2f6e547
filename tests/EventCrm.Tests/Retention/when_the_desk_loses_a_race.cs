using EventCrm.Host.Retention;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace EventCrm.Tests.Retention;

/// <summary>
/// The desk's own steps (an assessment, an expiry) race the client's touchpoints like any writer:
/// the step is decided again, which is the normal course of things, not an error for the logs.
/// </summary>
public class when_the_desk_loses_a_race
{
    private const string Schema = "eventcrm_retention_race";

    [Fact]
    public async Task an_expiry_that_lost_to_a_concurrent_touchpoint_is_not_logged_as_an_error()
    {
        var logs = new CapturedLogs();
        await using var host = await AppFixture.StartHost(Schema, logs);
        await host.ResetAllData();
        var alpha = await RetentionClients.Alpha(host);
        await RetentionClients.RequestCancellation(host, alpha);
        var offerId = (await RetentionClients.Decision(host, alpha))["offer"]!["offerId"]!.GetValue<string>();
        var desk = host.Services.GetRequiredService<RetentionDesk>();
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();

        await desk.ExpireAsync(session, new ExpireRetentionOffer(alpha, offerId), CancellationToken.None);
        await host.PostTouchpoints(Touchpoint.SupportCall(alpha, DateTimeOffset.UtcNow.AddMinutes(-1)));   // another writer gets there first
        var mark = logs.Mark();
        await Should.ThrowAsync<Exception>(() => session.SaveChangesAsync());

        logs.Since(mark).Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ShouldBeEmpty();
    }
}
