namespace EventCrm.Relationship.Lifecycle;

public static class CustomerStates
{
    public const string Prospect = "prospect";
    public const string Active = "active";
    public const string CancellationRequested = "cancellation-requested";
    public const string Churned = "churned";
    public const string Retained = "retained";
}
