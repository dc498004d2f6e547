// How the retention desk does over the key figures' period (GET /api/retention/outcomes): the requests to cancel the
// service decided in those days, each followed to its end, the save rate, the money spent and the value kept.
import { getJson } from "./api.js";
import { h, amount, count, percent, when } from "./ui.js";
import { counted, codeWords } from "./words.js";
import { newestRead } from "./newest.js";
import { card, failedIn } from "./portfolio-parts.js";
import { periodQuery, daysOf, endsAfter } from "./kpis.js";

const Part = "Retention desk";
const newest = newestRead();

/** Reads the key figures' period, and again whenever they are asked for another. */
export function startRetentionOutcomes() {
  const form = document.getElementById("kpi-period");
  form.addEventListener("submit", () => read(form).catch(() => {}));
  return read(form);
}

async function read(form) {
  const isNewest = newest();
  const figures = document.getElementById("outcomes-figures");
  figures.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  for (const id of ["outcomes-period-shown", "outcomes-tiers"]) document.getElementById(id).replaceChildren();
  let answer;
  try {
    answer = await getJson(`/api/retention/outcomes?${periodQuery(form)}`);
  } catch (error) {
    if (!isNewest()) return;
    // The key figures say what is wrong with a period both refuse, in the error region and by the dates: once is enough.
    if (error.status === 400) return figures.replaceChildren(h("p", { class: "bad" }, "No figures for these dates: see the key figures above."));
    return failedIn(Part, "outcomes-figures", "then try again")(error);
  }
  if (isNewest()) show(answer);
}

function show({ asOf, outcomes: o }) {
  const { offers: f, notOffered: n } = o;
  document.getElementById("outcomes-period-shown").textContent = `Requests decided ${daysOf(o)}, both days included (UTC days)` +
    `${endsAfter(o, asOf) ? " (the last day is not over)" : ""}, followed to ${when(asOf)}.`;
  const ended = f.made - f.open;
  document.getElementById("outcomes-figures").replaceChildren(
    card("Save rate, % of offers ended", f.saveRate === null ? "No offer ended" : percent(f.saveRate), f.saveRate === null
      ? `No offer made in the period has ended yet (${counted(f.open, "offer")} still open): there is nothing to rate.`
      : `${count(f.accepted)} of ${counted(ended, "offer")} ended were accepted; ${count(f.open)} still open ${f.open === 1 ? "is" : "are"} left out until ${f.open === 1 ? "it ends" : "they end"}.`),
    card("Money spent, amount", amount(f.moneySpent), `The cost of the ${counted(f.accepted, "offer")} accepted.`),
    card("Value kept, amount", amount(f.valueKept), `The current value, when the service decided, of the ${counted(o.retained, "client")} who accepted.` +
      (f.acceptedWithoutValue ? ` ${count(f.acceptedWithoutValue)} recorded no value and ${f.acceptedWithoutValue === 1 ? "is" : "are"} left out.` : "")),
    card("Offers made, count", count(f.made), `Accepted ${count(f.accepted)}, declined ${count(f.declined)}, expired ${count(f.expired)}, ` +
      `closed by the client leaving ${count(f.left)}, open ${count(f.open)}.`),
    card("Not offered, count", count(n.total), n.total === 0 ? (f.made === 0 ? "No request to cancel was decided in the period." : "Every request decided was made an offer.") :
      `${Object.entries(n.byRule).map(([rule, k]) => `${codeWords(rule)} ${count(k)}`).join(", ")}. ` +
      `The client stayed ${count(n.stayed)}, left ${count(n.left)}, still asking ${count(n.open)}.`),
    card("Churned after an offer, count", count(o.churnedAfterOffer), `Declined, expired or left while the offer ran; ${count(o.retained)} retained.`));
  document.getElementById("outcomes-tiers").replaceChildren(...[tiers(o.byTier)].flat());
}

function tiers(byTier) {
  if (byTier.length === 0) return h("p", { class: "muted" }, "No offer was made in the period.");
  const number = text => h("td", { class: "number" }, text);
  // No offer of the tier ended: a bare "–" was read "dash", or nothing (until 2026-12-07); it is said in words.
  const noneEnded = () => h("td", { class: "number" }, h("span", { "aria-hidden": "true" }, "–"), h("span", { class: "visually-hidden" }, "no offer ended"));
  // Named by its heading, as the signup cohorts' table is (kpi-cohorts.js): the table itself had no name (until 2026-12-07).
  return [h("h3", { id: "outcomes-by-tier-title" }, "Offers by retention tier"),
    // Wider than the panel at 200% zoom: it scrolls in its own box, which the keyboard can reach and scroll.
    h("div", { class: "history", tabindex: "0", role: "region", "aria-labelledby": "outcomes-by-tier-title" }, h("table", { id: "outcomes-by-tier", "aria-labelledby": "outcomes-by-tier-title" },
    h("thead", {}, h("tr", {}, ["Retention tier", "Offers made", "Accepted", "Ended", "Save rate", "Money spent", "Value kept"]
      .map((title, i) => h("th", { scope: "col", class: i ? "number" : "" }, title)))),
    h("tbody", {}, byTier.map(({ tier, offers: f }) => h("tr", { "data-tier": tier },
      h("th", { scope: "row" }, tier), number(count(f.made)), number(count(f.accepted)), number(count(f.made - f.open)),
      f.saveRate === null ? noneEnded() : number(percent(f.saveRate)), number(amount(f.moneySpent)), number(amount(f.valueKept)))))))];
}
