using EventCrm.Projections.Customers;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Touchpoints;

/// <summary>
/// Arrays arriving at the same moment share transactions even when they touch the same customers
/// (AppendCombiner), each decided in turn against what the ones before it append.
/// </summary>
public class when_arrays_for_the_same_customers_arrive_together(AppFixture app)
{
    private const int Arrays = 4, Customers = 10, PurchasesPerArray = 40;

    [Fact]
    public async Task every_stream_stays_gapless_and_a_touchpoint_sent_in_every_array_is_appended_once()
    {
        for (var burst = 1; ; burst++)
        {
            var customers = Enumerable.Range(0, Customers).Select(_ => Ids.Customer()).ToArray();
            await app.Host.PostTouchpoints(customers.Select(c => SignUp(c, Jan1)).ToArray());
            var sharedCall = SupportCall(customers[0], Jan1.AddDays(1));
            var arrays = Enumerable.Range(0, Arrays).Select(a => Enumerable.Range(0, PurchasesPerArray)
                    .Select(i => Purchase(customers[(a + i) % Customers], Jan1.AddDays(2 + i)))
                    .Append(sharedCall).ToArray())
                .ToArray();

            var answers = await Task.WhenAll(arrays.Select(a => app.Host.PostTouchpoints(a)));

            answers.SelectMany(a => a!["touchpoints"]!.AsArray())
                .Where(r => r!["touchpointId"]!.GetValue<string>() == (string)sharedCall["touchpointId"]!)
                .Select(r => r!["result"]!.GetValue<string>()).Order()
                .ShouldBe(["appended", "repeated", "repeated", "repeated"]);
            await using var session = app.Store.QuerySession();
            foreach (var customer in customers)
            {
                var versions = (await session.Events.FetchStreamAsync(customer)).Select(e => e.Version).ToArray();
                var expected = 1 + Arrays * PurchasesPerArray / Customers + (customer == customers[0] ? 1 : 0);
                versions.ShouldBe(Enumerable.Range(1, expected).Select(v => (long)v).ToArray(), customer);
                var profile = (await session.LoadAsync<CustomerProfile>(customer))!;
                (profile.TouchpointCount, profile.Version).ShouldBe((expected, (long)expected), customer);
            }
            if (await app.Store.TransactionsThatWrote(customers) < Arrays + 1) return;
            // The arrays never met in one transaction: the machine took each alone; try again, but not forever.
            burst.ShouldBeLessThan(5, "4 concurrent arrays were never written in a shared transaction");
        }
    }
}
