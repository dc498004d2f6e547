using System.Collections.Concurrent;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// Issue #6, concurrency beyond one customer (Touchpoints/when_writers_race_on_one_customer covers
/// twenty singles on one): twenty writers send arrays spanning the same customers in opposite and
/// random orders. Nothing deadlocks, nothing is lost or doubled, a 409 is only ever "retry", and
/// after the race every stream, its profile and its events agree.
/// </summary>
public class when_writers_race_across_customers(AppFixture app, ITestOutputHelper output)
{
    private const int Writers = 20;
    private const int ArraysPerWriter = 3;

    [Fact]
    public async Task arrays_over_shared_customers_in_any_order_all_land_exactly_once_without_deadlock()
    {
        var customers = Enumerable.Range(0, 6).Select(_ => Ids.Customer()).ToArray();
        await app.Host.PostTouchpoints(customers.Select(c => SignUp(c, Jan1)).ToArray());
        using var http = app.Host.Server.CreateClient();
        http.DefaultRequestHeaders.Add(AppFixture.ApiKeyHeader, AppFixture.AdminKey);
        http.Timeout = TimeSpan.FromSeconds(60);

        var answers = new ConcurrentBag<int>();
        var retries = 0;
        var posted = new ConcurrentBag<string>();
        var race = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new SeededRandom((ulong)writer * 31 + 7);
            for (var n = 0; n < ArraysPerWriter; n++)
            {
                // A third of the writers take every customer in one order, a third in the reverse order, the rest some at random.
                var order = (writer % 3) switch
                {
                    0 => customers,
                    1 => customers.Reverse().ToArray(),
                    _ => customers.OrderBy(_ => random.NextULong()).Take(random.Between(2, customers.Length)).ToArray(),
                };
                var array = order.Select((c, k) => Purchase(c, Jan1.AddDays(1 + writer).AddMinutes(n * 10 + k), amount: 10 + k, margin: 1)).ToArray();
                foreach (var item in array) posted.Add((string)item["touchpointId"]!);
                Attempt attempt;
                while (true)
                {
                    attempt = await Clients.PostTouchpoints(http, array);
                    answers.Add(attempt.Status);
                    if (attempt.Status != 409) break;
                    Interlocked.Increment(ref retries);   // the documented answer to a 409 under contention: send it again
                    await Task.Delay(random.Between(5, 50));
                }
                attempt.Status.ShouldBe(201, attempt.ToString());
            }
        })).ToArray();

        await Task.WhenAll(race).WaitAsync(TimeSpan.FromMinutes(2));   // a deadlock would hang here

        output.WriteLine($"{posted.Count} touchpoints in {Writers * ArraysPerWriter} arrays; answers: " +
            string.Join(", ", answers.GroupBy(a => a).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")) + $"; {retries} retries after 409");
        answers.ShouldAllBe(status => status == 201 || status == 409);
        var store = new StoreChecks(app.Host.Services.GetRequiredService<IConfiguration>().GetConnectionString("EventCrm")!, AppFixture.Schema);
        var counts = await store.TouchpointCounts(posted.ToList());
        counts.Count.ShouldBe(posted.Count, "touchpoints lost");
        counts.Where(c => c.Value != 1).ShouldBeEmpty("touchpoints stored twice");
        (await store.InconsistentStreams(customers)).ShouldBeEmpty();
    }
}
