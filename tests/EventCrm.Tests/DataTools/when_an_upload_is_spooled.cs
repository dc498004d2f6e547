using System.Text;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Imports;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// A Host spooling its uploads to a folder of its own, which held, before it started, what processes killed mid-import
/// left there (and what live ones were using); it keeps no row between an import's passes, so the append pass reads the
/// spool again.
/// </summary>
public sealed class SpoolingHost() : SchemaHost(SchemaName, (ImportSpoolFolder.Key, Prepared()), (TouchpointImport.KeptBetweenPassesKey, "0"),
    ("Marten:Daemon", "off"))
{
    private static readonly string SchemaName = $"eventcrm_spool_{Environment.ProcessId}";
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), $"eventcrm-spool-tests-{Environment.ProcessId}");

    /// <summary>Left by a process killed two hours ago: nobody has it open.</summary>
    public static string Dead => Path.Combine(Folder, "eventcrm-import-0000dead.csv");
    /// <summary>As old, and open: an older node's import reading it between two long passes.</summary>
    public static string Live => Path.Combine(Folder, "eventcrm-import-0000live.csv");
    /// <summary>Written a minute ago, closed: an older node between its upload and its first pass.</summary>
    public static string Recent => Path.Combine(Folder, "eventcrm-import-000recent.csv");
    /// <summary>Old, closed, and no spool's name.</summary>
    public static string Other => Path.Combine(Folder, "customers.csv");

    private static FileStream? _live;

    private static string Prepared()
    {
        Directory.CreateDirectory(Folder);
        foreach (var path in new[] { Dead, Live, Recent, Other }) File.WriteAllText(path, "type,touchpointId,customerId,occurredAt\n");
        foreach (var path in new[] { Dead, Live, Other }) File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(Recent, DateTime.UtcNow.AddMinutes(-1));
        // As an older version read its spool: shared for reading.
        _live = new FileStream(Live, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Folder;
    }

    protected override async Task AfterStopAsync()
    {
        if (_live is not null) await _live.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
        await DataCommandLine.DropSchema(SchemaName);
    }
}

/// <summary>
/// The body of <c>POST /api/imports</c> holds names, emails and free text; it is written to disk because the import reads
/// it twice. A process killed mid-import once left it in the temporary folder for good (a 35 MB one was found in /tmp):
/// the spool has no name now, and what older versions left is removed at start (docs/privacy.md, "Copies outside the database").
/// </summary>
public class when_an_upload_is_spooled(SpoolingHost spooling) : IClassFixture<SpoolingHost>
{
    private IAlbaHost Host => spooling.Host;

    [Fact]
    public void a_leftover_nobody_has_open_is_removed_at_start_and_one_open_or_written_within_the_hour_is_left()
    {
        File.Exists(SpoolingHost.Dead).ShouldBeFalse("left two hours ago by a process killed mid-import");
        File.Exists(SpoolingHost.Live).ShouldBeTrue("still open: an older node's import reading it");
        File.Exists(SpoolingHost.Recent).ShouldBeTrue("written a minute ago: an older node between its upload and its first read");
        File.Exists(SpoolingHost.Other).ShouldBeTrue("not a spool");
    }

    [Fact]
    public async Task the_spool_has_no_name_while_the_body_is_read_is_the_service_s_alone_and_both_passes_read_it()
    {
        var customers = new[] { Ids.Customer(), Ids.Customer() };
        var csv = Encoding.UTF8.GetBytes(new HistoryFile()
            .SignUp(customers[0], "2023-05-01T10:00:00Z").Purchase(customers[0], "2023-06-01T10:00:00Z")
            .SignUp(customers[1], "2023-05-02T10:00:00Z").ToString());
        var body = new SpoolWatchingStream(csv, SpoolingHost.Folder);

        var result = await Host.Scenario(s =>
        {
            s.Post.Url("/api/imports");
            s.ConfigureHttpContext(http =>
            {
                http.Request.ContentType = "text/csv";
                http.Request.Body = body;
                http.Request.ContentLength = csv.Length;
            });
            s.StatusCodeShouldBe(201);
        });

        // The spool is open from before the first byte is read: the one this request holds, and it has no name in the folder.
        var spool = body.Spools.ShouldHaveSingleItem();
        spool.Target.ShouldEndWith(" (deleted)");
        spool.Mode.ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        body.NamesInFolder.ShouldBe([Path.GetFileName(SpoolingHost.Live), Path.GetFileName(SpoolingHost.Recent)], ignoreOrder: true,
            "the leftovers the sweep left, and nothing of this upload");
        // Both passes read it through its handle: two signups and a purchase checked, then appended (no row is kept between them).
        JsonNode.Parse(await result.ReadAsTextAsync())!["imported"]!.GetValue<int>().ShouldBe(3);
        SpoolWatchingStream.OpenSpools(SpoolingHost.Folder).ShouldBeEmpty("closed once answered");
    }

    /// <summary>A request body that, when first read, notes the import spools this process holds open in the folder, and the folder's names.</summary>
    private sealed class SpoolWatchingStream(byte[] content, string folder) : MemoryStream(content)
    {
        public List<(string Target, UnixFileMode Mode)> Spools { get; private set; } = [];
        public List<string> NamesInFolder { get; private set; } = [];
        private bool _looked;

        public override int Read(byte[] buffer, int offset, int count)
        {
            Look();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            Look();
            return base.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            Look();
            return base.ReadAsync(buffer, offset, count, ct);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            Look();
            return base.ReadAsync(buffer, ct);
        }

        private void Look()
        {
            if (_looked) return;
            _looked = true;
            Spools = OpenSpools(folder);
            NamesInFolder = Directory.EnumerateFiles(folder, $"{ImportSpool.Prefix}*").Select(Path.GetFileName).ToList()!;
        }

        /// <summary>The files named like a spool in the folder that this process holds open (Linux: /proc/self/fd), with their mode.</summary>
        public static List<(string Target, UnixFileMode Mode)> OpenSpools(string folder)
        {
            var spools = new List<(string, UnixFileMode)>();
            foreach (var descriptor in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                try
                {
                    if (new FileInfo(descriptor).LinkTarget is not { } target) continue;
                    if (!target.StartsWith(Path.Combine(folder, ImportSpool.Prefix), StringComparison.Ordinal)) continue;
                    if (target.StartsWith(SpoolingHost.Live, StringComparison.Ordinal)) continue; // the fixture's own
                    spools.Add((target, File.GetUnixFileMode(descriptor)));
                }
                catch (IOException) { } // closed meanwhile
            }
            return spools;
        }
    }
}
