using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace EventCrm.Tests.Retention;

public class when_nobody_answers_an_offer
{
    private const string Schema = "eventcrm_retention_expiry";
    private static readonly (string, string) ShortLifetime = ("Retention:OfferLifetime", "00:00:06");

    [Fact]
    public async Task the_offer_expires_once_after_its_lifetime_even_across_a_restart_and_the_client_churns()
    {
        string alpha, offer;
        await using (var first = await AppFixture.StartHost(Schema, ShortLifetime))
        {
            await first.ResetAllData();
            alpha = await RetentionClients.Alpha(first);
            await RetentionClients.RequestCancellation(first, alpha);
            var decision = await RetentionClients.Decision(first, alpha);
            decision["decision"]!.GetValue<string>().ShouldBe("offer-made");
            offer = decision["offer"]!["offerId"]!.GetValue<string>();
            // Stopped before the offer's end, or the restart proves nothing.
            (await first.TimelineEntries(alpha)).Select(e => e!["type"]!.GetValue<string>()).ShouldNotContain("retention-offer-expired");
            await first.StopAsync();
        }

        await using var restarted = await AppFixture.StartHost(Schema, ShortLifetime);
        var types = (await UntilChurned(restarted, alpha)).Select(e => e["type"]!.GetValue<string>()).ToArray();

        types.TakeLast(3).ShouldBe(["retention-offer-made", "retention-offer-expired", "churned"]);
        // Every end scheduled for the offer has run by now, the first Host's and any the restart added.
        await ScheduledExpiries.UntilHandled(Schema, offer);
        (await restarted.TimelineEntries(alpha)).Count(e => e!["type"]!.GetValue<string>() == "retention-offer-expired").ShouldBe(1);
        (await restarted.GetJson($"/api/customers/{alpha}"))["state"]!.GetValue<string>().ShouldBe("churned");
    }

    [Fact]
    public async Task a_client_who_left_and_came_back_while_the_offer_ran_is_not_churned_by_its_end()
    {
        await using var host = await AppFixture.StartHost(Schema, ShortLifetime);
        var (alpha, offer) = await RetentionClients.AlphaWithAnOffer(host);

        // The desk records that the client left without answering; a week later (in business time,
        // within the offer's six seconds here) the client buys again.
        await host.PostTouchpoints(Touchpoint.Of("churned", alpha, DateTimeOffset.UtcNow, new { reason = "went to a competitor" }));
        await host.PostTouchpoints(Touchpoint.Purchase(alpha, DateTimeOffset.UtcNow.AddSeconds(1), amount: 500m, margin: 200m));
        (await host.GetJson($"/api/customers/{alpha}"))["state"]!.GetValue<string>().ShouldBe("active");

        // The offer's end has run, and recorded nothing.
        await ScheduledExpiries.UntilHandled(Schema, offer);

        (await host.GetJson($"/api/customers/{alpha}"))["state"]!.GetValue<string>().ShouldBe("active");
        (await host.TimelineEntries(alpha)).Select(e => e!["type"]!.GetValue<string>()).ShouldNotContain("retention-offer-expired");
    }

    [Fact]
    public async Task an_offer_that_ends_after_a_second_request_dated_ahead_of_the_desks_clock_churns_the_client_after_that_request()
    {
        await using var host = await AppFixture.StartHost(Schema, ShortLifetime);
        var (alpha, _) = await RetentionClients.AlphaWithAnOffer(host);

        // Asked again while the offer runs, by a sender whose clock runs four minutes ahead.
        var again = DateTimeOffset.UtcNow.AddMinutes(4);
        await host.PostTouchpoints(Touchpoint.CancellationRequest(alpha, again));

        var entries = await UntilChurned(host, alpha);

        var churned = entries.Single(e => e["type"]!.GetValue<string>() == "churned");
        churned["occurredAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThanOrEqualTo(again);
        (await host.GetJson($"/api/customers/{alpha}"))["state"]!.GetValue<string>().ShouldBe("churned");
    }

    [Fact]
    public async Task a_client_who_asks_again_after_the_offer_ended_but_before_its_expiry_is_recorded_gets_no_second_offer()
    {
        // The Host's clock runs a week and a minute ahead once the offer is made: the week-long offer
        // ended a minute ago for the service, while its expiry, scheduled on the real clock, is days
        // from being recorded.
        var (clock, logs) = (new ShiftedClock(), new CapturedLogs());
        await using var host = await AppFixture.StartHost(Schema, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<ILoggerProvider>(logs);
        });
        var (alpha, offer) = await RetentionClients.AlphaWithAnOffer(host);
        clock.Offset = TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1);

        var again = Touchpoint.CancellationRequest(alpha, clock.GetUtcNow());
        await host.PostTouchpoints(again);
        await Waits.Until(() => logs.Since(0).Any(e => e.Message.Contains($"Cancellation {again["touchpointId"]} of {alpha}")));

        var offers = (await host.TimelineEntries(alpha)).Where(e => e!["type"]!.GetValue<string>() == "retention-offer-made").ToList();
        offers.Select(o => o!["offerId"]!.GetValue<string>()).ShouldBe([offer]);
    }

    [Fact]
    public async Task an_offer_that_lapsed_while_the_client_was_back_does_not_block_a_later_request()
    {
        // The client leaves and buys again while the offer runs: its end records nothing, and the
        // offer stays in the profile. Eight days later (the Host's clock) the client asks to cancel again.
        var clock = new ShiftedClock();
        await using var host = await AppFixture.StartHost(Schema, services => services.AddSingleton<TimeProvider>(clock));
        var (alpha, first) = await RetentionClients.AlphaWithAnOffer(host);
        await host.PostTouchpoints(Touchpoint.Of("churned", alpha, DateTimeOffset.UtcNow, new { reason = "went to a competitor" }));
        await host.PostTouchpoints(Touchpoint.Purchase(alpha, DateTimeOffset.UtcNow.AddSeconds(1), amount: 500m, margin: 200m));
        clock.Offset = TimeSpan.FromDays(8);

        await host.PostTouchpoints(Touchpoint.CancellationRequest(alpha, clock.GetUtcNow()));
        var decision = await RetentionClients.Decision(host, alpha);

        decision["decision"]!.GetValue<string>().ShouldBe("offer-made");
        decision["offer"]!["offerId"]!.GetValue<string>().ShouldNotBe(first);

        // The first offer's expiry, had it run only now, leaves the client to the second offer.
        using (var scope = host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Wolverine.IMessageBus>().InvokeAsync(new EventCrm.Host.Retention.ExpireRetentionOffer(alpha, first));
        (await host.GetJson($"/api/customers/{alpha}"))["state"]!.GetValue<string>().ShouldBe("cancellation-requested");
        (await host.TimelineEntries(alpha)).Select(e => e!["type"]!.GetValue<string>()).ShouldNotContain("retention-offer-expired");
    }

    [Fact]
    public async Task an_offer_that_lapsed_while_the_client_was_back_does_not_put_it_first_on_the_work_list()
    {
        // Alpha's first offer lapsed while it was back (left and bought again); eight days later
        // (the Host's clock) Bravo asks to cancel, then Alpha again: both get an offer, Bravo's ends first.
        var clock = new ShiftedClock();
        await using var host = await AppFixture.StartHost(Schema, services => services.AddSingleton<TimeProvider>(clock));
        var (alpha, _) = await RetentionClients.AlphaWithAnOffer(host);
        await host.PostTouchpoints(Touchpoint.Of("churned", alpha, DateTimeOffset.UtcNow, new { reason = "went to a competitor" }));
        await host.PostTouchpoints(Touchpoint.Purchase(alpha, DateTimeOffset.UtcNow.AddSeconds(1), amount: 500m, margin: 200m));
        var bravo = await RetentionClients.Alpha(host);
        clock.Offset = TimeSpan.FromDays(8);

        await host.PostTouchpoints(Touchpoint.CancellationRequest(bravo, clock.GetUtcNow()));
        var bravosOffer = (await RetentionClients.Decision(host, bravo))["offer"]!["expiresAt"]!.GetValue<DateTimeOffset>();
        await host.PostTouchpoints(Touchpoint.CancellationRequest(alpha, clock.GetUtcNow().AddSeconds(1)));
        var alphasOffer = (await RetentionClients.Decision(host, alpha))["offer"]!["expiresAt"]!.GetValue<DateTimeOffset>();
        bravosOffer.ShouldBeLessThan(alphasOffer);

        var listed = (await host.GetJson("/api/retention/pending?pageSize=200"))["items"]!.AsArray()
            .Select(i => i!["customerId"]!.GetValue<string>()).Where(id => id == alpha || id == bravo).ToArray();

        listed.ShouldBe([bravo, alpha]);
    }

    /// <summary>The client's timeline once the offer's end has churned it (or after 60 s, for the assertions to say what happened).</summary>
    private static async Task<JsonNode[]> UntilChurned(Alba.IAlbaHost host, string customerId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonNode[] entries;
        do
        {
            await Task.Delay(500);
            entries = (await host.TimelineEntries(customerId)).Select(e => e!).ToArray();
        } while (entries.All(e => e["type"]!.GetValue<string>() != "churned") && DateTime.UtcNow < deadline);
        return entries;
    }
}
