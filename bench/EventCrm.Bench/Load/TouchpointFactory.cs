using System.Buffers;
using System.Text.Json;

namespace EventCrm.Bench.Load;

/// <summary>
/// Writes touchpoints as the public API takes them (docs/api.md). Existing customers get a
/// realistic mix of activity; new customers a signup. Ids are unique per factory (one per client),
/// so no two requests of a run collide on a touchpoint id.
/// </summary>
public sealed class TouchpointFactory(string prefix, int seed)
{
    private static readonly string[] Categories = ["rollers", "machine-movers", "lifting", "safety", "spare-parts", "services"];
    private static readonly string[] Segments = ["consumer", "smb", "mid-market", "enterprise"];
    private static readonly string[] Channels = ["web", "referral", "field-sales", "trade-show"];
    private static readonly string[] Reasons = ["delivery", "invoice", "installation", "defect", "how-to"];
    private readonly Random _random = new(seed);
    private long _next;

    public Random Random => _random;

    public string NewId() => $"{prefix}-{++_next:D7}";

    /// <summary>One JSON array of touchpoints.</summary>
    public byte[] Array(Action<Utf8JsonWriter> writeItems)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writeItems(writer);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One touchpoint object alone (a single post).</summary>
    public byte[] Single(Action<Utf8JsonWriter> writeItem)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer)) writeItem(writer);
        return buffer.WrittenSpan.ToArray();
    }

    public void Signup(Utf8JsonWriter w, string customerId, DateTimeOffset at)
    {
        Start(w, "signed-up", customerId, at);
        var n = _random.Next(1_000_000);
        w.WriteString("name", $"Bench Customer {n}");
        w.WriteString("email", $"{customerId}@bench.example");
        w.WriteString("segment", Segments[_random.Next(Segments.Length)]);
        w.WriteString("channel", Channels[_random.Next(Channels.Length)]);
        w.WriteNumber("acquisitionCost", Money(15, 900));
        w.WriteEndObject();
    }

    /// <summary>An existing customer's touchpoint: 55% purchases, 15% support calls, 10% visits, 20% promotions.</summary>
    public void Activity(Utf8JsonWriter w, string customerId, DateTimeOffset at)
    {
        var roll = _random.NextDouble();
        if (roll < 0.55) Purchase(w, customerId, at);
        else if (roll < 0.70)
        {
            Start(w, "support-call", customerId, at);
            var minutes = _random.Next(3, 55);
            w.WriteNumber("durationMinutes", minutes);
            w.WriteNumber("cost", Math.Round(minutes * 1.1m, 2));
            w.WriteString("reason", Reasons[_random.Next(Reasons.Length)]);
            w.WriteBoolean("resolved", _random.NextDouble() < 0.85);
            w.WriteEndObject();
        }
        else if (roll < 0.80)
        {
            Start(w, "visit", customerId, at);
            w.WriteNumber("cost", Money(120, 450));
            w.WriteString("purpose", "account review");
            w.WriteEndObject();
        }
        else
        {
            var promotion = $"promo-{at:yyyyMM}";
            if (roll < 0.90)
            {
                Start(w, "promotion-offered", customerId, at);
                w.WriteString("promotionId", promotion);
                w.WriteNumber("cost", Money(1, 8));
            }
            else if (roll < 0.95)
            {
                Start(w, "promotion-accepted", customerId, at);
                w.WriteString("promotionId", promotion);
                w.WriteNumber("discountAmount", Money(5, 60));
            }
            else
            {
                Start(w, "promotion-declined", customerId, at);
                w.WriteString("promotionId", promotion);
            }
            w.WriteEndObject();
        }
    }

    public void Purchase(Utf8JsonWriter w, string customerId, DateTimeOffset at)
    {
        Start(w, "purchase", customerId, at);
        var amount = Money(20, 2400);
        w.WriteString("orderId", $"o-{_next:D7}");
        w.WriteNumber("amount", amount);
        w.WriteNumber("margin", Math.Round(amount * (decimal)(0.12 + _random.NextDouble() * 0.33), 2));
        w.WriteString("category", Categories[_random.Next(Categories.Length)]);
        w.WriteEndObject();
    }

    /// <summary>A moment in the last <paramref name="days"/> days, never in the future.</summary>
    public DateTimeOffset Recent(DateTimeOffset now, double days) => now.AddDays(-_random.NextDouble() * days).AddSeconds(-1);

    private void Start(Utf8JsonWriter w, string type, string customerId, DateTimeOffset at)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("touchpointId", NewId());
        w.WriteString("customerId", customerId);
        w.WriteString("occurredAt", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
    }

    private decimal Money(double min, double max) => Math.Round((decimal)(min + _random.NextDouble() * (max - min)), 2);
}
