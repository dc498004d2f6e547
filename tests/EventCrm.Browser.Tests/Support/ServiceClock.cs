using Microsoft.Playwright;

namespace EventCrm.Browser.Tests.Support;

/// <summary>
/// The page's clock (Playwright's) with the service's clock moved along with it: every answer's Date header
/// is the page's now, so the page, which reads the service's clock from that header, sees the two agree
/// while the service itself runs at the real time (an offer's end is then in its last moments before the
/// scheduled expiry is recorded). The clock moves only once the page has read every answer it awaits: one
/// dated before a move and read after it would set the page's idea of the service's clock back.
/// </summary>
public static class ServiceClock
{
    /// <summary>Installs the page's clock at the real time; every answer of the service is dated by it from then on.</summary>
    public static async Task InstallServiceClock(this Desk desk)
    {
        await desk.Page.Clock.InstallAsync(new() { TimeDate = DateTime.UtcNow });
        // Counts the page's calls still unanswered: their count drops before the page's code reads the answer, in the same turn.
        await desk.Page.EvaluateAsync("""
            const send = window.fetch;
            window.answersAwaited = 0;
            window.fetch = (...call) => { window.answersAwaited++; return send(...call).finally(() => window.answersAwaited--); };
            """);
        await desk.Page.RouteAsync("**/api/**", async route =>
        {
            var response = await route.FetchAsync();
            var headers = new Dictionary<string, string>(response.Headers) { ["date"] = await desk.ServiceDate() };
            await route.FulfillAsync(new() { Response = response, Headers = headers });
        });
    }

    /// <summary>The page's now as a Date header gives it: what a route answering for the service dates its answer with.</summary>
    public static async Task<string> ServiceDate(this Desk desk) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)await desk.Page.EvaluateAsync<double>("Date.now()")).ToString("R");

    /// <summary>Moves the page's clock to the moment (paused there) once the page awaits no answer; timers due fire once.</summary>
    public static async Task JumpTo(this Desk desk, DateTimeOffset moment)
    {
        await desk.AnswersRead();
        await desk.Page.Clock.PauseAtAsync(moment.UtcDateTime);
    }

    /// <summary>Runs the page's clock for so many milliseconds once the page awaits no answer, firing every timer due meanwhile.</summary>
    public static async Task RunFor(this Desk desk, long milliseconds)
    {
        await desk.AnswersRead();
        await desk.Page.Clock.RunForAsync(milliseconds);
    }

    /// <summary>Once the page awaits no answer (a call sent by a timer is under way as soon as the clock has moved).</summary>
    public static async Task AnswersRead(this Desk desk)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(15); await desk.Page.EvaluateAsync<int>("window.answersAwaited") > 0; await Task.Delay(20))
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the page still awaits an answer after 15 s");
    }
}
