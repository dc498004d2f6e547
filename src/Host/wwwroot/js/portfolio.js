// The portfolio page: how concentrated revenue and profit are, the value x potential quadrants, the KPIs and the
// retention desk's outcomes over a period, and the quality of the customer records.
import { getJson } from "./api.js";
import { h, amount, count, percent, when, announce, installKeyDialog, errorsTogether } from "./ui.js";
import { counted } from "./words.js";
import { lineChart } from "./chart.js";
import { card as figure, failedIn as failed } from "./portfolio-parts.js";
import { startKpis } from "./kpis.js";
import { startRetentionOutcomes } from "./retention-outcomes.js";
import { startDataQuality } from "./data-quality.js";
import { quadrantMembers, ShownFirst } from "./quadrant-members.js";

// Laid out as a matrix: potential grows upwards, current value to the right.
const Quadrants = [
  ["low-value-high-potential", "Low value, high potential", "develop"],
  ["high-value-high-potential", "High value, high potential", "keep and grow"],
  ["low-value-low-potential", "Low value, low potential", "serve at least cost"],
  ["high-value-low-potential", "High value, low potential", "keep"],
];
installKeyDialog();
announce("Loading the portfolio…");
// The parts failing as the page opens (all of them when the service is away) are said in one announcement.
errorsTogether(() => Promise.allSettled([
  getJson("/api/portfolio/pareto").then(showPareto).catch(failed("Pareto", "pareto-figures")),
  getJson(`/api/portfolio/segments?members=${ShownFirst}`).then(showSegments).catch(failed("Quadrants", "quadrants")),
  startKpis(),
  startRetentionOutcomes(),
  startDataQuality(),
])).then(parts => announce(!parts.every(p => p.status === "fulfilled") ? "The portfolio could not be read in full."
  : partialBase ? "Portfolio loaded: its figures cover only the part of the event log folded so far (see the note)." : "Portfolio loaded."));

function showPareto({ analysis: a, formula, asOf, modelFittedAt, notValued, ledgerProgress }) {
  const share = a.customers ? a.topCustomers / a.customers : 0;
  // When and how the base was valued: the page is read now, the figures were made a moment (up to 10 s) before.
  document.getElementById("portfolio-as-of").textContent = `Every customer (prospects left out) as of ${when(asOf)}, valued under ` +
    `${formula.name}@${formula.version} with the portfolio model ${modelFittedAt ? `fitted ${when(modelFittedAt)}` : "never refitted: its defaults"}. ` +
    "Amounts are in the company's currency.";
  sayNotValued(notValued, `${formula.name}@${formula.version}`);
  sayLedgerBehind(ledgerProgress, asOf);
  document.getElementById("pareto-figures").replaceChildren(
    figure("Valued under", `${formula.name}@${formula.version}`),
    figure("Customers", count(a.customers)),
    figure("Top customers", `${count(a.topCustomers)} (${percent(share)})`),
    figure("Their revenue share", percent(a.revenueShareOfTop)),
    figure("Their profit share", percent(a.profitShareOfTop)));
  const curve = points => points.map(p => ({ x: p.customerShare, y: p.valueShare }));
  const ys = [...a.revenueCurve, ...a.profitCurve].map(p => p.valueShare);
  document.getElementById("pareto-chart").replaceChildren(a.customers === 0 ? h("p", { class: "muted" }, "No customers yet.") : lineChart([
    { name: "Revenue", color: "#1f5fbf", points: curve(a.revenueCurve) },
    { name: "Profit", color: "#2b8a3e", dashed: "dotted", points: curve(a.profitCurve) },
    { name: "Even spread", color: "#8a94a3", dashed: true, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
  ], {
    label: `The top ${percent(share)} of ${count(a.customers)} customers bring ${percent(a.revenueShareOfTop)} of revenue and ${percent(a.profitShareOfTop)} of profit.`,
    xMin: 0, xMax: 1, yMin: Math.min(0, ...ys), yMax: Math.max(1, ...ys),
    xLabel: x => `${Math.round(x * 100)}% of customers`, yLabel: y => `${Math.round(y * 100)}%`,
    height: 320, width: document.getElementById("pareto-chart").clientWidth || 640,
  }));
}

// Why the valuation could not value a customer (the answer's notValued.reasons, docs/value.md section 11).
const NotValuedBecause = {
  "model-not-fitted": "the formula needs the portfolio model fitted, and it never was (refit it)",
  "not-computable": "the formula cannot value them with their figures",
  "beyond-portfolio-limit": "their value is 10^21 or more, beyond what the portfolio adds up",
};

// A portfolio of zeros under bgnbd-gg before any refit must not pass for a base worth nothing.
function sayNotValued(notValued, formula) {
  const note = document.getElementById("not-valued");
  note.hidden = !(notValued?.customers > 0);
  if (note.hidden) return note.replaceChildren();
  const reasons = Object.entries(notValued.reasons ?? {})
    .map(([reason, n]) => `${count(n)}: ${NotValuedBecause[reason] ?? reason.replace(/-/g, " ")}`);
  note.textContent = `${counted(notValued.customers, "customer")} could not be valued under ${formula} and count as 0 in every ` +
    `figure of this page (${reasons.join("; ")}).`;
}

// While the daemon is still building the customers' ledgers (the first start after a seed or an import, a rebuild), a
// valuation counts only the customers folded so far: "2 customers" must not pass for the base (the answer's
// ledgerProgress, docs/api.md "Portfolio"). The service values the base again once the ledgers have caught up: the page
// looks every few seconds, and says so when it has.
const LedgerLookEvery = 5_000;
let lookingForTheWholeBase = null;
let partialBase = false;

function sayLedgerBehind(ledgerProgress, asOf) {
  const note = document.getElementById("ledger-behind");
  note.hidden = !(ledgerProgress && !ledgerProgress.caughtUp);
  partialBase = !note.hidden;
  if (note.hidden) return note.replaceChildren();
  const { position, highWaterMark, eventsBehind } = ledgerProgress;
  note.replaceChildren(
    h("p", {}, h("strong", {}, "These figures cover only the part of the event log folded so far. "),
      `When the base was valued (${when(asOf)}) the customers' ledgers had folded ${count(position)} of ${count(highWaterMark)} events ` +
      `(${percent(highWaterMark ? position / highWaterMark : 0)}), ${counted(eventsBehind, "event")} behind: the customers whose events are ` +
      "not folded yet are missing from every figure of this page. The service values the whole base again as soon as the ledgers have caught up."));
  lookingForTheWholeBase ??= setInterval(lookForTheWholeBase, LedgerLookEvery);
}

async function lookForTheWholeBase() {
  let answer;
  try {
    answer = await getJson("/api/portfolio/pareto");
  } catch {
    return; // looked at again in a few seconds; the page's figures stay as they are
  }
  if (!answer.ledgerProgress || !answer.ledgerProgress.caughtUp) return;
  clearInterval(lookingForTheWholeBase);
  document.getElementById("ledger-behind").replaceChildren(
    h("p", {}, h("strong", {}, "The whole base is valued now "), `(as of ${when(answer.asOf)}): the figures below are still the partial ones. `,
      h("button", { type: "button", onclick: () => location.reload() }, "Show the figures of the whole base")));
  announce("The whole base is valued now: reload the page to see its figures.");
}

function showSegments({ analysis: a }) {
  document.getElementById("thresholds").textContent = a.currentValueThreshold === null
    ? "No customers yet."
    : `High means at or above the median: current value ${amount(a.currentValueThreshold)}, potential ${amount(a.potentialValueThreshold)}.`;
  const byName = Object.fromEntries(a.quadrants.map(q => [q.name, q]));
  document.getElementById("quadrants").replaceChildren(...Quadrants.map(([name, title, advice]) => quadrant(byName[name], title, advice)));
}

function quadrant(q, title, advice) {
  if (!q) return h("div", { class: "quadrant" }, h("h3", {}, title), h("p", { class: "muted" }, "not reported"));
  return h("div", { class: "quadrant", "data-quadrant": q.name },
    h("h3", {}, title, h("span", { class: "muted" }, ` – ${advice}`)),
    h("p", { class: "figure" }, counted(q.count, "customer")),
    h("p", {}, `current ${amount(q.totalCurrentValue)} · potential ${amount(q.totalPotentialValue)}`),
    quadrantMembers(q, title));
}
