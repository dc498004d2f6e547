namespace EventCrm.Host.Models;

/// <summary>
/// A refit as of a moment by which no purchase had occurred (0001-01-01, say): the model would be fitted on nothing and put
/// in force. Refused before anything is recorded: POST /api/models/refit answers 422 naming asOf, clv-refit fails.
/// </summary>
public sealed class RefitOnNoPurchaseException(DateTimeOffset asOf, int customers, DateTimeOffset? firstPurchase) : Exception(
    $"no purchase had occurred by {asOf:O} ({(customers == 0 ? "no customer record either" : $"{customers:N0} customer record(s) without one")}): " +
    "a model fitted on no purchase has no BG/NBD nor Gamma-Gamma fit, no benchmarks and no tier thresholds, and would be put in force " +
    "all the same; " + (firstPurchase is { } first
        ? $"the first purchase recorded occurred at {first:O}: fit as of then or later. Nothing was fitted."
        : "no purchase is recorded yet: record purchases first. Nothing was fitted."));
