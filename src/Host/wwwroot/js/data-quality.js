// The quality of the customer records (GET /api/data-quality, seed 004): duplicates, data errors and incomplete
// records, each a rate with its counts, and the records behind it so that someone can go and fix them.
import { getJson } from "./api.js";
import { h, count, percent, when, announce } from "./ui.js";
import { counted } from "./words.js";
import { card, failedIn } from "./portfolio-parts.js";

const Part = "Data quality";
const ShownRecords = 10;
const MorePerClick = 200;
const MoreNames = {
  duplicates: ["more possible duplicate group", "more possible duplicate groups"],
  errors: ["more record with data errors", "more records with data errors"],
  incomplete: ["more incomplete record", "more incomplete records"],
};
const Kinds = { email: "Same email", name: "Same name" };

export function startDataQuality() {
  return getJson("/api/data-quality").then(show).catch(failedIn(Part, "quality-figures"));
}

function show({ analysis: a, asOf }) {
  const { duplicates: d, errors: e, completeness: c } = a;
  const records = counted(a.customers, "record");
  const rate = value => (value === null ? "No records" : percent(value));
  document.getElementById("quality-summary").replaceChildren(summary(a), ` As of ${when(asOf)}.`);
  document.getElementById("quality-figures").replaceChildren(
    card("Duplicate rate, % of records", rate(d.rate), `${count(d.customerIds.length)} of ${records} share an email or a name with another record.`),
    card("Error rate, % of records", rate(e.rate), `${count(e.customers.length)} of ${records} hold a data error.`),
    card("Completeness rate, % of records", rate(c.rate),
      `${count(a.customers - c.incomplete.length)} of ${records} have the fields due at their stage: a name and an email, and for a customer a segment and a channel.`));
  document.getElementById("quality-details").replaceChildren(
    ...details("Possible duplicates", "duplicates", "One person entered twice, or namesakes (a shared name alone also catches them): check before merging.",
      d.groups, group => [`${Kinds[group.kind] ?? group.kind} “${group.key}”: `, ...links(group.customerIds)]),
    ...details("Data errors", "errors", null, e.customers, record => [link(record.customerId), `: ${record.reasons.join("; ")}.`]),
    ...details("Incomplete records", "incomplete", "A prospect is asked for a name and an email only: its segment and channel come with its signup. A customer, signed up or buying, is asked for all four.",
      c.incomplete, record => [link(record.customerId), `: no ${record.missingFields.join(", no ")}.`]));
}

// A clean base says so plainly; otherwise what is wrong, counted, before the rates.
function summary(a) {
  if (a.customers === 0) return h("strong", {}, "No customer records yet: nothing to check.");
  const problems = [
    a.duplicates.customerIds.length && counted(a.duplicates.customerIds.length, "possible duplicate"),
    a.errors.customers.length && `${counted(a.errors.customers.length, "record")} with data errors`,
    a.completeness.incomplete.length && `${counted(a.completeness.incomplete.length, "record")} incomplete`,
  ].filter(Boolean);
  const checked = counted(a.customers, "customer record");
  if (problems.length === 0)
    return h("span", {}, h("strong", { class: "good" }, "The records are clean: "), `${checked} checked, no duplicates, no data errors, every record complete.`);
  return h("span", {}, h("strong", { class: "bad" }, "To fix: "), `${problems.join(", ")}, among ${checked} (prospects included).`);
}

/**
 * A heading and the first records of one kind of problem (nothing when there are none), and a button that shows the
 * next ones: the answer holds them all, and someone fixing 700 records must reach every one, by mouse or keyboard.
 */
function details(title, kind, explain, items, line) {
  if (items.length === 0) return [];
  const noun = kind === "duplicates" ? "group" : "record";
  const list = h("ul", { class: "quality-list", "aria-labelledby": `quality-${kind}-title`, "data-kind": kind });
  const shown = h("p", { class: "muted" });
  const more = h("button", { type: "button", class: "secondary more" });
  const showNext = size => {
    const listed = list.children.length;
    list.append(...items.slice(listed, listed + size).map(item => h("li", {}, line(item))));
    const rest = items.length - list.children.length;
    shown.textContent = rest > 0 ? `${count(list.children.length)} of ${count(items.length)} shown.` : "";
    more.hidden = rest <= 0;
    // Named for its list: the page has a "Show N more" under each quadrant too.
    more.textContent = `Show ${counted(Math.min(MorePerClick, rest), ...MoreNames[kind])}`;
    return listed;
  };
  more.addEventListener("click", () => {
    const listed = showNext(MorePerClick);
    announce(`${count(list.children.length)} of ${counted(items.length, noun)} shown.`);
    // The keyboard goes on from the first record just shown.
    list.children[listed]?.querySelector("a")?.focus();
  });
  showNext(ShownRecords);
  return [
    h("h3", { id: `quality-${kind}-title` }, `${title} (${counted(items.length, noun)})`),
    explain ? h("p", { class: "muted hint" }, explain) : "",
    list, shown, more,
  ];
}

const link = id => h("a", { href: `index.html#customer=${encodeURIComponent(id)}` }, id);
const links = ids => ids.flatMap((id, i) => (i === 0 ? [link(id)] : [", ", link(id)]));
