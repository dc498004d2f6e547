namespace EventCrm.Host.Infrastructure;

public static class RequestLimits
{
    /// <summary>A full batch of 1,000 touchpoints is well under 1 MB; anything far bigger is not ours to parse.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;
}
