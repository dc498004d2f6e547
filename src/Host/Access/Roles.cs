namespace EventCrm.Host.Access;

/// <summary>
/// What an API key may do. Every policy also admits <see cref="Admin"/>: the administrator holds
/// every right, so one bootstrap key is enough to set a service up.
/// </summary>
public static class Roles
{
    public const string Ingest = "ingest";
    public const string Desk = "desk";
    public const string Auditor = "auditor";
    public const string Data = "data";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Ingest, Desk, Auditor, Data, Admin];
}

/// <summary>Endpoint groups and the roles that may use them (docs/api.md, "Access").</summary>
public static class Policies
{
    public const string Read = "read";
    public const string Append = "append";
    public const string Import = "import";
    public const string Formulas = "formulas";
    public const string FormulaVersions = "formula-versions";
    public const string Models = "models";
    public const string Replays = "replays";
    public const string Export = "export";
    public const string Audit = "audit";
    public const string Projections = "projections";
    public const string Keys = "keys";
    public const string Erasure = "erasure";

    public static readonly IReadOnlyDictionary<string, string[]> RolesFor = new Dictionary<string, string[]>
    {
        [Read] = [Roles.Desk, Roles.Auditor, Roles.Data],
        // The desk records retention outcomes as touchpoints; which types it may send is checked in the endpoint.
        [Append] = [Roles.Ingest, Roles.Desk],
        [Import] = [Roles.Ingest],
        // A new version changes no value until an administrator puts it in force: auditors and data
        // teams register the versions they replay.
        [FormulaVersions] = [Roles.Auditor, Roles.Data],
        [Formulas] = [],
        [Models] = [Roles.Data],
        [Replays] = [Roles.Auditor, Roles.Data],
        [Export] = [Roles.Data],
        [Audit] = [Roles.Auditor],
        [Projections] = [Roles.Data],
        [Keys] = [],
        // Personal-data erasure (docs/privacy.md): the administrator only.
        [Erasure] = [],
    };
}
