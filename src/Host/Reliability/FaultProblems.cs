using System.Text.Json;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Replays;
using EventCrm.Host.Touchpoints;
using Microsoft.AspNetCore.Diagnostics;

namespace EventCrm.Host.Reliability;

/// <summary>
/// Answers the exceptions that are not the service's bugs with the problem they stand for, instead
/// of a 500: a body the server refused to read (413 too large, 400 malformed or truncated, 408 too
/// slow), a body that is not JSON (400), a statement cancelled at the command timeout (503 "Database too
/// slow", logged as a slow statement, not as an outage), and an unavailable database, a full append queue or too many
/// unfinished replays (503
/// with Retry-After, so a client knows to send the same request again later), and a stored event the code
/// cannot read (a 500 that says so, never taken for the client's bad JSON). Everything else stays a 500.
/// </summary>
public sealed class FaultProblems(ILogger<FaultProblems> logger, PreparedStatementsOutOfStep outOfStep, DatabasesOutOfReach outOfReach) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (context.Response.HasStarted || Answer(exception, HasBody(context.Request), SentAgainOf(context.Request)) is not { } answer) return false;
        // With several databases, the one out of reach is named, whether it refused the connection or said nothing.
        if (answer.Title == UnavailableTitle && outOfReach.Several
            && DatabasesOutOfReach.ForClients(await outOfReach.OfAsync(exception, ct)) is { } named)
            answer = Answer(exception, HasBody(context.Request), SentAgainOf(context.Request), named)!;

        if (answer.Title == ConnectionResetTitle)
        {
            logger.LogWarning("{Method} {Path}: a database connection had lost track of its prepared statements ({Error}); " +
                "the node's pooled connections are closed and opened afresh; answered 503 {Title}", context.Request.Method, context.Request.Path,
                Innermost(exception).Message, answer.Title);
            await outOfStep.ReopenConnectionsAsync();
            context.Response.Headers.RetryAfter = ConnectionResetRetryAfterSeconds.ToString();
        }
        else if (answer.Title == SlowStatementTitle)
        {
            // The database answered, late: a statement to look at (a lock held elsewhere, a missing index), not an outage.
            logger.LogWarning("{Method} {Path}: slow statement, cancelled at the command timeout ({Error}); answered 503 {Title}{Statement}",
                context.Request.Method, context.Request.Path, Innermost(exception).Message, answer.Title, StatementOf(exception));
            context.Response.Headers.RetryAfter = DatabaseFaults.RetryAfterSeconds.ToString();
        }
        else if (answer.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // An outage's refusals carry their exception, so that the log holds them back with the outage's
            // other errors (DatabaseOutageLog): its one warning stands for every request refused meanwhile.
            logger.LogWarning(DatabaseFaults.IsOutage(exception) ? exception : null, "{Method} {Path}: {Error}; answered 503",
                context.Request.Method, context.Request.Path, exception.Message);
            context.Response.Headers.RetryAfter = (answer.RetryAfterSeconds ?? DatabaseFaults.RetryAfterSeconds).ToString();
        }
        else if (exception is StoredEventUnreadableException)
        {
            logger.LogError(exception, "{Method} {Path}: {Error}; answered {Status}", context.Request.Method, context.Request.Path, exception.Message, answer.Status);
        }
        else
        {
            logger.LogInformation("{Method} {Path}: refused the request body ({Error}); answered {Status}", context.Request.Method, context.Request.Path, exception.Message, answer.Status);
        }
        await Results.Problem(answer.Detail, statusCode: answer.Status, title: answer.Title).ExecuteAsync(context);
        return true;
    }

    /// <summary>The title of a request that met a connection whose prepared statements were out of step (<see cref="PreparedStatementsOutOfStep"/>).</summary>
    public const string ConnectionResetTitle = "Database connection reset";

    /// <summary>The connections are opened afresh at once: the request may be sent again right away.</summary>
    public const int ConnectionResetRetryAfterSeconds = 1;

    /// <summary>The title of a request refused because a statement of it ran into the command timeout.</summary>
    public const string SlowStatementTitle = "Database too slow";

    private static Exception Innermost(Exception exception) => DatabaseFaults.Chain(exception).Last();

    /// <summary>The statement that timed out, when Npgsql says which (its first 200 characters), for the log.</summary>
    private static string StatementOf(Exception exception) =>
        DatabaseFaults.Chain(exception).OfType<Npgsql.NpgsqlException>().Select(e => e.BatchCommand?.CommandText).FirstOrDefault(t => t is not null) is { } sql
            ? $": {(sql.Length > 200 ? sql[..200] + "..." : sql)}"
            : "";

    public sealed record ProblemAnswer(int Status, string Title, string Detail, int? RetryAfterSeconds = null);

    /// <summary>
    /// What the same request sent again does, as a 503's detail says it: only the routes that append
    /// touchpoints (touchpoints, imports) land them once by their ids; a read changes nothing; of any
    /// other write (a rebuild, a replay, a key) this attempt may or may not have been carried out.
    /// </summary>
    public enum SentAgain { LandsTouchpointsOnce, ChangesNothing, MayRepeat }

    public static SentAgain SentAgainOf(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ? SentAgain.ChangesNothing
        : request.Path.StartsWithSegments("/api/touchpoints") || request.Path.StartsWithSegments("/api/imports") ? SentAgain.LandsTouchpointsOnce
        : SentAgain.MayRepeat;

    private static string Resent(SentAgain sentAgain) => sentAgain switch
    {
        SentAgain.LandsTouchpointsOnce => "touchpoints sent again with the same touchpointIds land once, whether or not this attempt reached the store.",
        SentAgain.ChangesNothing => "a read changes nothing, so sending it again is safe.",
        _ => "whether this attempt was carried out is not known: read what it would change (GET) before sending it again.",
    };

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

    /// <summary>The problem an exception stands for, or null for a 500. JSON errors are the client's only when it sent a body.</summary>
    /// <summary>The title of a request refused because a database is out of reach: it refuses connections, or says nothing.</summary>
    public const string UnavailableTitle = "Service unavailable";

    /// <param name="outOfReach">With several databases, the one(s) out of reach ("database db1 of Tenancy:Databases"), named in the detail.</param>
    public static ProblemAnswer? Answer(Exception exception, bool requestHasBody, SentAgain sentAgain = SentAgain.LandsTouchpointsOnce, string? outOfReach = null) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e =>
            new(e.StatusCode, "The request body is too large", e.Message),
        BadHttpRequestException e => new(e.StatusCode, "The request body could not be read", e.Message),
        // The store's, not the client's: before the body's JSON errors below.
        StoredEventUnreadableException e => new(StatusCodes.Status500InternalServerError, "A stored event cannot be read", e.Message),
        JsonException when requestHasBody =>
            new(StatusCodes.Status400BadRequest, "The request is invalid", $"The body is not valid JSON: {exception.Message}"),
        AppendQueueFullException e => new(StatusCodes.Status503ServiceUnavailable, "Service busy",
            $"{e.Message} Send the request again in {DatabaseFaults.RetryAfterSeconds} seconds; nothing of it was appended."),
        ReplayQueueFullException e => new(StatusCodes.Status503ServiceUnavailable, "Service busy",
            $"{e.Message} Ask again once one has completed (GET /api/replays?state=running lists them); nothing was started.",
            ReplayQueueFullException.RetryAfterSeconds),
        Portfolio.PortfolioNotValuedYetException e => new(StatusCodes.Status503ServiceUnavailable, "Portfolio not valued yet",
            $"{e.Message} Ask again after Retry-After seconds.", Portfolio.PortfolioNotValuedYetException.RetryAfterSeconds),
        Portfolio.PortfolioValuationFailedException e => new(StatusCodes.Status503ServiceUnavailable, "Portfolio valuation failed",
            $"{e.Message} Ask again after Retry-After seconds.", Portfolio.PortfolioValuationFailedException.RetryAfterSeconds),
        _ when PreparedStatementsOutOfStep.Caused(exception) => new(StatusCodes.Status503ServiceUnavailable, ConnectionResetTitle,
            "A database connection of this node had lost track of the statements it had prepared on the server (after a statement on it " +
            "failed or was cancelled mid-answer), and a statement of this request failed on it; the node has closed its connections and " +
            $"opens new ones. Send the request again in {ConnectionResetRetryAfterSeconds} second; {Resent(sentAgain)}", ConnectionResetRetryAfterSeconds),
        // Before the outage below, which it also is to Npgsql: the database answers, the node has no connection left.
        _ when DatabaseFaults.IsPoolExhausted(exception) => new(StatusCodes.Status503ServiceUnavailable, "Service busy",
            $"Every database connection of this node is in use (its pool is full: long requests such as exports hold them). Send the request " +
            $"again in {DatabaseFaults.RetryAfterSeconds} seconds; {Resent(sentAgain)}"),
        // Before the outage below, which it also is to Npgsql: the database answered, too late.
        _ when DatabaseFaults.IsSlowStatement(exception) => new(StatusCodes.Status503ServiceUnavailable, SlowStatementTitle,
            "The database took too long to answer a statement of this request (past the command timeout: waiting for a lock another " +
            "transaction holds, say), and the statement was cancelled; the database itself answers. Send the request again in " +
            $"{DatabaseFaults.RetryAfterSeconds} seconds; {Resent(sentAgain)}"),
        _ when DatabaseFaults.IsUnavailable(exception) && outOfReach is not null => new(StatusCodes.Status503ServiceUnavailable, UnavailableTitle,
            $"{char.ToUpperInvariant(outOfReach[0])}{outOfReach[1..]} is unavailable: the service cannot reach it (it refuses connections, or does not answer). " +
            $"Send the request again in {DatabaseFaults.RetryAfterSeconds} seconds; {Resent(sentAgain)}"),
        _ when DatabaseFaults.IsUnavailable(exception) => new(StatusCodes.Status503ServiceUnavailable, UnavailableTitle,
            $"The database is unavailable. Send the request again in {DatabaseFaults.RetryAfterSeconds} seconds; {Resent(sentAgain)}"),
        _ => null,
    };
}
