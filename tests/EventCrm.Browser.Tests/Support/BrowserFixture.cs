using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Npgsql;
using Shouldly;

[assembly: AssemblyFixture(typeof(EventCrm.Browser.Tests.Support.BrowserFixture))]

namespace EventCrm.Browser.Tests.Support;

/// <summary>
/// For the whole assembly: the Host as a real process with the scenario customers seeded, and one
/// headless Debian Chromium. Each test opens its own browser context (a fresh tab session).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AdminKey = "browser-tests-admin-key-not-a-secret";
    private const string Schema = "eventcrm_browser";

    private HostProcess? _host;
    private IPlaywright? _playwright;

    public Uri BaseAddress => _host!.BaseAddress;
    public HttpClient Api { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        try
        {
            await Start();
        }
        catch
        {
            await DisposeAsync();   // never leave the Host process behind
            throw;
        }
    }

    /// <summary>The moment the scenario data is dated from (its histories run back from it).</summary>
    public DateTimeOffset SeededAt { get; private set; }

    private async Task Start()
    {
        _host = await StartHost();
        Api = new HttpClient { BaseAddress = _host.BaseAddress, DefaultRequestHeaders = { { "X-Api-Key", AdminKey } } };
        SeededAt = DateTimeOffset.UtcNow;
        await new ScenarioData(Api, SeededAt).Seed();
        await WaitForThePortfolio(ScenarioData.Customers);

        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Paths.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>The Host over the test database, in a schema of its own dropped first: it recreates it on start, a clean base for every run.</summary>
    private static async Task<HostProcess> StartHost()
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("Set ConnectionStrings__EventCrm (./eventcrm test does) to run the browser tests.");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        return await HostProcess.Start("browser", connectionString, Schema, AdminKey, within: TimeSpan.FromSeconds(90));
    }

    /// <summary>
    /// Runs a scenario in a fresh tab, 1366x768 unless told (a laptop's 1366x768 screen less the browser's bars is
    /// about 1366x657), in UTC unless told; its last screen is saved in screenshots/ (FAILED-... when it failed).
    /// </summary>
    public async Task WithDesk(string scenario, Func<Desk, Task> steps, string path = "/", string locale = "en-US",
        int width = 1366, int height = 768, string timezone = "UTC")
    {
        await using var context = await Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height }, Locale = locale, TimezoneId = timezone,
        });
        var page = await context.NewPageAsync();
        var desk = new Desk(page, BaseAddress);
        var failed = true;
        try
        {
            await page.GotoAsync(new Uri(BaseAddress, path).ToString());
            await steps(desk);
            failed = false;
        }
        finally
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Paths.Screenshots, $"{(failed ? "FAILED-" : "")}{scenario}.png"), FullPage = false });
        }
    }

    /// <summary>What the service decided on the client's pending cancellation, once it has (within 60 s).</summary>
    public async Task<string> DecisionOf(string client)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(250))
        {
            var retention = JsonNode.Parse(await Api.GetStringAsync($"/api/customers/{client}/retention"))!;
            if (retention["pending"]?["decision"]?.GetValue<string>() is { } decision and not "assessing") return decision;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no decision for {client} within 60 s: {retention.ToJsonString()}");
        }
    }

    /// <summary>The client asks to cancel now; the offer the service makes it (the client must be worth one).</summary>
    public async Task<JsonNode> OfferMadeTo(string client)
    {
        var cancellation = ScenarioData.CancellationOf(client, DateTimeOffset.UtcNow.AddMinutes(-1), "thinking it over");
        (await Api.PostAsJsonAsync("/api/touchpoints", cancellation)).EnsureSuccessStatusCode();
        var decision = await DecisionOf(client);
        if (decision != "offer-made") throw new InvalidOperationException($"{client} was decided {decision}, not offer-made");
        var retention = JsonNode.Parse(await Api.GetStringAsync($"/api/customers/{client}/retention"))!;
        return retention["pending"]!["offer"]!;
    }

    /// <summary>The types of the client's events as the service has them (its timeline, in business-time order).</summary>
    public async Task<string[]> EventTypesOf(string client)
    {
        var timeline = JsonNode.Parse(await Api.GetStringAsync($"/api/customers/{client}/timeline"))!;
        return [.. timeline["entries"]!.AsArray().Select(e => e!["type"]!.GetValue<string>())];
    }

    /// <summary>A key with only these roles, made by the admin for a test.</summary>
    public async Task<string> KeyWithRoles(params string[] roles)
    {
        var response = await Api.PostAsJsonAsync("/api/keys", new { name = $"browser-{string.Join('-', roles)}-{Guid.NewGuid():N}", roles });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }

    /// <summary>
    /// The client's stream row locked by a transaction of the test's, as another writer (an import, an operator's psql)
    /// holds it, until disposed; returned once the lock is held.
    /// </summary>
    public async Task<IAsyncDisposable> HoldStreamOf(string client)
    {
        var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var hold = new NpgsqlCommand($"select 1 from {Schema}.mt_streams where id = @client for update", connection, transaction);
        hold.Parameters.AddWithValue("client", client);
        (await hold.ExecuteScalarAsync()).ShouldNotBeNull($"{client} has no stream to hold");
        return new HeldLock(connection, transaction);
    }

    private sealed class HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }

    // The portfolio reads the ledgers the async daemon keeps: wait until it has caught up with the seed.
    private async Task WaitForThePortfolio(int customers)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var pareto = await Api.GetFromJsonAsync<JsonObject>("/api/portfolio/pareto");
            if (pareto!["analysis"]!["customers"]!.GetValue<int>() >= customers) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"The portfolio did not reach {customers} customers within 60 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        Api?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        (Browser, _playwright, Api, _host) = (null!, null, null!, null);   // a failed start has disposed already
    }
}
