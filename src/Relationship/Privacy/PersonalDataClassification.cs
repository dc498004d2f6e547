using System.Reflection;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Privacy;

/// <summary>A touchpoint type whose personal data is not classified, or classified unlike its record: the service does not start.</summary>
public sealed class PersonalDataUnclassifiedException(string message) : InvalidOperationException(message);

/// <summary>
/// Holds <see cref="PersonalData.FieldsByType"/> to the registered touchpoint types and their records: a type not
/// classified, a text field named like a personal field (name, email, source...) left out, or a type classified whose
/// values <see cref="PersonalData"/>'s readers and maskers do not reach. Any of these would let an erasure answer
/// "erased" with the type's names still in the timeline and the export, and a classification added after its events
/// were sealed no longer masks what they hold: so the store's configuration refuses them (PrivacyConfiguration),
/// and every start and every test of the service with it.
/// </summary>
public static class PersonalDataClassification
{
    /// <summary>Where every classification is declared, and the erasure's readers and maskers written.</summary>
    public const string File = "src/Relationship/Privacy/PersonalData.cs";

    public static void ThrowIfIncomplete()
    {
        var problems = Problems(TouchpointTypes.ByName, PersonalData.FieldsByType);
        if (problems.Count > 0) throw new PersonalDataUnclassifiedException(string.Join("; ", problems));
    }

    /// <summary>What is wrong with the classification of these touchpoint types (stored name to record), each in a sentence that says what to edit.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, Type> types, IReadOnlyDictionary<string, IReadOnlyList<string>> classified)
    {
        var problems = new List<string>();
        foreach (var (name, type) in types.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (!classified.TryGetValue(name, out var declared))
            {
                problems.Add($"touchpoint type '{name}' ({type.Name}) is not classified: declare its personal fields, or [] for none, " +
                             $"in PersonalData.FieldsByType ({File})");
                continue;
            }
            var texts = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(string))
                .Select(p => JsonName(p.Name)).ToHashSet();
            var unknown = declared.Where(field => !PersonalData.Fields.Contains(field)).ToList();
            if (unknown.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", unknown)} personal, which PersonalData.Fields does not list: " +
                             $"add it to PersonalFields and PersonalData.Fields ({File})");
            var absent = declared.Where(field => !texts.Contains(field)).ToList();
            if (absent.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", absent)} personal, which {type.Name} has no text property for ({File})");
            var service = PersonalData.NotPersonalDespiteTheirNames.GetValueOrDefault(name, []);
            var left = PersonalData.Fields.Where(field => texts.Contains(field) && !declared.Contains(field) && !service.Contains(field)).ToList();
            if (left.Count > 0)
                problems.Add($"touchpoint type '{name}' has {string.Join(", ", left)}, personal wherever they are, left out of its entry in " +
                             $"PersonalData.FieldsByType (or, if the service alone writes them, listed in PersonalData.NotPersonalDespiteTheirNames) ({File})");
            if (declared.Count > 0 && unknown.Count == 0 && absent.Count == 0 && Unreached(type, declared) is { } unreached)
                problems.Add($"touchpoint type '{name}': {unreached} ({File})");
        }
        foreach (var name in classified.Keys.Where(name => !types.ContainsKey(name)).Order(StringComparer.Ordinal))
            problems.Add($"PersonalData.FieldsByType classifies '{name}', which TouchpointTypes.ByName does not register ({File})");
        return problems;
    }

    /// <summary>Whether the erasure's readers and maskers, written type by type, reach every declared field of a sample of the record.</summary>
    private static string? Unreached(Type type, IReadOnlyList<string> declared)
    {
        var sample = Sample(type);
        var read = PersonalData.HeldIn(sample);
        if (!read.ToHashSet().SetEquals(declared))
            return $"PersonalData.ValuesOf reads [{string.Join(", ", read)}] of a {type.Name}, not [{string.Join(", ", declared)}]: " +
                   $"give {type.Name} its case in ValuesOf and in Erase";
        var masked = PersonalData.ErasedIn(PersonalData.Erase(sample, declared.ToHashSet()));
        return masked.SetEquals(declared)
            ? null
            : $"PersonalData.Erase masks [{string.Join(", ", masked.Order(StringComparer.Ordinal))}] of a {type.Name}, not [{string.Join(", ", declared)}]: " +
              $"give {type.Name} its case in Erase";
    }

    /// <summary>A record with a text in every text parameter and the default of every other.</summary>
    private static object Sample(Type type)
    {
        var constructor = type.GetConstructors().MaxBy(c => c.GetParameters().Length)
                          ?? throw new InvalidOperationException($"{type.Name} has no public constructor");
        var arguments = constructor.GetParameters()
            .Select(p => p.ParameterType == typeof(string) ? $"sample {p.Name}"
                : p.ParameterType.IsValueType && Nullable.GetUnderlyingType(p.ParameterType) is null ? Activator.CreateInstance(p.ParameterType)
                : null)
            .ToArray();
        return constructor.Invoke(arguments);
    }

    /// <summary>The store's and the API's name of a property: camel case.</summary>
    private static string JsonName(string property) => char.ToLowerInvariant(property[0]) + property[1..];
}
