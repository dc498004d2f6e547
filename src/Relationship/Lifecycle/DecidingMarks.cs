namespace EventCrm.Relationship.Lifecycle;

/// <summary>
/// Of the state-changing touchpoints of a customer, the few that decide the state now and after
/// any touchpoint still to come, whatever its business time: the latest that sets the state
/// outright (a signup, a cancellation request, a churn, an answered offer) and the latest
/// purchase after it. Folding these gives the state that folding them all gives, and keeps doing
/// so as touchpoints are added one by one, so a profile keeps at most two marks however long the
/// customer's history (docs/design.md).
/// </summary>
public static class DecidingMarks
{
    public static IReadOnlyList<T> Of<T>(IReadOnlyList<T> marks, Func<T, DateTimeOffset> occurredAt, Func<T, long> recordedOrder, Func<T, string> type)
    {
        var (outright, purchase) = (-1, -1);
        for (var i = 0; i < marks.Count; i++)
        {
            var kind = type(marks[i]);
            if (Lifecycle.SetsStateOutright(kind)) outright = Latest(outright, i);
            else if (kind == Touchpoints.TouchpointTypes.Purchase) purchase = Latest(purchase, i);
        }

        var deciding = new List<T>(2);
        if (outright >= 0) deciding.Add(marks[outright]);
        if (purchase >= 0 && (outright < 0 || IsLater(purchase, outright))) deciding.Add(marks[purchase]);
        return deciding;

        int Latest(int current, int candidate) => current < 0 || IsLater(candidate, current) ? candidate : current;

        bool IsLater(int a, int b) =>
            occurredAt(marks[a]) > occurredAt(marks[b])
            || (occurredAt(marks[a]) == occurredAt(marks[b]) && recordedOrder(marks[a]) > recordedOrder(marks[b]));
    }
}
