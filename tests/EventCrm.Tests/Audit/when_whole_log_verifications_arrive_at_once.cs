using System.Text.Json.Nodes;
using EventCrm.Host.Audit;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Audit;

/// <summary>A schema of its own, at the default Audit:MaxConcurrentVerifications (1): the slot held here must not refuse another test's verification.</summary>
public sealed class VerificationSlotsHost() : SchemaHost("eventcrm_verification_slots");

/// <summary>
/// GET /api/audit/verify recomputes every stream's hash chain (about 15 s for 215,000 events): 8 at once took
/// 48-57 s each, a desk's timeline read went from 10 ms to 9 s and the database outage log fired a timeout.
/// At most Audit:MaxConcurrentVerifications (1 by default) run at once on a node; one more is answered 503
/// "Service busy" with Retry-After before it reads anything, and the slot comes back when its verification
/// ends. The running verification is stood in for by taking the slot through the slots service, so no step
/// depends on timing.
/// </summary>
public class when_whole_log_verifications_arrive_at_once(VerificationSlotsHost app) : IClassFixture<VerificationSlotsHost>
{
    [Fact]
    public async Task a_second_while_one_runs_is_refused_at_once_and_gets_in_once_it_is_done()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1), amount: 100m) });
        var slots = app.Host.Services.GetRequiredService<AuditVerificationSlots>();
        slots.Max.ShouldBe(1);

        using (var running = slots.TryTake())
        {
            running.ShouldNotBeNull();
            var refused = await app.Host.Scenario(s =>
            {
                s.Get.Url("/api/audit/verify");
                s.StatusCodeShouldBe(503);
            });

            refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("30");
            var problem = JsonNode.Parse(await refused.ReadAsTextAsync())!;
            problem["title"]!.GetValue<string>().ShouldBe("Service busy");
            problem["detail"]!.GetValue<string>().ShouldStartWith(
                "A verification of the whole log is running, the most this service runs at once (Audit:MaxConcurrentVerifications)");
        }

        // The slot is back: the customer's one stream verifies.
        var report = await app.Host.GetJson("/api/audit/verify");
        report["valid"]!.GetValue<bool>().ShouldBeTrue();
        report["streams"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task a_verification_gives_its_slot_back_when_it_ends()
    {
        await app.Host.GetJson("/api/audit/verify");

        using var next = app.Host.Services.GetRequiredService<AuditVerificationSlots>().TryTake();
        next.ShouldNotBeNull("the verification kept its slot");
    }
}
