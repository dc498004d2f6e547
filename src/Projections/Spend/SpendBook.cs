using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Projections.Spend;

/// <summary>
/// Folds a page of signups and purchases, in global order, into the customers' spend and the
/// changes of the segment x category cells. Pure: the projection loads and stores around it.
/// The result depends only on the events folded, so a rebuild gives the same cells as the
/// continuous run, whichever comes first of a customer's signup and purchases.
/// </summary>
public sealed class SpendBook(IEnumerable<CustomerSpend> known)
{
    private readonly Dictionary<string, CustomerSpend> _customers = known.ToDictionary(c => c.Id);
    private readonly HashSet<string> _changedCustomers = [];
    private readonly Dictionary<string, CellChange> _changes = [];

    public IEnumerable<CustomerSpend> ChangedCustomers => _changedCustomers.Select(id => _customers[id]);

    public IReadOnlyDictionary<string, CellChange> CellChanges => _changes;

    public void Record(string customerId, ITouchpoint touchpoint)
    {
        var customer = _customers.GetValueOrDefault(customerId) ?? CustomerSpend.Empty(customerId);
        var after = touchpoint switch
        {
            SignedUp signup when customer.Segment is null => SignUp(customer, signup.Segment),
            PurchaseMade purchase => Buy(customer, purchase),
            _ => customer,
        };
        if (ReferenceEquals(after, customer)) return;
        _customers[customerId] = after;
        _changedCustomers.Add(customerId);
    }

    /// <summary>Purchases made before the signup was recorded counted under no segment: they move to the customer's segment.</summary>
    private CustomerSpend SignUp(CustomerSpend customer, string segment)
    {
        foreach (var spent in customer.Categories)
        {
            Change(new(null, spent.Category, -spent.Revenue, -spent.Margin, -spent.Purchases, -1));
            Change(new(segment, spent.Category, spent.Revenue, spent.Margin, spent.Purchases, 1));
        }
        return customer with { Segment = segment };
    }

    private CustomerSpend Buy(CustomerSpend customer, PurchaseMade purchase)
    {
        var newBuyer = customer.HasBought(purchase.Category) ? 0 : 1;
        Change(new(customer.Segment, purchase.Category, purchase.Amount, purchase.Margin, 1, newBuyer));
        return customer.With(purchase);
    }

    private void Change(CellChange change)
    {
        var key = SpendCell.KeyOf(change.Segment, change.Category);
        _changes[key] = _changes.TryGetValue(key, out var earlier) ? earlier.Plus(change) : change;
    }
}
