namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// The KPIs of any period [from, to) from what each customer contributes to them, gathered once per base (a
/// valuation) instead of a pass over every customer per request: leads, signups and first customer moments as sorted
/// moments; the changes into and out of a customer's state as running counts and sums; and the pairs a period must
/// count together (a lead with its signup, a signup with its member's changes, a win-back with the acquisition before
/// it) as <see cref="DominanceSums"/>. Every figure is the count or sum <see cref="PortfolioKpis.ByPass"/> makes, for
/// any period: the definitions only ask, of each customer, whether fixed moments of its own fall before the period's
/// bounds (tested against it on random bases and periods).
/// </summary>
public sealed class PortfolioKpiIndex
{
    private readonly IReadOnlyList<PortfolioCustomer> _customers;
    private readonly SortedCounts _leads;
    private readonly DominanceSums _leadsSignedUp;               // (lead, signup): 1
    private readonly CustomersOverTime _overTime;
    private readonly SortedCounts _acquisitions;                  // each customer's distinct moments of becoming one
    private readonly DominanceSums _reacquisitions;               // (the one before, a later one): 1
    private readonly SortedFlags _signups;                        // flagged: a customer at its own signup
    private readonly DominanceSums _membersFlips;                 // (signup, a flip of that customer): +1 or -1

    private PortfolioKpiIndex(IReadOnlyList<PortfolioCustomer> customers)
    {
        _customers = customers;
        var (leads, leadsSignedUp) = (new List<long>(), new List<(long, long, int)>());
        var (flips, acquisitions, reacquisitions) = (new List<(long, int, decimal)>(), new List<long>(), new List<(long, long, int)>());
        var (signups, membersFlips) = (new List<(long, bool)>(), new List<(long, long, int)>());
        foreach (var customer in customers)
        {
            if (customer.LeadAt is { } lead)
            {
                leads.Add(lead.UtcTicks);
                if (customer.SignedUpAt is { } converted) leadsSignedUp.Add((lead.UtcTicks, converted.UtcTicks, 1));
            }
            var ordered = customer.StateChanges.OrderBy(c => c.At).ToList();   // stable: the list's order among equal moments
            var own = Flips(ordered);
            flips.AddRange(own.Select(f => (f.At, f.Sign, customer.CurrentValue)));
            long? previous = null;
            foreach (var acquired in Acquisitions(ordered))
            {
                acquisitions.Add(acquired);
                if (previous is { } before) reacquisitions.Add((before, acquired, 1));
                previous = acquired;
            }
            if (customer.SignedUpAt is { } signup)
            {
                signups.Add((signup.UtcTicks, customer.IsCustomerAt(signup)));
                membersFlips.AddRange(own.Select(f => (signup.UtcTicks, f.At, f.Sign)));
            }
        }
        (_leads, _leadsSignedUp) = (new SortedCounts(leads), new DominanceSums(leadsSignedUp));
        _overTime = new CustomersOverTime(flips);
        (_acquisitions, _reacquisitions) = (new SortedCounts(acquisitions), new DominanceSums(reacquisitions));
        (_signups, _membersFlips) = (new SortedFlags(signups), new DominanceSums(membersFlips));
    }

    public static PortfolioKpiIndex Of(IEnumerable<PortfolioCustomer> customers) => new(customers.ToList());

    public PortfolioKpiReport For(DateTimeOffset from, DateTimeOffset to, int cohortPeriods = 12)
    {
        if (from > to) throw new ArgumentException($"the period must not end ({to:O}) before it starts ({from:O})", nameof(to));
        ArgumentOutOfRangeException.ThrowIfNegative(cohortPeriods);
        var (start, end) = (from.UtcTicks, to.UtcTicks);

        // Leads of the period, and those signed up before its end: (lead < to, signup < to) less (lead < from, signup < to).
        var leads = _leads.Between(start, end);
        var converted = _leadsSignedUp.Below(end, end) - _leadsSignedUp.Below(start, end);

        // Acquired: customers with a moment of becoming one in the period, each once: every such moment, less those
        // whose customer had one already in the period (the one before it at or after from; then it is before to too).
        var reacquiredInPeriod = _reacquisitions.Below(long.MaxValue, end) - _reacquisitions.Below(start, end);
        var acquired = _acquisitions.Between(start, end) - reacquiredInPeriod;
        var (atStart, atEnd) = (_overTime.CustomersBefore(start), _overTime.CustomersBefore(end));

        return new PortfolioKpiReport(from, to,
            new LeadConversion(leads, converted, Fraction.Of(converted, leads)),
            new PeriodRetention(atStart, atEnd, acquired, Fraction.Of(atEnd - acquired, atStart)),
            Cohorts(from, to, cohortPeriods),
            AverageClvAt(to));
    }

    // As SignupCohorts.Follow: a cohort per month (in from's offset) overlapping the period, of the signups in it.
    private List<SignupCohort> Cohorts(DateTimeOffset from, DateTimeOffset to, int periods)
    {
        var cohorts = new List<SignupCohort>();
        for (var month = SignupCohorts.MonthStart(from, from.Offset); month < to; month = month.AddMonths(1))
        {
            var (first, next) = (Max(from, month).UtcTicks, Min(to, month.AddMonths(1)).UtcTicks);
            var size = _signups.Count(first, next);
            var points = Enumerable.Range(0, periods + 1)
                .Select(k => (MonthsAfter: k, At: month.AddMonths(k)))
                .TakeWhile(p => p.At <= to)
                .Select(p =>
                {
                    var still = StillCustomers(p.MonthsAfter, p.At, to, first, next);
                    return new CohortRetentionPoint(p.MonthsAfter, p.At, still, Fraction.Of(still, size));
                })
                .ToList();
            cohorts.Add(new SignupCohort(month, size, points));
        }
        return cohorts;
    }

    // Month 0 looks at each member from its own signup. From month 1 on the moment is after every member's signup: a
    // member is a customer then when its flips up to it add up to 1 (up to just before `to` when the point is `to`).
    private int StillCustomers(int monthsAfter, DateTimeOffset at, DateTimeOffset to, long first, long next)
    {
        if (monthsAfter == 0) return _signups.Flagged(first, next);
        var flipsBefore = at == to ? to.UtcTicks : at.UtcTicks + 1;
        return _membersFlips.Below(next, flipsBefore) - _membersFlips.Below(first, flipsBefore);
    }

    private AverageClv AverageClvAt(DateTimeOffset to)
    {
        if (!_overTime.ValuesExact) return PortfolioKpis.AverageClvAt(_customers, to);
        var customers = _overTime.CustomersBefore(to.UtcTicks);
        return new AverageClv(customers,
            customers == 0 ? null : Math.Round(_overTime.ValuesBefore(to.UtcTicks) / customers, 2, MidpointRounding.ToEven));
    }

    /// <summary>
    /// The moments the customer becomes or stops being a customer, as <see cref="CustomerStanding.StateAt"/> reads its
    /// state: of changes at the same moment, the last in the list is the state from then on.
    /// </summary>
    private static List<(long At, int Sign)> Flips(List<Lifecycle.StateChange> ordered)
    {
        var flips = new List<(long, int)>();
        var isCustomer = false;
        for (var i = 0; i < ordered.Count; i++)
        {
            if (i + 1 < ordered.Count && ordered[i + 1].At == ordered[i].At) continue;
            var now = CustomerStanding.IsCustomerState(ordered[i].State);
            if (now != isCustomer) flips.Add((ordered[i].At.UtcTicks, now ? 1 : -1));
            isCustomer = now;
        }
        return flips;
    }

    /// <summary>The distinct moments of a change into a customer's state from one that was not, as <see cref="CustomerStanding.BecameCustomerDuring"/> reads them.</summary>
    private static IEnumerable<long> Acquisitions(List<Lifecycle.StateChange> ordered)
    {
        string? before = null;
        long? last = null;
        foreach (var change in ordered)
        {
            if (CustomerStanding.IsCustomerState(change.State) && !CustomerStanding.IsCustomerState(before) && last != change.At.UtcTicks)
            {
                last = change.At.UtcTicks;
                yield return change.At.UtcTicks;
            }
            before = change.State;
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
