// The quality of the customer records (GET /api/data-quality, seed 004): duplicates, data errors and incomplete
// records, each a rate with its counts, and the records behind it so that someone can go and fix them. The answer
// holds the first page of each list; "Show 200 more" reads the next ones of its list alone (GET /api/data-quality/{list}).
import { getJson } from "./api.js";
import { h, count, percent, when, announce, showError, clearErrorOf, setBusy, isBusy } from "./ui.js";
import { counted } from "./words.js";
import { card, failedIn, behind, partialNote } from "./portfolio-parts.js";

const Part = "Data quality";
const ShownRecords = 10;
const MorePerClick = 200;
const MoreNames = {
  duplicates: ["more possible duplicate group", "more possible duplicate groups"],
  errors: ["more record with data errors", "more records with data errors"],
  completeness: ["more incomplete record", "more incomplete records"],
};
const Kinds = { email: "Same email", name: "Same name" };
// Each list's entries in its part of the answer, and what names an entry once.
const Entries = {
  duplicates: { of: part => part.groups, key: group => `${group.kind} ${group.key}`, noun: "group" },
  errors: { of: part => part.customers, key: record => record.customerId, noun: "record" },
  completeness: { of: part => part.incomplete, key: record => record.customerId, noun: "record" },
};

export function startDataQuality() {
  return getJson(`/api/data-quality?pageSize=${ShownRecords}`).then(show).catch(failedIn(Part, "quality-figures"));
}

function show({ analysis: a, asOf, ledgerProgress }) {
  const { duplicates: d, errors: e, completeness: c } = a;
  const records = counted(a.customers, "record");
  const rate = value => (value === null ? "No records" : percent(value));
  document.getElementById("quality-summary").replaceChildren(...(behind(ledgerProgress) ? [partialNote(ledgerProgress)] : []),
    summary(a, behind(ledgerProgress)), ` As of ${when(asOf)}.`);
  document.getElementById("quality-figures").replaceChildren(
    card("Duplicate rate, % of records", rate(d.rate), `${count(d.records)} of ${records} share an email or a name with another record.`),
    card("Error rate, % of records", rate(e.rate), `${count(e.total)} of ${records} hold a data error.`),
    card("Completeness rate, % of records", rate(c.rate),
      `${count(a.customers - c.total)} of ${records} have the fields due at their stage: a name and an email, and for a customer a segment and a channel.`));
  document.getElementById("quality-details").replaceChildren(
    ...details("Possible duplicates", "duplicates", "One person entered twice, or namesakes (a shared name alone also catches them): check before merging.",
      d, group => [`${Kinds[group.kind] ?? group.kind} “`, h("bdi", {}, group.key), "”: ", ...links(group.customerIds)]),
    ...details("Data errors", "errors", null, e, record => [link(record.customerId), `: ${record.reasons.join("; ")}.`]),
    ...details("Incomplete records", "completeness", "A prospect is asked for a name and an email only: its segment and channel come with its signup. A customer, signed up or buying, is asked for all four.",
      c, record => [link(record.customerId), `: no ${record.missingFields.join(", no ")}.`]));
}

// A clean base says so plainly; otherwise what is wrong, counted, before the rates.
function summary(a, partial) {
  if (a.customers === 0) return h("strong", {}, partial ? "No customer record folded yet: nothing checked so far." : "No customer records yet: nothing to check.");
  const problems = [
    a.duplicates.records && counted(a.duplicates.records, "possible duplicate"),
    a.errors.total && `${counted(a.errors.total, "record")} with data errors`,
    a.completeness.total && `${counted(a.completeness.total, "record")} incomplete`,
  ].filter(Boolean);
  const checked = counted(a.customers, "customer record");
  if (problems.length === 0)
    return h("span", {}, h("strong", { class: "good" }, "The records are clean: "), `${checked} checked, no duplicates, no data errors, every record complete.`);
  return h("span", {}, h("strong", { class: "bad" }, "To fix: "), `${problems.join(", ")}, among ${checked} (prospects included).`);
}

/**
 * A heading and the first records of one list (nothing when there are none), and a button that shows the next 200,
 * read from the service a page at a time: someone fixing 700 records, or 70,000, must reach every one, by mouse or keyboard.
 */
function details(title, kind, explain, part, line) {
  if (part.total === 0) return [];
  const { of, key, noun } = Entries[kind];
  const list = h("ul", { class: "quality-list", "aria-labelledby": `quality-${kind}-title`, "data-kind": kind });
  const shown = h("p", { class: "muted" });
  const more = h("button", { type: "button", class: "secondary more" });
  const context = `${Part}: ${title}`;
  const read = readerOf(kind, of, part);

  const offerMore = () => {
    const rest = read.total - list.children.length;
    shown.textContent = rest > 0 ? `${count(list.children.length)} of ${count(read.total)} shown.` : "";
    more.hidden = rest <= 0;
    // Named for its list: the page has a "Show N more" under each quadrant too.
    more.textContent = `Show ${counted(Math.min(MorePerClick, rest), ...MoreNames[kind])}`;
  };
  const showUpTo = until => {
    const listed = new Set([...list.children].map(li => li.dataset.key));
    // A new valuation between two pages may move an entry by a page: each is listed once.
    list.append(...read.entries.slice(list.children.length, until).filter(entry => entry && !listed.has(key(entry)))
      .map(entry => h("li", { "data-key": key(entry) }, line(entry))));
    offerMore();
  };
  more.addEventListener("click", async () => {
    if (isBusy(more)) return;
    const listed = list.children.length;
    setBusy(more, true);
    try {
      await read.upTo(listed + MorePerClick);
      clearErrorOf(context);
      showUpTo(listed + MorePerClick);
      announce(`${count(list.children.length)} of ${counted(read.total, noun)} shown.`);
      // The keyboard goes on from the first record just shown.
      list.children[listed]?.querySelector("a")?.focus();
    } catch (error) {
      showError(error, context);
    } finally {
      setBusy(more, false);
    }
  });
  showUpTo(ShownRecords);
  return [
    h("h3", { id: `quality-${kind}-title` }, `${title} (${counted(part.total, noun)})`),
    explain ? h("p", { class: "muted hint" }, explain) : "",
    list, shown, more,
  ];
}

/**
 * One list's entries by their place in it, the answer's first page known: upTo(n) reads the pages of 200 that hold
 * the places not read yet before n (the first click two, each later one one), so that each click shows 200 more.
 */
function readerOf(kind, of, part) {
  const read = { total: part.total, entries: [...of(part)] };
  read.upTo = async until => {
    const last = Math.min(until, read.total);
    const pages = [];
    for (let page = Math.floor(read.entries.length / MorePerClick) + 1; (page - 1) * MorePerClick < last; page++)
      if (!isRead(page)) pages.push(page);
    const answers = await Promise.all(pages.map(page => getJson(`/api/data-quality/${kind}?page=${page}&pageSize=${MorePerClick}`)));
    answers.forEach(({ analysis }, i) => {
      const answered = analysis[kind];
      read.total = answered.total;
      of(answered).forEach((entry, at) => { read.entries[(pages[i] - 1) * MorePerClick + at] = entry; });
    });
  };
  const isRead = page => {
    const [from, to] = [(page - 1) * MorePerClick, Math.min(page * MorePerClick, read.total)];
    for (let at = from; at < to; at++) if (read.entries[at] === undefined) return false;
    return true;
  };
  return read;
}

const link = id => h("a", { href: `index.html#customer=${encodeURIComponent(id)}` }, id);
const links = ids => ids.flatMap((id, i) => (i === 0 ? [link(id)] : [", ", link(id)]));
