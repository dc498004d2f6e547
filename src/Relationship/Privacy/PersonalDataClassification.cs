using System.Reflection;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Privacy;

/// <summary>A touchpoint type whose personal data is not classified, or classified unlike its record: the service does not start.</summary>
public sealed class PersonalDataUnclassifiedException(string message) : InvalidOperationException(message);

/// <summary>
/// Holds <see cref="PersonalData.FieldsByType"/> and <see cref="PersonalData.NotPersonalByType"/> to the registered
/// touchpoint types and their records: a type not classified, a text property (a string, or a collection or record
/// holding text) declared neither personal nor not personal, a field named like a personal one (name, email,
/// source...) left out, or a type classified whose values <see cref="PersonalData"/>'s readers and maskers do not
/// reach. Any of these would let an erasure answer "erased" with the type's names still in the timeline and the
/// export, and a classification added after its events were sealed no longer masks what they hold: so the store's
/// configuration refuses them (PrivacyConfiguration), and every start and every test of the service with it.
/// </summary>
public static class PersonalDataClassification
{
    /// <summary>Where every classification is declared, and the erasure's readers and maskers written.</summary>
    public const string File = "src/Relationship/Privacy/PersonalData.cs";

    public static void ThrowIfIncomplete()
    {
        var problems = Problems(TouchpointTypes.ByName, PersonalData.FieldsByType, PersonalData.NotPersonalByType);
        if (problems.Count > 0) throw new PersonalDataUnclassifiedException(string.Join("; ", problems));
    }

    /// <summary>
    /// What is wrong with the classification of these touchpoint types (stored name to record), by their personal
    /// fields and their text fields declared not personal, each in a sentence that says what to declare and where.
    /// </summary>
    public static IReadOnlyList<string> Problems(
        IReadOnlyDictionary<string, Type> types, IReadOnlyDictionary<string, IReadOnlyList<string>> personal,
        IReadOnlyDictionary<string, IReadOnlyList<NotPersonal>> notPersonal)
    {
        var problems = new List<string>();
        var inEvery = PersonalData.NotPersonalInEveryTouchpoint.Select(field => field.Field).ToHashSet();
        foreach (var (name, type) in types.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var texts = TextFields(type);
            if (!personal.TryGetValue(name, out var declared))
            {
                var own = texts.Where(field => !inEvery.Contains(field)).ToList();
                problems.Add(own.Count > 0
                    ? $"touchpoint type '{name}' ({type.Name}) is not classified: of its text fields {string.Join(", ", own)}, declare those that " +
                      "are personal in PersonalData.FieldsByType ([] for none) and the others not personal, with why, in " +
                      $"PersonalData.NotPersonalByType ({File})"
                    : $"touchpoint type '{name}' ({type.Name}) is not classified: it holds no text of its own, declare [] for it in " +
                      $"PersonalData.FieldsByType ({File})");
                continue;
            }
            var labels = notPersonal.GetValueOrDefault(name, []);
            var notDeclared = labels.Select(field => field.Field).ToList();
            var unknown = declared.Where(field => !PersonalData.Fields.Contains(field)).ToList();
            if (unknown.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", unknown)} personal, which PersonalData.Fields does not list: " +
                             "a new kind of personal field goes in PersonalFields and PersonalData.Fields, and in the lists docs/contributing.md " +
                             $"(step 3) names ({File})");
            var absent = declared.Where(field => !texts.Contains(field)).ToList();
            if (absent.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", absent)} personal, which {type.Name} has no text property for ({File})");
            var both = declared.Intersect(notDeclared).ToList();
            if (both.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", both)} both personal (PersonalData.FieldsByType) and not personal " +
                             $"(PersonalData.NotPersonalByType): keep one ({File})");
            var stale = notDeclared.Where(field => !texts.Contains(field)).ToList();
            if (stale.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", stale)} not personal in PersonalData.NotPersonalByType, " +
                             $"which {type.Name} has no text property for ({File})");
            var unexplained = labels.Where(field => string.IsNullOrWhiteSpace(field.Why)).Select(field => field.Field).ToList();
            if (unexplained.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", unexplained)} not personal without saying why, " +
                             $"in PersonalData.NotPersonalByType ({File})");
            var namedPersonal = PersonalData.Fields.Where(field => texts.Contains(field) && !declared.Contains(field)).ToList();
            var serviceAlone = TouchpointTypes.RecordedByTheService.Contains(name);
            var left = namedPersonal.Where(field => !notDeclared.Contains(field)).ToList();
            if (left.Count > 0)
                problems.Add($"touchpoint type '{name}' has {string.Join(", ", left)}, personal wherever they are, left out of its entry in " +
                             $"PersonalData.FieldsByType (or, if the service alone records the type, declared not personal in PersonalData.NotPersonalByType) ({File})");
            var mislabelled = serviceAlone ? [] : namedPersonal.Where(notDeclared.Contains).ToList();
            if (mislabelled.Count > 0)
                problems.Add($"touchpoint type '{name}' declares {string.Join(", ", mislabelled)} not personal, personal wherever they are but in a type the " +
                             $"service alone records (TouchpointTypes.RecordedByTheService): move them to its entry in PersonalData.FieldsByType ({File})");
            var neither = texts.Where(field => !PersonalData.Fields.Contains(field) && !declared.Contains(field) && !notDeclared.Contains(field)
                                               && !inEvery.Contains(field)).ToList();
            if (neither.Count > 0)
                problems.Add($"touchpoint type '{name}' ({type.Name}) has {string.Join(", ", neither)} declared neither personal nor not personal: " +
                             "declare each that may name or describe a person in its entry in PersonalData.FieldsByType (a new kind of personal " +
                             "field also goes in PersonalFields and PersonalData.Fields: docs/contributing.md, step 3), or, if it is an id, a label " +
                             $"shared across customers or the service's own words, in PersonalData.NotPersonalByType with why ({File})");
            if (declared.Count > 0 && unknown.Count == 0 && absent.Count == 0 && Unreached(type, declared) is { } unreached)
                problems.Add($"touchpoint type '{name}': {unreached} ({File})");
        }
        foreach (var name in personal.Keys.Where(name => !types.ContainsKey(name)).Order(StringComparer.Ordinal))
            problems.Add($"PersonalData.FieldsByType classifies '{name}', which TouchpointTypes.ByName does not register ({File})");
        foreach (var name in notPersonal.Keys.Where(name => !types.ContainsKey(name)).Order(StringComparer.Ordinal))
            problems.Add($"PersonalData.NotPersonalByType lists '{name}', which TouchpointTypes.ByName does not register ({File})");
        return problems;
    }

    /// <summary>
    /// The JSON names of a record's properties that can hold text, in their order: a string, a collection or dictionary
    /// of anything holding text (an offer's inputs, by name), a record or struct with such a property (an offer's tier).
    /// </summary>
    public static IReadOnlyList<string> TextFields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && HoldsText(p.PropertyType, []))
            .Select(p => JsonName(p.Name)).ToList();

    private static readonly HashSet<Type> NoText =
        [typeof(decimal), typeof(DateTimeOffset), typeof(DateTime), typeof(DateOnly), typeof(TimeOnly), typeof(TimeSpan), typeof(Guid)];

    private static bool HoldsText(Type type, HashSet<Type> seen)
    {
        if (type == typeof(string) || type == typeof(char)) return true;
        if (Nullable.GetUnderlyingType(type) is { } underlying) return HoldsText(underlying, seen);
        if (type.IsPrimitive || type.IsEnum || NoText.Contains(type) || !seen.Add(type)) return false;
        if (type.IsArray) return HoldsText(type.GetElementType()!, seen);
        var items = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (items is not null) return HoldsText(items.GetGenericArguments()[0], seen);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Any(p => p.GetIndexParameters().Length == 0 && HoldsText(p.PropertyType, seen));
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
