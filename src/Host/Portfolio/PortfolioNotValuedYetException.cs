namespace EventCrm.Host.Portfolio;

/// <summary>
/// A portfolio route asked before this node's first valuation of the base has completed, and it did not complete within
/// <c>Portfolio:FirstValuationWait</c>: there is no earlier valuation to answer from. The valuation goes on.
/// </summary>
public sealed class PortfolioNotValuedYetException(DateTimeOffset startedAt)
    : Exception($"The portfolio is being valued for the first time since this node started (since {startedAt:O}): every customer's " +
                "ledger is read and valued once, in the background, and every portfolio route answers from that valuation once it is made.")
{
    /// <summary>Asking again sooner would mostly be refused again: a large base takes a minute or more to value.</summary>
    public const int RetryAfterSeconds = 10;
}
