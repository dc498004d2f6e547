using Bogus;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Demo;

/// <summary>
/// Writes the life of one demo customer: lead, signup, purchases with margins and categories,
/// refunds, support calls, visits, promotions and, for some, cancellation and churn. Driven by a
/// seeded Faker, so the same seed gives the same base (and re-seeding is a harmless repeat).
/// </summary>
public sealed class DemoCustomerGenerator(Faker faker, DateTimeOffset start, DateTimeOffset end)
{
    private readonly double _years = (end - start).TotalDays / 365.25;

    public IReadOnlyList<IncomingTouchpoint> Generate(int number)
    {
        var customerId = $"demo-{number:D6}";
        var touchpoints = new List<ITouchpoint>();
        var person = new Person(faker.Locale, faker.Random.Int());
        var name = faker.Random.Double() < 0.3 ? faker.Company.CompanyName() : person.FullName;
        var email = faker.Internet.Email(person.FirstName, person.LastName, uniqueSuffix: number.ToString()).ToLowerInvariant();
        var segment = PickSegment();
        var n = 0;
        string Id() => $"{customerId}-{++n:D4}";

        var leadAt = At(faker.Random.Double(0, _years * 0.92));
        touchpoints.Add(new LeadCaptured(Id(), leadAt, name, email, faker.PickRandom(DemoCatalog.LeadSources)));
        if (faker.Random.Double() < 0.12) return For(customerId, touchpoints);

        var (channel, minCost, maxCost) = faker.PickRandom(DemoCatalog.Channels);
        var signedUpAt = Clamp(leadAt.AddDays(faker.Random.Double(1, 45)));
        touchpoints.Add(new SignedUp(Id(), signedUpAt, name, email, segment.Name, channel, Money(faker.Random.Decimal(minCost, maxCost))));

        // Rates vary a lot between customers of one segment: that spread is what makes Pareto hold.
        var appetite = Math.Max(0.15, faker.Random.Double() * faker.Random.Double() * 3.2);
        var churnAt = faker.Random.Double() < 0.28 ? signedUpAt.AddDays(faker.Random.Double(60, 900)) : end.AddYears(1);
        var favourite = faker.PickRandom(DemoCatalog.Categories);
        var lastDay = churnAt < end ? churnAt : end;
        var purchases = new List<PurchaseMade>();

        for (var day = signedUpAt.AddDays(Gap(segment.PurchasesPerYear * appetite)); day < lastDay; day = day.AddDays(Gap(segment.PurchasesPerYear * appetite)))
        {
            var category = faker.Random.Double() switch
            {
                < 0.55 => favourite,
                < 0.8 => DemoCatalog.CrossSell[favourite],
                _ => faker.PickRandom(DemoCatalog.Categories),
            };
            var amount = Money((decimal)(segment.MeanOrder * Math.Exp(faker.Random.Double(-0.8, 0.8))));
            var purchase = new PurchaseMade(Id(), day, $"{customerId}-o{purchases.Count + 1}", amount,
                Money(amount * faker.Random.Decimal(0.12m, 0.45m)), category);
            purchases.Add(purchase);
            touchpoints.Add(purchase);
        }

        foreach (var refunded in purchases.Where(_ => faker.Random.Double() < 0.04))
        {
            var share = faker.Random.Decimal(0.2m, 1m);
            var at = Clamp(refunded.OccurredAt.AddDays(faker.Random.Double(2, 30)));
            touchpoints.Add(new PurchaseRefunded(Id(), at, refunded.OrderId, Money(refunded.Amount * share), Money(refunded.Margin * share)));
        }

        AddRecurring(touchpoints, signedUpAt, lastDay, 3, at =>
        {
            var minutes = faker.Random.Int(3, 55);
            return new SupportCallLogged(Id(), at, minutes, Money(minutes * 1.1m), faker.PickRandom(DemoCatalog.SupportReasons), faker.Random.Double() < 0.85);
        });
        AddRecurring(touchpoints, signedUpAt, lastDay, segment.VisitsPerYear, at =>
            new VisitMade(Id(), at, Money(faker.Random.Decimal(120, 450)), faker.PickRandom("account review", "installation", "demo")));
        AddRecurring(touchpoints, signedUpAt, lastDay, 2, at => PromotionOffer(Id, at, touchpoints));

        if (churnAt < end)
        {
            if (faker.Random.Double() < 0.6)
                touchpoints.Add(new CancellationRequested(Id(), churnAt.AddDays(-faker.Random.Double(3, 20)), faker.PickRandom(DemoCatalog.CancellationReasons)));
            touchpoints.Add(new CustomerChurned(Id(), churnAt, faker.PickRandom(DemoCatalog.CancellationReasons)));
        }
        else if (faker.Random.Double() < 0.03)
        {
            touchpoints.Add(new CancellationRequested(Id(), Clamp(end.AddDays(-faker.Random.Double(0.5, 5))), faker.PickRandom(DemoCatalog.CancellationReasons)));
        }

        return For(customerId, touchpoints);
    }

    private PromotionOffered PromotionOffer(Func<string> id, DateTimeOffset at, List<ITouchpoint> touchpoints)
    {
        var promotionId = $"promo-{at:yyyyMM}";
        var offer = new PromotionOffered(id(), at, promotionId, Money(faker.Random.Decimal(1, 8)));
        var answerAt = Clamp(at.AddDays(faker.Random.Double(1, 10)));
        var answer = faker.Random.Double();
        if (answer < 0.4) touchpoints.Add(new PromotionAccepted(id(), answerAt, promotionId, Money(faker.Random.Decimal(5, 60))));
        else if (answer < 0.8) touchpoints.Add(new PromotionDeclined(id(), answerAt, promotionId));
        return offer;
    }

    private void AddRecurring(List<ITouchpoint> touchpoints, DateTimeOffset from, DateTimeOffset to, double perYear, Func<DateTimeOffset, ITouchpoint> create)
    {
        if (perYear <= 0) return;
        for (var at = from.AddDays(Gap(perYear)); at < to; at = at.AddDays(Gap(perYear))) touchpoints.Add(create(at));
    }

    private DemoSegment PickSegment()
    {
        var roll = faker.Random.Double();
        foreach (var segment in DemoCatalog.Segments)
        {
            if ((roll -= segment.Weight) < 0) return segment;
        }
        return DemoCatalog.Segments[^1];
    }

    /// <summary>Days until the next event of a Poisson process with this yearly rate.</summary>
    private double Gap(double perYear) => -Math.Log(1 - faker.Random.Double()) * 365.25 / perYear;

    private DateTimeOffset At(double years) => start.AddDays(years * 365.25);

    private DateTimeOffset Clamp(DateTimeOffset at) => at < end ? at : end.AddMinutes(-faker.Random.Int(1, 600));

    private static decimal Money(decimal value) => Math.Round(value, 2);

    private static IReadOnlyList<IncomingTouchpoint> For(string customerId, List<ITouchpoint> touchpoints) =>
        touchpoints.Select((t, i) => new IncomingTouchpoint(i, customerId, t)).ToList();
}
