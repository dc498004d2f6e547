using EventCrm.Projections.Audit;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Privacy;

/// <summary>
/// A signup's channel is whatever the sender types ("referred by neighbour Jane Doe"): since 2026-12-07 (evening) the
/// erasure masks it with the name and email, where its seal holds its hash, and the audit chain still verifies. A
/// purchase's category and a promotion id are labels shared across customers (a spend cell adds up a category's buyers):
/// they are kept, and the docs tell the API's users to keep them free of personal data. And the key the erasure deletes
/// is vacuumed at once: its row version no longer sits in the table's pages.
/// </summary>
[Collection(PrivacyHost.Collection)]
public class when_free_text_is_typed_into_a_signup_s_channel(PrivacyHost privacy)
{
    [Fact]
    public async Task the_erasure_masks_the_channel_everywhere_and_the_chain_still_verifies()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var (customerId, referrer) = (Ids.Customer(), $"referred by neighbour Jane Doe{marker}");
        var signup = SignUp(customerId, Jan1, $"Chan Nelson{marker}", $"chan.{marker}@privacy.example");
        signup["channel"] = referrer;
        await privacy.Host.PostTouchpoints(new object[] { signup, Purchase(customerId, Jan1.AddDays(3), amount: 80m, margin: 20m) });
        await privacy.Store.CatchUp();
        (await PrivacyHost.TablesHolding(referrer)).ShouldContain("mt_doc_customerprofile.data");

        var answer = await privacy.Host.PostJson($"/api/customers/{customerId}/erasure", new { }, 200);

        answer["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["name", "email", "channel"]);
        (answer["eventsMasked"]!.GetValue<int>(), answer["eventsKept"]!.GetValue<int>()).ShouldBe((1, 0), "the signup; nothing sealed verbatim");
        (await privacy.Host.GetJson($"/api/customers/{customerId}"))["channel"]!.GetValue<string>().ShouldBe("[erased]");
        await privacy.Store.CatchUp();
        (await PrivacyHost.TablesHolding(referrer)).ShouldBeEmpty();
        (await privacy.Host.GetJson($"/api/customers/{customerId}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task a_channel_left_out_stays_left_out_and_is_not_named_as_erased()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var customerId = Ids.Customer();
        var signup = SignUp(customerId, Jan1, $"Nat Nochannel{marker}", $"nat.{marker}@privacy.example");
        signup.Remove("channel");
        await privacy.Host.PostTouchpoints(new object[] { signup });
        await privacy.Store.CatchUp();

        var answer = await privacy.Host.PostJson($"/api/customers/{customerId}/erasure", new { }, 200);

        answer["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["name", "email"]);
        (await privacy.Host.GetJson($"/api/customers/{customerId}"))["channel"].ShouldBeNull();
    }

    [Fact]
    public async Task shared_labels_a_category_and_a_promotion_id_are_kept_as_the_docs_warn()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var customerId = Ids.Customer();
        var (category, promotion) = ($"wedding gift for Jane Doe{marker}", $"bday-promo-Chan-Nelson-1990-05-04-{marker}");
        var purchase = Purchase(customerId, Jan1.AddDays(3), amount: 80m, margin: 20m);
        purchase["category"] = category;
        await privacy.Host.PostTouchpoints(new object[]
        {
            SignUp(customerId, Jan1, $"Kit Keeper{marker}", $"kit.{marker}@privacy.example"), purchase,
            Of("promotion-offered", customerId, Jan1.AddDays(4), new { promotionId = promotion, cost = 2m }),
        });
        await privacy.Store.CatchUp();

        await privacy.Host.PostJson($"/api/customers/{customerId}/erasure", new { }, 200);
        await privacy.Store.CatchUp();

        // Not erased by design (docs/privacy.md, the warning list): the category is a cell of every customer who bought in it.
        (await PrivacyHost.TablesHolding(category)).ShouldContain("mt_doc_spendcell.data");
        (await PrivacyHost.TablesHolding(promotion)).ShouldContain("mt_events.data");
    }

    [Fact]
    public async Task the_deleted_key_s_row_version_is_vacuumed_out_of_the_table_s_pages()
    {
        var person = await privacy.Customer();
        await privacy.Store.CatchUp();
        var key = (await StreamKey(person.Id)).ShouldNotBeNull();
        (await RowVersionsHolding(key)).ShouldBe(1);

        await privacy.Host.PostJson($"/api/customers/{person.Id}/erasure", new { }, 200);

        // A DELETE alone leaves the row version in its page (a dead tuple) until a vacuum prunes it: still 1 without the
        // service's VACUUM, since autovacuum waits for 50 + 20 % of the table's rows to be dead.
        (await RowVersionsHolding(key)).ShouldBe(0);
    }

    private static async Task<byte[]?> StreamKey(string customerId)
    {
        await using var connection = await PrivacyHost.Open();
        await using var read = new NpgsqlCommand($"select key from {PrivacyHost.Schema}.{AuditStorage.KeysTableName} where stream_id = @id", connection);
        read.Parameters.AddWithValue("id", customerId);
        return await read.ExecuteScalarAsync() as byte[];
    }

    /// <summary>Row versions, live or dead, whose stored bytes hold the key, in every page of the key table (pageinspect).</summary>
    private static async Task<long> RowVersionsHolding(byte[] key)
    {
        await PrivacyHost.Execute("create extension if not exists pageinspect");
        await using var connection = await PrivacyHost.Open();
        var table = $"{PrivacyHost.Schema}.{AuditStorage.KeysTableName}";
        await using var count = new NpgsqlCommand(
            $"select count(*) from generate_series(0, pg_relation_size('{table}') / current_setting('block_size')::int - 1) as page, " +
            $"lateral heap_page_items(get_raw_page('{table}', page::int)) as item where item.t_data is not null and position(@key in item.t_data) > 0",
            connection);
        count.Parameters.AddWithValue("key", key);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
