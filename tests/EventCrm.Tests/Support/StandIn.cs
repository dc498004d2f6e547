using System.Reflection;

namespace EventCrm.Tests.Support;

/// <summary>
/// An interface implemented by the few members a scenario names, for library interfaces too wide to
/// write out (JasperFx's daemon has dozens of members, of which a scenario calls three). Any other member throws.
/// </summary>
public class StandIn<T> : DispatchProxy where T : class
{
    private Dictionary<string, Func<object?[], object?>> _members = [];

    public static T With(Dictionary<string, Func<object?[], object?>> members)
    {
        var standIn = Create<T, StandIn<T>>();
        ((StandIn<T>)(object)standIn)._members = members;
        return standIn;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args) =>
        _members.TryGetValue(method!.Name, out var member)
            ? member(args ?? [])
            : throw new NotSupportedException($"{typeof(T).Name}.{method.Name} is not part of this scenario");
}
