using System.Globalization;
using EventCrm.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own: one account of 3,001 events, imported in five batches, the fourth a purchase
/// back-dated into the first months, so that the daemon's value checkpoints (every 1,000 events) fall
/// before and after it.
/// </summary>
public sealed class LargeAccountHost() : SchemaHost("eventcrm_large_account_values")
{
    public const string Customer = "b2b-large-account";
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every touchpoint with the version it is recorded at, as the reference counts it.</summary>
    public List<Line> Lines { get; } = [];
    /// <summary>The recording time of each batch's last event: knownAt it, that batch and the ones before are known.</summary>
    public List<DateTimeOffset> BatchRecorded { get; } = [];
    public string Formula { get; private set; } = "";

    public sealed record Line(long Version, int Batch, string Kind, DateTimeOffset At, decimal Amount, decimal Margin, decimal Cost);

    /// <summary>Touchpoint k (k >= 1) occurs k x 5 hours after the signup: every 10th a support call of 5, every 97th a refund of 4 (margin 1) of the purchase 300 before it, else a purchase.</summary>
    private static Line LineOf(int k, long version, int batch)
    {
        var at = Start.AddHours(5 * k);
        if (k % 10 == 0) return new(version, batch, "support-call", at, 0, 0, 5m);
        if (k % 97 == 0) return new(version, batch, "refund", at, 4m, 1m, 0);
        return new(version, batch, "purchase", at, 10m + k % 7, 3m, 0);
    }

    protected override async Task SeedAsync()
    {
        Formula = await RegisterLifetimeOfThreeYears();
        var version = 0L;
        var batches = new List<List<(Dictionary<string, object?> Json, Line Line)>>();
        List<(Dictionary<string, object?>, Line)> Batch(int batch, IEnumerable<int> ks) =>
            ks.Select(k => { var line = LineOf(k, ++version, batch); return (Json(k, line), line); }).ToList();

        var signup = new Line(++version, 1, "signed-up", Start, 0, 0, 120m);
        batches.Add([(SignUp(Customer, Start), signup), .. Batch(1, Enumerable.Range(1, 999))]);   // versions 1..1,000
        batches.Add(Batch(2, Enumerable.Range(1_000, 1_000)));                                          // 1,001..2,000
        batches.Add(Batch(3, Enumerable.Range(2_000, 600)));                                            // 2,001..2,600
        // Recorded after the first two checkpoints, dated 100 days after the signup: among the first checkpoint's events.
        var backDated = new Line(++version, 4, "purchase", Start.AddDays(100).AddMinutes(30), 1_000m, 400m, 0);
        batches.Add([(Of("purchase", Customer, backDated.At, new { orderId = "o-late", amount = 1_000m, margin = 400m, category = "rollers" }), backDated)]);
        batches.Add(Batch(5, Enumerable.Range(2_600, 400)));                                            // 2,602..3,001

        foreach (var batch in batches)
        {
            await Host.PostTouchpoints(batch.Select(b => b.Json).ToArray());
            Lines.AddRange(batch.Select(b => b.Line));
            BatchRecorded.Add(await LatestRecorded(version));
        }
        await Store.CatchUp(TimeSpan.FromMinutes(2));
    }

    private static Dictionary<string, object?> Json(int k, Line line) => line.Kind switch
    {
        "support-call" => SupportCall(Customer, line.At, line.Cost),
        "refund" => Of("refund", Customer, line.At, new { orderId = $"o-{k - 300}", amount = line.Amount, margin = line.Margin }),
        _ => Of("purchase", Customer, line.At, new { orderId = $"o-{k}", amount = line.Amount, margin = line.Margin, category = "rollers" }),
    };

    private async Task<string> RegisterLifetimeOfThreeYears()
    {
        var registered = await Host.PostJson("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 3m } }, 201);
        return $"simple-clv@{registered["version"]!.GetValue<int>()}";
    }

    public async Task<DateTimeOffset> LatestRecorded(long upToVersion, string customer = Customer)
    {
        await using var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select max(timestamp) from {Schema}.mt_events where stream_id = @id and version <= @v", connection);
        command.Parameters.AddWithValue("id", customer);
        command.Parameters.AddWithValue("v", upToVersion);
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync())!, DateTimeKind.Utc), TimeSpan.Zero);
    }

    public static string Moment(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// An auditor asks what a B2B account of 3,001 events was worth on many dates, as known now and as known
/// after each of its imports. Every answer is what domain.md's definitions give for the touchpoints that
/// occurred by then and were recorded by then, worked out here line by line (the reads start from the
/// daemon's value checkpoints, docs/value.md, "Reads of large accounts").
/// </summary>
public class when_an_auditor_values_a_large_account_at_past_dates(LargeAccountHost account) : IClassFixture<LargeAccountHost>
{
    private sealed record Expected(int Counted, decimal Revenue, decimal Margin, decimal Profit, decimal Current);

    /// <summary>domain.md, "Three values" and simple-clv: sums of what occurred by asOf and was recorded by knownAt (batch), then CLV = AOV x purchases a year x 3.</summary>
    private Expected Reference(DateTimeOffset asOf, int knownBatches)
    {
        var counted = account.Lines.Where(l => l.At <= asOf && l.Batch <= knownBatches).ToList();
        var purchases = counted.Where(l => l.Kind == "purchase").ToList();
        var refunds = counted.Where(l => l.Kind == "refund").ToList();
        var revenue = purchases.Sum(l => l.Amount) - refunds.Sum(l => l.Amount);
        var margin = purchases.Sum(l => l.Margin) - refunds.Sum(l => l.Margin);
        var profit = margin - counted.Sum(l => l.Cost);   // the acquisition cost of 120 and the support calls
        var tenureYears = Math.Max(0.25m, (decimal)(asOf - LargeAccountHost.Start).TotalDays / 365.25m);
        var current = purchases.Count == 0 ? 0m : revenue / purchases.Count * (purchases.Count / tenureYears) * 3m;
        return new(counted.Count, revenue, margin, profit, current);
    }

    private async Task<(Expected Answer, System.Text.Json.Nodes.JsonNode Json)> Read(DateTimeOffset asOf, DateTimeOffset? knownAt, string customer = LargeAccountHost.Customer)
    {
        var url = $"/api/customers/{customer}/value?formula={account.Formula}&asOf={LargeAccountHost.Moment(asOf)}" +
                  (knownAt is { } k ? $"&knownAt={LargeAccountHost.Moment(k)}" : "");
        var json = await account.Host.GetJson(url);
        var h = json["historical"]!;
        return (new(json["touchpointsCounted"]!.GetValue<int>(), h["revenue"]!.GetValue<decimal>(), h["margin"]!.GetValue<decimal>(),
            h["profit"]!.GetValue<decimal>(), json["current"]!.GetValue<decimal>()), json);
    }

    private static void ShouldMatch(Expected answer, Expected reference, string where)
    {
        (answer with { Current = 0 }).ShouldBe(reference with { Current = 0 }, where);
        answer.Current.ShouldBe(reference.Current, 0.01m, where);   // the service rounds to the cent
    }

    [Fact]
    public async Task its_value_on_any_date_as_known_after_any_import_counts_exactly_the_touchpoints_occurred_and_recorded_by_then()
    {
        // Every 11 days from the signup to after the last touchpoint (625 days): dates inside, on and across the checkpoints' ranges.
        var dates = Enumerable.Range(0, 60).Select(i => LargeAccountHost.Start.AddDays(11 * i).AddHours(i % 5)).ToList();
        var knownAts = new (DateTimeOffset? At, int Batches)[]
        {
            (null, 5), (account.BatchRecorded[0], 1), (account.BatchRecorded[1], 2), (account.BatchRecorded[2], 3), (account.BatchRecorded[3], 4),
        };

        foreach (var (knownAt, batches) in knownAts)
        foreach (var asOf in dates)
            ShouldMatch((await Read(asOf, knownAt)).Answer, Reference(asOf, batches), $"asOf {asOf:O}, knownAt {knownAt:O}");
    }

    [Fact]
    public async Task a_purchase_back_dated_into_checkpointed_months_counts_from_its_date_once_it_is_recorded()
    {
        var backDated = LargeAccountHost.Start.AddDays(100).AddMinutes(30);
        var dayAfter = backDated.AddDays(1);

        // By then: the signup and touchpoints 1..484 (every 5 hours for 100 days and 1 day), and the late purchase of 1,000 once recorded.
        var before = (await Read(dayAfter, account.BatchRecorded[2])).Answer;
        var after = (await Read(dayAfter, account.BatchRecorded[3])).Answer;
        var now = (await Read(dayAfter, null)).Answer;

        (after.Revenue - before.Revenue, after.Margin - before.Margin, after.Counted - before.Counted).ShouldBe((1_000m, 400m, 1));
        now.ShouldBe(after);
        ShouldMatch(after, Reference(dayAfter, 4), "after");
        // A minute before it occurred it does not count, though recorded.
        ShouldMatch((await Read(backDated.AddMinutes(-1), null)).Answer, Reference(backDated.AddMinutes(-1), 5), "a minute before");
        Reference(backDated.AddMinutes(-1), 5).Revenue.ShouldBe(Reference(backDated.AddMinutes(-1), 3).Revenue);
    }

    [Fact]
    public async Task a_read_starts_from_the_latest_checkpoint_whose_touchpoints_all_count_not_from_the_first_event()
    {
        // A second account of 1,500 purchases, one a day, then its events 2 to 500 hidden from every reader of the
        // stream (Marten's archive flag): a read from the first event would count only 1,001 touchpoints.
        var customer = Ids.Customer();
        var start = new DateTimeOffset(2022, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var history = new[] { SignUp(customer, start) }.Concat(Enumerable.Range(1, 1_500).Select(d => Purchase(customer, start.AddDays(d), amount: 10m, margin: 3m))).ToArray();
        foreach (var batch in history.Chunk(1_000)) await account.Host.PostTouchpoints(batch);
        await CheckpointsWrittenByARead(customer, start);
        await using (var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var hide = new NpgsqlCommand($"update {account.Schema}.mt_events set is_archived = true where stream_id = @id and version between 2 and 500", connection);
            hide.Parameters.AddWithValue("id", customer);
            await hide.ExecuteNonQueryAsync();
        }

        // Day 1,200 is after the checkpoint at event 1,000 (purchase 999, day 999): it counts the signup and 1,200 purchases of 10.
        var asOf = start.AddDays(1_200).AddHours(1);
        var known = await account.LatestRecorded(1_501, customer);
        foreach (var knownAt in new DateTimeOffset?[] { null, known })
        {
            var (answer, _) = await Read(asOf, knownAt, customer);
            (answer.Counted, answer.Revenue).ShouldBe((1_201, 12_000m), $"knownAt {knownAt:O}");
        }
        // Before the checkpoint's last purchase the read folds from the first event, hidden ones left out: 1 + 700 - 499.
        (await Read(start.AddDays(700).AddHours(1), null, customer)).Answer.Counted.ShouldBe(202);
    }

    [Fact]
    public async Task its_value_history_page_by_page_is_read_from_the_checkpoint_before_the_page_not_from_the_first_event()
    {
        // An account recorded in business order: a signup (acquisition cost 120), then on day d a purchase of 10 + d mod 3 (margin 3), for 2,100 days.
        var customer = Ids.Customer();
        var start = new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.Zero);
        var history = new[] { SignUp(customer, start) }
            .Concat(Enumerable.Range(1, 2_100).Select(d => Purchase(customer, start.AddDays(d), amount: 10m + d % 3, margin: 3m))).ToArray();
        foreach (var batch in history.Chunk(1_000)) await account.Host.PostTouchpoints(batch);
        await CheckpointsWrittenByARead(customer, start);
        // Events 2 to 500 hidden from every reader of the stream: a history sorted from the whole stream would have 1,602 points.
        await using (var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var hide = new NpgsqlCommand($"update {account.Schema}.mt_events set is_archived = true where stream_id = @id and version between 2 and 500", connection);
            hide.Parameters.AddWithValue("id", customer);
            await hide.ExecuteNonQueryAsync();
        }

        // Point k (0: the signup) is valued as of day k with the signup and purchases 1..k: revenue the sum of 10 + d mod 3,
        // profit 3k - 120, and simple-clv (lifetime 3 years) revenue / k x k / tenure x 3, tenure max(0.25, k / 365.25) years.
        static (decimal Revenue, decimal Profit, decimal Current) Expected(int k)
        {
            var revenue = Enumerable.Range(1, k).Sum(d => 10m + d % 3);
            return (revenue, 3m * k - 120m, k == 0 ? 0m : revenue * 3m / Math.Max(0.25m, k / 365.25m));
        }
        async Task ShouldBeThePoints(string query, int[] ks)
        {
            var page = await account.Host.GetJson($"/api/customers/{customer}/value-history?formula={account.Formula}&{query}");
            page["total"]!.GetValue<int>().ShouldBe(2_101, query);
            var points = page["points"]!.AsArray();
            points.Select(p => p!["occurredAt"]!.GetValue<DateTimeOffset>()).ShouldBe(ks.Select(k => start.AddDays(k)), query);
            foreach (var (point, k) in points.Zip(ks))
            {
                var (revenue, profit, current) = Expected(k);
                (point!["revenue"]!.GetValue<decimal>(), point["profit"]!.GetValue<decimal>()).ShouldBe((revenue, profit), $"{query}, point {k}");
                point["current"]!.GetValue<decimal>().ShouldBe(current, 0.01m, $"{query}, point {k}");
            }
        }

        // Points 1,000 to 1,099 start at the checkpoint of event 1,000; points 1,980 to 2,009 cross the one at event 2,000
        // (the touchpoints of points 0 to 1,999); the newest 50 are after it.
        await ShouldBeThePoints("pageSize=100&page=11", [.. Enumerable.Range(1_000, 100)]);
        await ShouldBeThePoints("pageSize=30&page=67", [.. Enumerable.Range(1_980, 30)]);
        await ShouldBeThePoints("order=newest&pageSize=50", [.. Enumerable.Range(2_051, 50).Reverse()]);
    }

    /// <summary>
    /// A value read as of a past date writes the checkpoints the account lacks (one every 1,000 events) before it reads
    /// from them; the scenarios then hide events, which the checkpoints already hold.
    /// </summary>
    private async Task CheckpointsWrittenByARead(string customer, DateTimeOffset start)
    {
        await account.Host.GetJson($"/api/customers/{customer}/value?asOf={start.AddDays(1):yyyy-MM-dd}");
        await using var session = account.Store.QuerySession();
        var version = (await session.Events.FetchStreamStateAsync(customer))!.Version;
        (await session.Query<EventCrm.Projections.Values.ValueCheckpoint>().Where(c => c.CustomerId == customer).CountAsync())
            .ShouldBe((int)(version / 1_000), "one checkpoint per 1,000 events, written by the read");
    }
}
