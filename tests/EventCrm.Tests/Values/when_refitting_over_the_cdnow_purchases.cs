using System.Globalization;
using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Values;

/// <summary>The CDNOW sample's 6,919 purchases posted as touchpoints to a schema of their own (the refit records a model there).</summary>
public sealed class CdnowStoreHost() : SchemaHost("eventcrm_cdnow_store")
{
    protected override async Task SeedAsync()
    {
        var touchpoints = new List<Dictionary<string, object?>>();
        var signedUp = new HashSet<string>();
        foreach (var (line, n) in File.ReadLines(HostCommandLine.DataFile("cdnow_transactions.csv")).Skip(1).Select((line, n) => (line, n)))
        {
            var fields = line.Split(',');
            var (customer, amount) = ($"cdnow-{fields[0]}", decimal.Parse(fields[2], CultureInfo.InvariantCulture));
            var day = DateTimeOffset.ParseExact(fields[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            // A customer starts with its signup: on the day of its first purchase, before it.
            if (signedUp.Add(customer)) touchpoints.Add(Touchpoint.SignUp(customer, day));
            touchpoints.Add(Touchpoint.Of("purchase", customer, day.AddHours(12),
                new { orderId = $"cdnow-{n}", amount, margin = Math.Round(amount * 0.3m, 2), category = "music" }, $"cdnow-tp-{n}"));
        }
        foreach (var batch in touchpoints.Chunk(500)) await Host.PostTouchpoints(batch);
    }
}

public class when_refitting_over_the_cdnow_purchases(CdnowStoreHost cdnow) : IClassFixture<CdnowStoreHost>
{
    [Fact]
    public async Task the_refit_over_the_store_finds_the_published_cdnow_models()
    {
        // The same calibration as the published fits: purchases up to 30 September 1997.
        var refit = await cdnow.Host.PostJson("/api/models/refit", new { asOf = "1997-09-30T23:59:59Z" }, 201);

        refit["customers"]!.GetValue<int>().ShouldBe(2357);
        var model = refit["model"]!;
        // Fader, Hardie and Lee (2005), table 2; Fader and Hardie, note 025.
        Close(model["purchases"]!, "r", 0.243);
        Close(model["purchases"]!, "alpha", 4.414);
        Close(model["purchases"]!, "a", 0.793);
        Close(model["purchases"]!, "b", 2.426);
        Close(model["spend"]!, "p", 6.25);
        Close(model["spend"]!, "q", 3.74);
        Close(model["spend"]!, "gamma", 15.44);
    }

    private static void Close(JsonNode fit, string field, double published) =>
        fit[field]!.GetValue<double>().ShouldBe(published, Math.Abs(published) * 0.005, field);
}
