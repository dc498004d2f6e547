// A customer's value history on the audit page: the value after each touchpoint, a page at a time, and the row of the
// date asked, found even when it lies on a page not read yet.
import { getJson } from "./api.js";
import { h, amount, count, day, showError, announce, setBusy, isBusy } from "./ui.js";
import { codeLabel } from "./words.js";

/**
 * The history's first page, oldest first; a customer with more touchpoints than a page (the service
 * answers at most 1,000 points a read) gets "Show N more", which adds the next page below.
 * valued: { asOf, counted } from the value read (its touchpointsCounted), or { refused } when it failed.
 * altered: touchpointId -> the mismatch of its event, for the rows whose chain does not hold.
 */
export function showHistory(first, asked, valued, url, current, altered = new Map()) {
  const caption = asked.formula
    ? `Value after each touchpoint under ${asked.formula}`
    : "Value after each touchpoint under the formula in force when it was recorded";
  const points = [], rows = [];
  // The touchpoint said as on the desk's timeline ("Retention offer made"), its code kept in data-type and a title.
  // An altered event's row says so in words (the customer's audit named the event, and nothing marked its row).
  const row = p => h("tr", { "data-type": p.type, class: altered.has(p.touchpointId) ? "altered-row" : null },
    h("td", {}, day(p.occurredAt)), h("td", {}, day(p.recordedAt)), h("td", { title: p.type }, codeLabel(p.type), alteredSaid(altered.get(p.touchpointId))),
    h("td", { class: "number" }, amount(p.revenue)), h("td", { class: "number" }, amount(p.profit)),
    h("td", { class: "number" }, amount(p.current)), h("td", { class: "number" }, amount(p.potential)), h("td", {}, p.tier), h("td", {}, p.formula));
  const body = h("tbody");
  let read = { page: 1, total: first.total, pageSize: first.pageSize };
  const add = page => {
    const added = page.map(row);
    points.push(...page);
    rows.push(...added);
    body.append(...added);
    explainHistory(points, rows, read.total, asked, valued, { url, current, reachIt });
  };
  const shown = h("p", { class: "muted" });
  const more = h("button", { type: "button", class: "secondary more" });
  const offerMore = () => {
    const rest = read.total - body.children.length;
    shown.textContent = rest > 0 ? `The first ${count(body.children.length)} of ${count(read.total)} touchpoints.` : "";
    more.hidden = rest <= 0;
    more.textContent = `Show ${count(Math.min(read.pageSize, rest))} more`;
  };
  const readNext = async () => {
    const next = await getJson(`${url}&page=${read.page + 1}`);
    read = { page: read.page + 1, total: next.total, pageSize: next.pageSize };
    add(next.points);
    offerMore();
    return next.points.length;
  };
  more.addEventListener("click", async () => {
    if (isBusy(more)) return;
    setBusy(more, true);
    try {
      announce(`${count(await readNext())} more touchpoints shown.`);
    } catch (error) {
      showError(error, "Value history");
    } finally {
      setBusy(more, false);
    }
  });
  /** Reads the pages up to the row of the date asked (position, from 1), then takes the keyboard to it. */
  async function reachIt(position, button) {
    if (isBusy(button)) return;
    setBusy(button, true);
    setBusy(more, true);
    try {
      while (points.length < position && points.length < read.total && current()) if (await readNext() === 0) break;
      if (!current()) return;
      const marked = body.querySelector("tr.as-of-row");
      marked?.setAttribute("tabindex", "-1");
      marked?.focus();
      announce(`${count(points.length)} touchpoints shown, the row of the date asked highlighted.`);
    } catch (error) {
      showError(error, "Value history");
    } finally {
      setBusy(button, false);
      setBusy(more, false);
    }
  }
  // Its title above the box the table scrolls in, not its caption: a caption is laid out at the table's width (891 px),
  // and on a 375 px phone it was cut off, to be scrolled sideways through (until 2026-12-07). It still names the table.
  document.getElementById("audit-history").replaceChildren(
    h("p", { id: "audit-history-title", class: "table-title" }, caption),
    // The box it scrolls in is reached by the keyboard (Tab) and named: Chrome alone made it focusable, unnamed.
    h("div", { class: "history", tabindex: "0", role: "region", "aria-labelledby": "audit-history-title" }, h("table", { "aria-labelledby": "audit-history-title" },
      h("thead", {}, h("tr", {}, ["Occurred (UTC)", "Recorded (UTC)", "Touchpoint", "Revenue", "Profit", "Current", "Potential", "Value tier", "Formula"].map(t => h("th", { scope: "col" }, t)))),
      body)), shown, more);
  add(first.points);
  offerMore();
}

const alteredSaid = m => (m ? h("strong", { class: "bad altered-said" }, ` – altered: event ${m.sequence} does not match its seal`) : "");

/** The row of the date asked: said in words and to screen readers, not by colour and weight alone (until 2026-12-08). */
function markAsOf(row, marked) {
  row.classList.toggle("as-of-row", marked);
  row.querySelector(".as-of-said")?.remove();
  if (!marked) return row.removeAttribute("aria-current");
  row.setAttribute("aria-current", "true");
  row.cells[0].append(h("strong", { class: "as-of-said" }, " – the date asked"));
}

/**
 * The last touchpoint on or before the date asked is highlighted: its row is what the service showed for that date.
 * Among the rows read so far it is found by date only when a row after the date, or the end of the history, closes the
 * search: a large account's answer as of now is on its last page, and the last row read was highlighted in its place
 * (until 2026-12-07). Otherwise the value's touchpointsCounted gives its position: it is said, read alone from the
 * service, and a button reads the rows up to it. The cards value the date with what is known now (or at the date given);
 * each row as it was shown when recorded: without saying so, an auditor reads two figures for one day as a contradiction.
 */
function explainHistory(points, rows, total, { formula, knownAt }, valued, { url, current, reachIt }) {
  const asOf = valued.asOf;
  const found = asOf ? points.findLastIndex(p => Date.parse(p.occurredAt) <= Date.parse(asOf)) : -1;
  const counted = typeof valued.counted === "number" ? valued.counted : null;
  const settled = !asOf || points.length >= total || found < points.length - 1 || (counted !== null && counted <= points.length);
  const at = settled ? found : -1;
  rows.forEach((r, i) => markAsOf(r, i === at));
  const note = document.getElementById("audit-history-note");
  const each = formula
    ? `Each row: the value right after that touchpoint under ${formula}, with the model known ${knownAt ? `at ${knownAt}` : "now"}. `
    : "Each row: what the service showed right after that touchpoint was recorded, under the formula in force and the model known at that moment; " +
      `it can differ from the figures above, which use ${knownAt ? `the formula and model of ${knownAt}` : "the formula in force and the model known now"}. `;
  note.hidden = false;
  if (!asOf) {
    note.replaceChildren(each, valued.refused
      ? "No row is highlighted: the date asked was refused (the error above says why)."
      : "No row is highlighted: the value at the date asked could not be read.");
    return;
  }
  if (settled) {
    note.replaceChildren(each, at >= 0
      ? `Highlighted: the last touchpoint on or before the date asked (${day(points[at].occurredAt)}).`
      : "No touchpoint on or before the date asked.");
    return;
  }
  if (counted === null) {
    note.replaceChildren(each, `The last touchpoint on or before the date asked comes after the ${count(points.length)} rows shown: show more to reach it.`);
    return;
  }
  const which = h("span", {}, `The last touchpoint on or before the date asked is touchpoint ${count(counted)} of ${count(total)}, ` +
    `after the ${count(points.length)} rows shown.`);
  const reach = h("button", { type: "button", class: "link" }, "Show the rows up to it");
  reach.addEventListener("click", () => reachIt(counted, reach));
  note.replaceChildren(each, which, " ", reach);
  // That one point read alone (a page of one at its position): what the service showed for the date, said at once.
  getJson(`${url}&pageSize=1&page=${counted}`).then(({ points: [p] }) => {
    if (!p || !current() || !which.isConnected) return;
    which.append(` It occurred on ${day(p.occurredAt)}: ${codeLabel(p.type).toLowerCase()}, current value ${amount(p.current)} after it.`);
  }, () => { /* the position is said already: its details are a convenience */ });
}
