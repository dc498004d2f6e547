using System.Text;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>A schema of its own, at the default Import:MaxConcurrent (2): the imports held here must not refuse another test's.</summary>
public sealed class ImportSlotsHost() : SchemaHost("eventcrm_import_slots");

/// <summary>
/// Each import over HTTP spools up to 256 MB to the temporary folder and keeps up to 100,000 rows in
/// memory: at most Import:MaxConcurrent (2 by default) run at once. One more is answered 503 with
/// Retry-After before its body is read, and appends nothing; a slot comes back when its import ends,
/// whether it imported, refused its file or lost its body. The imports are held open by bodies that
/// stop half-way until the scenario lets them go, so no step depends on timing.
/// </summary>
public class when_more_imports_arrive_than_the_service_runs_at_once(ImportSlotsHost app) : IClassFixture<ImportSlotsHost>
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private Task<IScenarioResult> Import(Stream body, long length, int status) => app.Host.Scenario(s =>
    {
        s.Post.Url("/api/imports");
        s.ConfigureHttpContext(http =>
        {
            http.Request.ContentType = "text/csv";
            http.Request.Body = body;
            http.Request.ContentLength = length;
        });
        s.StatusCodeShouldBe(status);
    });

    /// <summary>An import of one signup, held after its header until released.</summary>
    private static HeldBody SignUpOf(string customer) =>
        new(Encoding.UTF8.GetBytes(HistoryFile.Header + "\n"),
            Encoding.UTF8.GetBytes(new HistoryFile().SignUp(customer, "2023-05-01T10:00:00Z").ToString()[(HistoryFile.Header.Length + 1)..]));

    /// <summary>An import started and holding its slot: its body is being read.</summary>
    private async Task<Task<IScenarioResult>> Running(HeldBody body, int status)
    {
        var import = Import(body, body.Size, status);
        await Task.WhenAny(body.Reading, import).WaitAsync(Guard);
        if (import.IsCompleted) await import; // answered without reading its body: says why
        return import;
    }

    private async Task<IScenarioResult> Refused(string customer)
    {
        var body = SignUpOf(customer);
        body.Release();
        var refused = await Import(body, body.Size, 503);
        body.Reading.IsCompleted.ShouldBeFalse("the refused body was read");
        return refused;
    }

    [Fact]
    public async Task a_third_import_while_two_run_is_refused_appends_nothing_and_gets_in_once_they_are_done()
    {
        var (first, second, third) = (Ids.Customer(), Ids.Customer(), Ids.Customer());
        var (firstBody, secondBody) = (SignUpOf(first), SignUpOf(second));
        var firstImport = await Running(firstBody, 201);
        var secondImport = await Running(secondBody, 201);

        var refused = await Refused(third);

        refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("30");
        var problem = JsonNode.Parse(await refused.ReadAsTextAsync())!;
        problem["title"]!.GetValue<string>().ShouldBe("Service busy");
        problem["detail"]!.GetValue<string>().ShouldStartWith("2 imports are running, the most this service runs at once (Import:MaxConcurrent)");
        (await app.Store.EventCount(third)).ShouldBe(0);

        firstBody.Release();
        secondBody.Release();
        await firstImport;
        await secondImport;
        var again = SignUpOf(third);
        again.Release();
        await Import(again, again.Size, 201);
        (await app.Store.EventCount(first)).ShouldBe(1);
        (await app.Store.EventCount(second)).ShouldBe(1);
        (await app.Store.EventCount(third)).ShouldBe(1);
    }

    [Theory]
    [InlineData("a bad row")]
    [InlineData("a body that breaks off")]
    public async Task an_import_that_fails_gives_its_slot_back(string failure)
    {
        var (failing, held, next) = (Ids.Customer(), Ids.Customer(), Ids.Customer());
        var failingBody = failure == "a bad row"
            ? new HeldBody(Encoding.UTF8.GetBytes(HistoryFile.Header + "\n"), Encoding.UTF8.GetBytes($"no-such-type,tp-{Guid.NewGuid():N},{failing},2023-05-01T10:00:00Z,,,,,,,,,,,\n"))
            : SignUpOf(failing);
        var heldBody = SignUpOf(held);
        var failingImport = await Running(failingBody, 400);
        var heldImport = await Running(heldBody, 201);
        await Refused(next);

        if (failure == "a bad row") failingBody.Release();
        else failingBody.BreakOff();
        await failingImport;

        // The slot the failed import held is free while the other is still running.
        var nextBody = SignUpOf(next);
        nextBody.Release();
        await Import(nextBody, nextBody.Size, 201);
        heldBody.Release();
        await heldImport;
        (await app.Store.EventCount(failing)).ShouldBe(0);
        (await app.Store.EventCount(next)).ShouldBe(1);
    }
}
