using EventCrm.Host.Formulas;
using EventCrm.Host.Reliability;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// The latest valuation of the base failed, and the one before it is not answered as if current: it was made under what was
/// in force then (a formula since replaced, say), and its figures would be read as today's. Answered 503 with Retry-After
/// (FaultProblems): the request started another valuation, and an answer comes once one completes.
/// </summary>
public sealed class PortfolioValuationFailedException(DateTimeOffset failedAt, Exception failure, DateTimeOffset lastAsOf, FormulaView lastFormula)
    : Exception($"The latest valuation of the portfolio, begun at {failedAt:O}, failed ({Why(failure)}). The last one that completed, " +
                $"as of {lastAsOf:O} under {lastFormula.Name}@{lastFormula.Version}, is not answered as current: the figures would be " +
                "taken for today's, under what is in force now. Another valuation is started by this request.")
{
    /// <summary>A valuation of a large base takes a minute or more; asked again sooner, the answer would mostly be the same.</summary>
    public const int RetryAfterSeconds = 10;

    /// <summary>Why, in the client's terms: the log holds the exception itself.</summary>
    private static string Why(Exception failure) => failure switch
    {
        _ when DatabaseFaults.IsUnavailable(failure) => "the database was unavailable",
        ArithmeticException => "a sum or mean of the customers' values went beyond the largest amount a decimal holds, about 7.9e28",
        _ => "an error the service's log holds, with this time",
    };
}
