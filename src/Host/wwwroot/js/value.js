// The value cards (historical, current, potential, value tier) and the chart of value over time.
import { getJson } from "./api.js";
import { h, amount, count, percent, date } from "./ui.js";
import { lineChart } from "./chart.js";
import { newestRead } from "./newest.js";
import { latestPage, latestPages, joined } from "./pages.js";
import { counted, countedToHundredths } from "./words.js";
import { valueNow } from "./value-then.js";

const valueRead = newestRead();
// The open customer's value history as read so far (its latest pages), oldest first, and how many points it has.
let history = { points: [], total: 0 };

/**
 * Shows the cards and the chart of the history's latest `pages` pages; the points also go to
 * onHistory (the timeline shows them on its entries). True once both are shown (not when a newer reading has the panel).
 */
export async function showValue(id, still, onHistory = () => {}, pages = 1, onCards = () => {}) {
  const newest = valueRead();
  const path = `/api/customers/${encodeURIComponent(id)}`;
  // Each part on its own: a history the formula cannot give must not hide the value cards, and the cards come
  // as soon as they are read (a large account's history takes seconds more). onCards: they are shown, or could not be.
  const cards = getJson(`${path}/value`).then(value => { if (still() && newest()) showCards(id, value); })
    .finally(() => { if (still()) onCards(); });
  const [value, read] = await Promise.allSettled([cards, latestPages(`${path}/value-history`, "points", pages)]);
  if (!still() || !newest()) return;
  if (read.status === "fulfilled") showHistory({ points: read.value.items, total: read.value.total }, onHistory);
  else document.querySelector("#value-chart .loading")?.remove();
  const failed = [value, read].find(part => part.status === "rejected");
  if (failed) throw failed.reason;
  return true;
}

/** Adds the history's page `number` (earlier points) to the chart and to onHistory, as the timeline reads its page `number`. */
export async function showEarlierValues(id, number, still, onHistory = () => {}) {
  const older = await latestPage(`/api/customers/${encodeURIComponent(id)}/value-history`, "points", number);
  if (!still()) return;
  showHistory({ points: joined([older.items, history.points]), total: older.total }, onHistory);
}

function showHistory(read, onHistory) {
  history = read;
  showChart(history.points, history.total);
  onHistory(history.points);
}

function showCards(id, v) {
  const costs = costsNote(v.historical.costs);
  document.getElementById("value-cards").replaceChildren(
    card("Revenue to date", amount(v.historical.revenue), `margin ${amount(v.historical.margin)}`),
    card("Profit to date", amount(v.historical.profit), costs),
    // The value a pending request was decided on, the work list's, is said under the cards (value-then.js).
    card("Current value", amount(v.current), `expected from now on (${v.formula.name}@${v.formula.version})`),
    card("Potential value", amount(v.potential.total),
      `share of wallet ${amount(v.potential.shareOfWalletGap)}, cross-sell ${amount(v.potential.crossSell)}`),
    // "Value tier" ranks the client among all clients (docs/value.md, "Tiers"); the retention panel's tiers (silver,
    // gold ...) are the offer policy's: the note says which this one is.
    card("Value tier", v.tier, `rank among all clients · ${v.note ?? counted(v.touchpointsCounted, "touchpoint")}`, `tier tier-${v.tier}`),
    ...outlook(v.outlook));
  valueNow(id, v.current);
}

// One kind of cost is said in full ("costs: acquisition 100.00"); several, their sum, the kinds folded beneath: a client of
// years with every kind, retention among them, made the note five lines of the narrow card and the row of cards so tall
// that the outcome buttons went below a laptop's window (docs/retention.md, "The web page").
function costsNote(costs) {
  const kinds = Object.entries(costs).filter(([, c]) => c);
  if (kinds.length <= 1) return `costs: ${kinds.map(([k, c]) => `${k} ${amount(c)}`).join("") || "none"}`;
  return h("details", { class: "costs" },
    h("summary", {}, `costs ${amount(kinds.reduce((sum, [, c]) => sum + c, 0))}`),
    kinds.map(([k, c]) => `${k} ${amount(c)}`).join(", "));
}

// BG/NBD and Gamma-Gamma's view of the client, when the models are fitted.
const outlook = o => {
  if (!o) return [];
  // Purchases expected are a model's mean, not a count: two decimals (8.997417 read "9", 1.001 "1 purchases").
  const [purchases, weeks, each] = [countedToHundredths(o.expectedPurchases, "purchase"), counted(o.horizonWeeks, "week"), amount(o.expectedValuePerPurchase)];
  // Without a repeat purchase BG/NBD has seen no pace to lose: its probability is 1 by construction (docs/value.md,
  // section 13), not a judgement, and "100.0%" read as "certainly active" beside a value below 0; its purchases are
  // the base's for a client seen as long. Short words: a longer card makes the row taller and the timeline shorter.
  // An answer without repeatPurchases (a service before 2026-12-06) is shown as before.
  if (o.repeatPurchases === 0)
    return [card("Still active", "Not judged", `no repeat purchase yet; the base's habits: ${purchases} in ${weeks}, ${each} each`)];
  return [card("Still active", percent(o.probabilityAlive), `${purchases} expected in ${weeks}, ${each} each`)];
};

const card = (title, figure, note, figureClass = "figure") =>
  h("div", { class: "card" },
    h("p", { class: "card-title" }, title),
    h("p", { class: figureClass, "data-card": title }, figure),
    // A fold is no paragraph's content: a note holding one is a div.
    h(note instanceof Node ? "div" : "p", { class: "card-note" }, note));

function showChart(points, total) {
  const target = document.getElementById("value-chart");
  if (points.length === 0) {
    target.replaceChildren(h("p", { class: "muted" }, "No value history yet."));
    return;
  }
  const at = p => new Date(p.occurredAt).getTime();
  const last = points[points.length - 1];
  // A new customer's single moment drew an empty frame with its three dates printed over each other: said in words instead.
  if (at(points[0]) === at(last)) {
    target.replaceChildren(h("p", { class: "muted", id: "value-chart-single" },
      `Only ${date(last.occurredAt)} so far (${counted(points.length, "touchpoint")}): ` +
      `current value ${amount(last.current)}, potential ${amount(last.potential)}, profit to date ${amount(last.profit)}. ` +
      "The chart is drawn once touchpoints on two different moments are known."));
    return;
  }
  const line = (name, color, key, dashed) => ({ name, color, dashed, points: points.map(p => ({ x: at(p), y: p[key] })) });
  target.replaceChildren(lineChart(
    [line("Current value", "#1f5fbf", "current"), line("Potential", "#7a4fb3", "potential", true), line("Profit to date", "#2b8a3e", "profit", "dotted")],
    {
      // Days in the reader's zone, like every time on the page.
      // The chart ends at the last touchpoint: its value then, never called "now" (the Current value card is the value as of now,
      // which the passing days move from it: 1,378.97 here beside 1,378.95 there).
      label: `Value after each of ${points.length < total ? `the latest ${count(points.length)} of ${counted(total, "touchpoint")}` : counted(points.length, "touchpoint")}, from ${date(points[0].occurredAt)} to ${date(last.occurredAt)}: ` +
        `current value at the last touchpoint, ${date(last.occurredAt)}, ${amount(last.current)}, profit to date then ${amount(last.profit)}.`,
      xLabel: date,
      yLabel: count,   // round steps: no cents on the axis
      width: target.clientWidth || 640, height: 200,
    }));
}
