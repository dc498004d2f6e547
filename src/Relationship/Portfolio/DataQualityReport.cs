namespace EventCrm.Relationship.Portfolio;

// Seed 004's three data-quality rates, each a fraction 0..1 of the customer records to 4 decimals (null when
// there are none), each with the records behind it so someone can go and fix them.

public sealed record DataQualityReport(int Customers, DuplicateRecords Duplicates, ErroneousRecords Errors, RecordCompleteness Completeness);

/// <param name="CustomerIds">every customer in at least one group, in the order given; counted once even if in two groups.</param>
public sealed record DuplicateRecords(decimal? Rate, IReadOnlyList<DuplicateGroup> Groups, IReadOnlyList<string> CustomerIds);

/// <param name="Kind"><see cref="DuplicateKinds.Email"/> or <see cref="DuplicateKinds.Name"/>.</param>
/// <param name="Key">the normalised email or name the customers share.</param>
public sealed record DuplicateGroup(string Kind, string Key, IReadOnlyList<string> CustomerIds);

public static class DuplicateKinds
{
    public const string Email = "email";
    public const string Name = "name";
}

public sealed record ErroneousRecords(decimal? Rate, IReadOnlyList<CustomerDataErrors> Customers);

public sealed record CustomerDataErrors(string CustomerId, IReadOnlyList<string> Reasons);

public sealed record RecordCompleteness(decimal? Rate, IReadOnlyList<IncompleteRecord> Incomplete);

/// <param name="MissingFields">names from <see cref="RequiredFields"/>, in that order.</param>
public sealed record IncompleteRecord(string CustomerId, IReadOnlyList<string> MissingFields);

/// <summary>
/// The fields a record needs to be complete at its stage: a prospect, enough to reach it (name, email); a customer
/// (one who signed up or bought, <see cref="CustomerStanding.HasEverBeenCustomer"/>), also enough to segment and
/// attribute it (segment, channel), which a prospect cannot have before its signup.
/// </summary>
public static class RequiredFields
{
    public const string Name = "name";
    public const string Email = "email";
    public const string Segment = "segment";
    public const string Channel = "channel";
    public static readonly IReadOnlyList<string> All = [Name, Email, Segment, Channel];
    public static readonly IReadOnlyList<string> OfAProspect = [Name, Email];

    public static IReadOnlyList<string> Of(PortfolioCustomer record) => record.HasEverBeenCustomer() ? All : OfAProspect;
}
