// A replay's differences from the live values, largest first: a page at a time, "Show N more" adding the
// next one (as the desk's search does), so that every customer replayed can be reached, not only the first ten.
import { getJson } from "./api.js";
import { h, amount, count, announce, showError } from "./ui.js";
import { counted } from "./words.js";

const PageSize = 10;

const more = document.getElementById("replay-diff-more");
// Only the replay shown last gets its pages: a slow answer for another must not be added to it.
let shows = 0;
let current = null;   // { run, pages, total } of the differences shown
let asked = null;     // the id of the replay whose differences are shown or being read

more.addEventListener("click", showMore);

/** The first page of the replay's differences, in place of any shown before. */
export async function showDiff(run) {
  const mine = ++shows;
  asked = run.id;
  const diff = await page(run, 1);
  if (mine !== shows) return;
  current = { run, pages: 1, total: diff.total };
  document.getElementById("replay-summary").textContent =
    `${count(diff.changed)} of ${counted(diff.customers, "customer")} ${diff.changed === 1 ? "differs" : "differ"} from the live values (${run.liveFormula}), ${count(diff.tierChanges)} ${diff.tierChanges === 1 ? "changes" : "change"} value tier. The largest differences:`;
  // Its title above the box the table scrolls in, as the customer's history has it: as its caption it was laid out at
  // the table's width and cut off at 320 px (until 2026-12-08). It still names the table, and the box, reached by Tab.
  document.getElementById("replay-diff").replaceChildren(
    h("p", { id: "replay-diff-title", class: "table-title" }, `Current value under ${diff.formula} against the live values`),
    h("div", { class: "history", tabindex: "0", role: "region", "aria-labelledby": "replay-diff-title" },
      h("table", { "aria-labelledby": "replay-diff-title" },
        h("thead", {}, h("tr", {}, ["Customer", "Replayed", "Live", "Difference", "Value tier"].map(t => h("th", { scope: "col" }, t)))),
        h("tbody", {}, diff.items.map(row)))));
  showRest();
}

/** Nothing shown (a new replay under way): no table, no button. */
export function clearDiff() {
  shows++;
  current = asked = null;
  document.getElementById("replay-diff").replaceChildren();
  document.getElementById("replay-summary").textContent = "";
  more.hidden = true;
}

/** A replay deleted takes its differences with it: shown, their "Show N more" answered 404 "No replay". */
export function clearDiffOf(runId) {
  if (asked === runId) clearDiff();
}

async function showMore() {
  if (!current) return;
  const mine = shows;
  const body = document.querySelector("#replay-diff tbody");
  const shown = body.rows.length;
  try {
    const next = await page(current.run, current.pages + 1);
    if (mine !== shows) return;
    current.pages++;
    current.total = next.total;
    const listed = new Set([...body.rows].map(r => r.dataset.customer));
    body.append(...next.items.filter(item => !listed.has(item.customerId)).map(row));
    showRest();
    announce(`${count(body.rows.length)} of ${count(current.total)} differences shown.`);
    // The keyboard goes on from the first customer just shown (the button may have gone: none is left).
    (body.rows[shown] ?? body.rows[shown - 1])?.querySelector("a")?.focus();
  } catch (error) {
    if (mine === shows) showError(error, "Differences");
  }
}

function showRest() {
  const rest = current.total - document.querySelector("#replay-diff tbody").rows.length;
  more.hidden = rest <= 0;
  more.textContent = `Show ${count(Math.min(PageSize, rest))} more`;
}

const page = (run, number) => getJson(`/api/replays/${encodeURIComponent(run.id)}/diff?page=${number}&pageSize=${PageSize}`);

// The customer by name, its id under it, smaller (the id is what the audit form asks for); a record without a name by its id.
const row = item => h("tr", { "data-customer": item.customerId },
  h("td", {}, h("a", { href: `index.html#customer=${encodeURIComponent(item.customerId)}` }, h("bdi", {}, item.name ?? item.customerId)),
    item.name ? h("span", { class: "muted customer-id" }, item.customerId) : ""),
  h("td", { class: "number" }, amount(item.replayed)), h("td", { class: "number" }, amount(item.against)),
  h("td", { class: "number" }, amount(item.difference)), h("td", {}, item.tierChanged ? `${item.againstTier} → ${item.replayedTier}` : item.replayedTier));
