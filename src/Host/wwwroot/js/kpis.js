// The KPIs of seed 004 over a period the reader chooses (GET /api/kpis): conversion, retention and the customers
// behind it, the average CLV and the signup cohorts, each figure named with its unit and what it means (docs/value.md).
import { getJson } from "./api.js";
import { h, amount, count, percent, when, showError, clearErrorOf, announce } from "./ui.js";
import { counted } from "./words.js";
import { sayDetail } from "./problem-words.js";
import { newestRead } from "./newest.js";
import { card, failedIn, behind, partialNote } from "./portfolio-parts.js";
import { cohortTable } from "./kpi-cohorts.js";

const Part = "Key figures";
const DayMs = 86_400_000;
const isoDay = date => date.toISOString().slice(0, 10);
// The form's days are UTC days, both included; the service's period is [from, to): the day after the last one is sent.
const dayAfter = value => isoDay(new Date(Date.parse(`${value}T00:00:00Z`) + DayMs));
const utcDay = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

/**
 * The last 12 months, today included (the reader's today): a year before tomorrow to today. Tomorrow
 * first: on 29 February the year taken off first rolled over to 1 March, and the day after made it 2 March.
 */
function lastTwelveMonths(now = new Date()) {
  const [year, month, date] = [now.getFullYear(), now.getMonth(), now.getDate()];
  const tomorrow = new Date(Date.UTC(year, month, date + 1));
  const yearBefore = new Date(Date.UTC(tomorrow.getUTCFullYear() - 1, tomorrow.getUTCMonth(), tomorrow.getUTCDate()));
  return { from: isoDay(yearBefore), to: isoDay(new Date(Date.UTC(year, month, date))) };
}

const newest = newestRead();

/** Fills in the last 12 months and reads them; the promise fails when they could not be read (the page's status says so). */
export function startKpis() {
  const form = document.getElementById("kpi-period");
  const period = lastTwelveMonths();
  form.elements.from.value = period.from;
  form.elements.to.value = period.to;
  form.addEventListener("submit", event => {
    event.preventDefault();
    read(form).then(shown => shown && announce(`Key figures shown for ${shown}.`), () => announce("The key figures could not be shown."));
  });
  return read(form);
}

/**
 * The form's period as the service reads it (also the retention desk's outcomes, retention-outcomes.js). Left empty, a
 * bound is the service's default: the end now, the start a year before the end.
 */
export function periodQuery(form) {
  const [from, to] = [form.elements.from.value, form.elements.to.value];
  // A "To" before "From" is sent as it is, for the service to refuse: the day after a "To" one day before "From" is
  // "From" itself, an empty period it answered with figures of no day (until 2026-12-07).
  const end = from && to && to < from ? to : to && dayAfter(to);
  return new URLSearchParams([...(from ? [["from", from]] : []), ...(end ? [["to", end]] : [])]);
}

/** "Dec 1, 2026 to Dec 8, 2026": the days of an answer's period [from, to), both included. */
export const daysOf = ({ from, to }) => `${utcDay.format(new Date(from))} to ${utcDay.format(new Date(Date.parse(to) - 1))}`;

/**
 * Whether the period ends after the moment its figures were read: the service's today is the date where the day has
 * begun (up to UTC+14), so "To" may name a UTC day not over yet, whose end nobody has seen.
 */
export const endsAfter = (period, asOf) => Date.parse(period.to) > Date.parse(asOf);

/** The period's figures, or a refusal in words; resolves to the period shown, or null when a newer reading took over. */
async function read(form) {
  const isNewest = newest();
  const query = periodQuery(form);
  clearErrorOf(Part);
  markRefused(form, []);
  const figures = document.getElementById("kpi-figures");
  figures.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  for (const id of ["kpi-period-shown", "kpi-cohorts"]) document.getElementById(id).replaceChildren();
  let answer;
  try {
    answer = await getJson(`/api/kpis?${query}`);
  } catch (error) {
    if (!isNewest()) return null;
    if (error.status !== 400) return failedIn(Part, "kpi-figures", "then try again")(error);
    // A period the service refuses is said in words where its figures would be, and its date fields marked.
    showError(error, Part);
    figures.replaceChildren(h("p", { id: "kpi-refused", class: "bad" }, `No figures for these dates: ${sayDetail(error.problem.detail).text}`));
    // A "To" before "From" is the pair's fault: both fields carry it, the one just edited (the keyboard on "To") with the
    // other. The service names "from" alone, which left "To", where the keyboard was, tied to nothing (until 2026-12-07).
    const [from, to] = [form.elements.from.value, form.elements.to.value];
    markRefused(form, from && to && to < from ? ["from", "to"] : Object.keys(error.problem.errors ?? {}));
    throw error;
  }
  if (!isNewest()) return null;
  return show(answer);
}

function markRefused(form, fields) {
  for (const name of ["from", "to"]) {
    const input = form.elements[name];
    const refused = fields.includes(name);
    input.setAttribute("aria-invalid", String(refused));
    input.setAttribute("aria-describedby", refused ? "kpi-refused kpi-period-hint" : "kpi-period-hint");
  }
}

function show({ analysis: a, formula, asOf, ledgerProgress }) {
  const period = daysOf(a);
  // Counts "at the end" of a day not over are the counts of the moment the records were read: said so, not passed off
  // as the end of the day.
  const unended = endsAfter(a, asOf);
  const partial = behind(ledgerProgress);
  document.getElementById("kpi-period-shown").replaceChildren(...(partial ? [partialNote(ledgerProgress)] : []),
    `${period}, both days included (UTC days), from the records as of ${when(asOf)}` +
    (unended ? `. The last day is not over in UTC: the figures at the end of the period are as of ${when(asOf)}.` : "."));
  const atTheEnd = unended ? `as of ${when(asOf)} (the last day is not over)` : "at the end of the last day";
  const { conversion: c, retention: r, averageClv: v } = a;
  document.getElementById("kpi-figures").replaceChildren(
    card("Conversion rate, % of leads", c.rate === null ? "No leads" : percent(c.rate), c.rate === null
      ? (partial ? "No lead captured in the period among the customers folded so far." : "No lead was captured in the period: there is nothing to convert.")
      : `${count(c.leadsConverted)} of ${counted(c.leadsCaptured, "lead")} captured in the period signed up by its end.`),
    card("Retention rate, % of the customers at the start", r.rate === null ? "No customers at the start" : percent(r.rate), retentionNote(r, partial)),
    card("Average CLV, amount per customer", v.value === null ? "No customers at the end" : amount(v.value),
      `Today's current value (${formula.name}@${formula.version}) of the ${counted(v.customers, "customer")} ` +
      `${unended ? `as of ${when(asOf)}` : "at the end of the period"}, averaged.`),
    card("Customers at the start, count", count(r.customersAtStart), "Active, retained or asking to cancel just before the first day."),
    card("Customers acquired, count", count(r.customersAcquired),
      "Became customers during the period: by a signup, a first purchase, or a purchase after a churn (won back)."),
    card("Customers at the end, count", count(r.customersAtEnd), `Active, retained or asking to cancel ${atTheEnd}.`));
  document.getElementById("kpi-cohorts").replaceChildren(...[cohortTable(a.cohorts)].flat());
  return period;
}

// domain.md's formula, its figures written out so that the reader can redo it.
function retentionNote(r, partial) {
  if (r.rate === null)
    return partial ? "None of the customers folded so far was a customer when the period began." : "Nobody was a customer when the period began: there is no one to keep.";
  const formula = `(${count(r.customersAtEnd)} at the end − ${count(r.customersAcquired)} acquired) ÷ ${count(r.customersAtStart)} at the start`;
  return r.rate < 0
    ? `${formula}: below 0% because more customers were acquired than are left at the end (some acquired in the period left within it).`
    : `${formula}: the share of the customers it began with still customers at its end.`;
}
