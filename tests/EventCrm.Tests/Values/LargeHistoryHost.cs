using EventCrm.Tests.Support;
using Npgsql;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own (the scenarios put formulas in force): two accounts recorded in business order.
/// <see cref="Account"/>, 3,501 events in three imports, a formula put in force before the first and another
/// before the third; three accounts of which one purchase committed after all the others, as a write racing for the
/// stream can (<see cref="Late"/>).
/// </summary>
public sealed class LargeHistoryHost() : SchemaHost("eventcrm_large_account_history")
{
    public const string Account = "b2b-history-account";
    /// <summary>
    /// The account's first 3,000 purchases, days 1,001-1,100 recorded back-dated after day 2,900 (3,001 events: the signup, days
    /// 1-1,000, 1,101-2,900, 1,001-1,100, 2,901-3,000): the checkpoints of events 1,000 and 3,000 hold the first 1,000 and 3,000
    /// points of its timeline, the one of event 2,000 does not (days 1,101-2,099 in place of 1,001-1,100).
    /// </summary>
    public const string BackDated = "b2b-history-back-dated";

    /// <summary>An account of a signup and <paramref name="Purchases"/> purchases, purchase <paramref name="Late"/> committed after all the others.</summary>
    public sealed record LateWrite(string Customer, int Purchases, int Late);

    /// <summary>
    /// Late as the last event before the checkpoint of event 2,000, the events after it known (2,201 events); late after the
    /// last checkpoint (2,201 events); late as the last event before the checkpoint of event 2,000 with the stretch to the
    /// next checkpoint known, the account ending on it (3,000 events). Each a case of its own of what proves that the
    /// touchpoints known before the late write are not the first ones of the stream.
    /// </summary>
    public static readonly LateWrite[] Late =
    [
        new("b2b-late-before-a-checkpoint", 2_200, 1_999),
        new("b2b-late-after-the-last-checkpoint", 2_200, 2_100),
        new("b2b-late-before-a-known-stretch", 2_999, 1_999),
    ];

    /// <summary>Purchase d occurs d days after the signup.</summary>
    public static readonly DateTimeOffset Start = new(2016, 1, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>simple-clv with every input given: 100 x 4 a year x 5 years = 2,000, whatever the history; in force from the first import.</summary>
    public string First { get; private set; } = "";
    /// <summary>50 x 2 x 3 = 300; in force from the third import (purchase 2,451).</summary>
    public string Second { get; private set; } = "";
    /// <summary>The recording time of the last event of each import of <see cref="Account"/>: purchases 1-600, 601-2,450, 2,451-3,500.</summary>
    public List<DateTimeOffset> ImportRecorded { get; } = [];
    /// <summary>The recording time of each post of <see cref="BackDated"/>: events 1-1,000, 1,001-2,000 (days 1,000, 1,101-2,099), 2,001-3,000 (days 2,100-2,900, the back-dated ones, 2,901-2,999), 3,001.</summary>
    public List<DateTimeOffset> BackDatedRecorded { get; } = [];
    /// <summary>When every touchpoint of a late account but its late one had been recorded.</summary>
    public Dictionary<string, DateTimeOffset> BeforeTheLateWrite { get; } = [];

    /// <summary>Purchase d: 10 + d mod 3, margin 3 (the late account: 10, margin 3, its late one 1,000, margin 400).</summary>
    public static decimal Amount(int d) => 10m + d % 3;

    protected override async Task SeedAsync()
    {
        First = await Register(100, 4, 5);
        Second = await Register(50, 2, 3);
        await Host.PostJson("/api/formulas/default", new { formula = First }, 200);
        await Post(Account, [SignUp(Account, Start), .. PurchasesOf(1, 600)]);
        await Post(Account, PurchasesOf(601, 1_850));
        await Host.PostJson("/api/formulas/default", new { formula = Second }, 200);
        await Post(Account, PurchasesOf(2_451, 1_050));

        foreach (var late in Late) await SeedLateWrite(late);
        int[] days = [.. Enumerable.Range(1, 1_000), .. Enumerable.Range(1_101, 1_800), .. Enumerable.Range(1_001, 100), .. Enumerable.Range(2_901, 100)];
        var backDated = new[] { SignUp(BackDated, Start) }.Concat(days.Select(d => Purchase(BackDated, Start.AddDays(d), amount: Amount(d), margin: 3m)));
        foreach (var batch in backDated.Chunk(1_000))
        {
            await Host.PostTouchpoints(batch);
            BackDatedRecorded.Add(await LatestRecorded(BackDated));
        }
    }

    private async Task SeedLateWrite(LateWrite late)
    {
        var (customer, purchases, latePurchase) = late;
        var history = new[] { SignUp(customer, Start) }.Concat(Enumerable.Range(1, purchases).Select(d => d == latePurchase
            ? Purchase(customer, Start.AddDays(d), amount: 1_000m, margin: 400m) : Purchase(customer, Start.AddDays(d), amount: 10m, margin: 3m)));
        foreach (var batch in history.Chunk(1_000)) await Host.PostTouchpoints(batch);
        BeforeTheLateWrite[customer] = await LatestRecorded(customer);
        // Before any read writes the checkpoints (they keep the recording times they read).
        await Sql($"update {Schema}.mt_events set timestamp = timestamp + interval '1 minute' where stream_id = '{customer}' and version = {latePurchase + 1}");
    }

    private static Dictionary<string, object?>[] PurchasesOf(int first, int count) =>
        Enumerable.Range(first, count).Select(d => Purchase(Account, Start.AddDays(d), amount: Amount(d), margin: 3m)).ToArray();

    private async Task Post(string customer, Dictionary<string, object?>[] touchpoints)
    {
        foreach (var batch in touchpoints.Chunk(1_000)) await Host.PostTouchpoints(batch);
        ImportRecorded.Add(await LatestRecorded(customer));
    }

    private async Task<string> Register(decimal averageOrderValue, decimal purchasesPerYear, decimal lifetimeYears)
    {
        var registered = await Host.PostJson("/api/formulas",
            new { name = "simple-clv", parameters = new { averageOrderValue, purchasesPerYear, lifetimeYears } }, 201);
        return $"simple-clv@{registered["version"]}";
    }

    private async Task<DateTimeOffset> LatestRecorded(string customer)
    {
        await using var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select max(timestamp) from {Schema}.mt_events where stream_id = @id", connection);
        command.Parameters.AddWithValue("id", customer);
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync())!, DateTimeKind.Utc), TimeSpan.Zero);
    }

    private static async Task Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
