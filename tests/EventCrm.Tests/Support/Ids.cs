namespace EventCrm.Tests.Support;

/// <summary>Fresh ids per test, so tests never see each other's customers.</summary>
public static class Ids
{
    public static string Customer() => $"cust-{Guid.NewGuid():N}";
    public static string Touchpoint() => $"tp-{Guid.NewGuid():N}";
}
