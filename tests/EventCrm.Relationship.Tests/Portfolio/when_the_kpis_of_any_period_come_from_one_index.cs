using System.Text.Json;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

/// <summary>
/// The KPIs were a pass over every customer per request (2-6 s at a million). They are now answered from what each
/// customer gives them, gathered once per valuation (<see cref="PortfolioKpiIndex"/>): the answer must be the pass's,
/// to the digit and to the scale of each decimal, for any period.
/// </summary>
public class when_the_kpis_of_any_period_come_from_one_index
{
    private static readonly DateTimeOffset From = Day(2025, 1, 1);
    private static readonly DateTimeOffset To = Day(2025, 4, 1);

    [Fact]
    public void a_customer_won_back_twice_in_the_period_is_acquired_once()
    {
        // w: churned in December, back 10 Jan, churned 1 Feb, back 1 Mar: two acquisitions in Q1, one customer.
        // n: signed up 1 Mar 2024, never left: at start and at end, not acquired.
        PortfolioCustomer[] customers =
        [
            SignedUp("w", Day(2024, 6, 1), Churned(Day(2024, 12, 1)), Active(Day(2025, 1, 10)), Churned(Day(2025, 2, 1)), Active(Day(2025, 3, 1))),
            SignedUp("n", Day(2024, 3, 1)),
        ];

        // at start: n = 1; at end: w, n = 2; acquired: w = 1 -> (2 - 1) / 1 = 1
        PortfolioKpiIndex.Of(customers).For(From, To).Retention.ShouldBe(new PeriodRetention(1, 2, 1, 1m));
        // From 15 Jan: only w's return of 1 Mar is in it, still one.
        PortfolioKpiIndex.Of(customers).For(Day(2025, 1, 15), To).Retention.CustomersAcquired.ShouldBe(1);
        // Up to 1 Feb (its churn that day is the next period's): w back 10 Jan; at end w and n.
        PortfolioKpiIndex.Of(customers).For(From, Day(2025, 2, 1)).Retention.ShouldBe(new PeriodRetention(1, 2, 1, 1m));
    }

    [Fact]
    public void of_two_changes_at_the_same_moment_the_later_in_the_list_stands()
    {
        // s: churned and back at the same moment (2 Feb), so a customer throughout, but its change back is an acquisition.
        // t: back and churned at the same moment (2 Feb): churned from then on.
        PortfolioCustomer[] customers =
        [
            SignedUp("s", Day(2024, 6, 1), Churned(Day(2025, 2, 2)), Active(Day(2025, 2, 2))),
            SignedUp("t", Day(2024, 6, 1), Active(Day(2025, 2, 2)), Churned(Day(2025, 2, 2))),
        ];

        // at start s, t = 2; at end s = 1; acquired s = 1 (BecameCustomerDuring reads each change) -> (1 - 1) / 2 = 0
        PortfolioKpiIndex.Of(customers).For(From, To).Retention.ShouldBe(new PeriodRetention(2, 1, 1, 0m));
    }

    [Fact]
    public void the_mean_value_is_written_with_the_decimals_of_the_values_it_averages()
    {
        // x (1.50) churned in the period, y (2) still a customer: 2 / 1 = 2, written "2" as the pass writes it, not
        // "2.0" as a running sum that added and took off 1.50 would; z (0.10) makes it 2.10 / 2 = 1.05.
        var x = SignedUp("x", Day(2024, 6, 1), Churned(Day(2025, 2, 1))) with { CurrentValue = 1.50m };
        var y = SignedUp("y", Day(2024, 6, 1)) with { CurrentValue = 2m };
        var z = SignedUp("z", Day(2024, 6, 1)) with { CurrentValue = 0.10m };

        PortfolioKpiIndex.Of([x, y]).For(From, To).AverageClv.Value.ToString().ShouldBe("2");
        PortfolioKpiIndex.Of([x, y, z]).For(From, To).AverageClv.Value.ToString().ShouldBe("1.05");
    }

    [Fact]
    public void any_period_of_a_random_base_is_answered_as_the_pass_answers_it()
    {
        var random = new Random(20261206);
        for (var round = 0; round < 40; round++)
        {
            var customers = Enumerable.Range(0, random.Next(0, 300)).Select(i => RandomCustomer(random, $"c{i}")).ToList();
            var index = PortfolioKpiIndex.Of(customers);
            for (var period = 0; period < 25; period++)
            {
                var (from, to) = RandomPeriod(random);
                var periods = random.Next(0, 15);
                Json(index.For(from, to, periods)).ShouldBe(Json(PortfolioKpis.ByPass(customers, from, to, periods)), $"round {round}, {from:O} to {to:O}");
            }
        }
    }

    private static readonly DateTimeOffset Origin = Day(2022, 1, 1);
    private static readonly string[] States = [CustomerStates.Prospect, CustomerStates.Active, CustomerStates.CancellationRequested, CustomerStates.Retained, CustomerStates.Churned];

    // Moments on a coarse grid (whole days, often the first of a month) so that periods, months and changes meet exactly.
    private static DateTimeOffset RandomMoment(Random random) => random.Next(3) == 0
        ? Origin.AddMonths(random.Next(0, 48))
        : Origin.AddDays(random.Next(0, 1460)).AddHours(random.Next(2) * random.Next(24));

    private static PortfolioCustomer RandomCustomer(Random random, string id)
    {
        var changes = Enumerable.Range(0, random.Next(0, 6))
            .Select(_ => new StateChange(RandomMoment(random), States[random.Next(States.Length)])).ToList();
        // Some changes share a moment, some lists are out of order (the standing reads them either way).
        if (changes.Count > 1 && random.Next(3) == 0) changes.Add(changes[random.Next(changes.Count)] with { State = States[random.Next(States.Length)] });
        if (random.Next(2) == 0) changes = changes.OrderBy(c => c.At).ToList();
        DateTimeOffset? signup = random.Next(4) > 0 ? RandomMoment(random) : null;
        DateTimeOffset? lead = random.Next(2) == 0 ? RandomMoment(random) : null;
        decimal[] values = [0m, 2m, 1.5m, 1.50m, 0.01m, 0.02m, 0.03m, -40.25m, 1234.56m, 100m, 7.1m];
        return Customer(id) with { LeadAt = lead, SignedUpAt = signup, StateChanges = changes, CurrentValue = values[random.Next(values.Length)] };
    }

    private static (DateTimeOffset From, DateTimeOffset To) RandomPeriod(Random random)
    {
        var a = RandomMoment(random);
        var b = random.Next(5) == 0 ? a : RandomMoment(random);
        var (from, to) = a <= b ? (a, b) : (b, a);
        // Months read in from's offset: Paris, or Kiribati, now and then.
        var offset = TimeSpan.FromHours(new[] { 0, 0, 1, 14, -5 }[random.Next(5)]);
        return (from.ToOffset(offset), to);
    }

    private static string Json(PortfolioKpiReport report) => JsonSerializer.Serialize(report);
}
