// The customer's timeline: newest or oldest first, filtered by touchpoint type. A customer may have
// tens of thousands of touchpoints: the latest page is read first, and earlier ones on demand.
import { h, amount, count, figureOf, label, when } from "./ui.js";
import { codeLabel, codeWords, counted, inputLabel, ruleWords } from "./words.js";

// Fields every entry has; the others are the touchpoint's own and are listed as its details.
const Common = new Set(["touchpointId", "type", "occurredAt", "recordedAt", "state", "version"]);
// Ids a desk agent quotes to the client stay in the line, named ("order ORD-1"); the service's own ids
// (an offer's, a cancellation's touchpoint) are folded into the entry's references, still there to copy.
const QuotedIds = new Map([["orderId", "order"], ["promotionId", "promotion"]]);
// A decision's rule names a retention tier ("silver tier ..."): said so, beside the value tier (a rank among all clients).
const Named = new Map([...QuotedIds, ["rule", "retention rule"]]);
// An offer's tier repeats as figures what its rule and inputs say (the tier's name; tierFrom, tierShare, offerCapShare):
// shown once, in those, not in a fold more on an entry that must fit its line.
const Repeated = new Set(["tier"]);
const isId = name => /Id$/.test(name);

export class Timeline {
  constructor(list, order, type, count) {
    this.list = list;
    this.count = count;
    this.order = order;
    this.type = type;
    this.entries = [];
    this.total = 0;
    this.read = false;   // until the customer's entries come: their count is not known
    this.values = new Map();
    order.addEventListener("change", () => this.render());
    type.addEventListener("change", () => this.render());
    // One fold of the list is a Tab stop, the arrow keys move between them (a roving tab stop): with each entry's
    // References a stop, "Show 1,000 earlier touchpoints" after the list was 1,002 Tab presses away.
    this.roving = null;   // the foldKey of the fold that is the list's Tab stop
    list.addEventListener("keydown", event => this.moveAmongFolds(event));
    list.addEventListener("focusin", event => { if (event.target.matches("summary")) this.rove(event.target); });
  }

  moveAmongFolds(event) {
    if (!event.target.matches("summary") || event.altKey || event.ctrlKey || event.metaKey) return;
    const folds = [...this.list.querySelectorAll("summary")];
    const at = folds.indexOf(event.target);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: folds.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = folds[Math.max(0, Math.min(folds.length - 1, to))];
    this.rove(next);
    next.focus();
  }

  /** Makes this fold the list's one Tab stop. */
  rove(summary) {
    for (const fold of this.list.querySelectorAll("summary[tabindex='0']")) fold.tabIndex = -1;
    summary.tabIndex = 0;
    this.roving = foldKey(summary.closest("details"));
  }

  /**
   * Entries come in business-time order, the latest of the customer's total (earlier ones are read
   * on demand); each one's state is the customer's state after it.
   */
  show(entries, total = entries.length) {
    this.total = total;
    this.read = true;
    // The first entry read changed the state only if it is the customer's first: an earlier one may be unread.
    const whole = entries.length >= total;
    this.entries = entries.map((entry, i) => ({ ...entry, changed: i === 0 ? whole : entry.state !== entries[i - 1].state }));
    const chosen = this.type.value;
    const types = [...new Set(entries.map(e => e.type))].sort();
    this.type.replaceChildren(h("option", { value: "" }, `All types (${entries.length})`),
      ...types.map(t => h("option", { value: t }, `${codeLabel(t)} (${entries.filter(e => e.type === t).length})`)));
    this.type.value = types.includes(chosen) ? chosen : "";
    this.render();
  }

  /** Nothing shown: another customer is being opened. */
  clear() {
    this.roving = null;
    this.entries = [];
    this.total = 0;
    this.values = new Map();
    this.read = false;
    this.list.replaceChildren();
    // Emptied, not counted: "0 touchpoints" was said while the next client's timeline was on its way (until 2026-12-07).
    this.count.textContent = "";
  }

  /** The value after each touchpoint (the value history's points), shown on its entry. */
  showValues(points) {
    this.values = new Map(points.map(p => [p.touchpointId, p]));
    this.render();
  }

  render() {
    const shown = this.entries.filter(e => !this.type.value || e.type === this.type.value);
    if (this.order.value === "newest") shown.reverse();
    // The entries are drawn again whenever more arrives (the values after each, a newer reading): an
    // entry's inputs the reader opened stay open, and the keyboard stays on the one it was on.
    const opened = new Set([...this.list.querySelectorAll("details[open]")].map(foldKey));
    const focused = document.activeElement?.closest("details") && this.list.contains(document.activeElement)
      ? foldKey(document.activeElement.closest("details")) : null;
    this.list.replaceChildren(...shown.map(e => entry(e, this.values.get(e.touchpointId))));
    const folds = [...this.list.querySelectorAll("details")];
    for (const fold of folds) fold.querySelector("summary").tabIndex = -1;
    const stop = folds.find(fold => foldKey(fold) === (focused ?? this.roving)) ?? folds[0];
    if (stop) this.rove(stop.querySelector("summary"));
    for (const fold of folds) {
      const key = foldKey(fold);
      if (opened.has(key)) fold.open = true;
      if (key === focused) fold.querySelector("summary").focus();
    }
    if (shown.length === 0) this.list.append(h("li", { class: "muted" }, "No touchpoint of this type."));
    const unread = this.total > this.entries.length ? `, the latest ${count(this.entries.length)} of ${count(this.total)} read` : "";
    const counts = this.type.value
      ? `${count(shown.length)} of ${counted(this.entries.length, "touchpoint")} (${codeWords(this.type.value)})${unread}`
      : `${counted(shown.length, "touchpoint")}, ${this.order.value} first${unread}`;
    // A live line: said once the timeline is read (the values after each may come first), and only when it changed. The
    // same words written again were a new text, said again at every Refresh and outcome (until 2026-12-07).
    if (this.read && this.count.textContent !== counts) this.count.textContent = counts;
  }
}

/** A folded part of an entry, named by its touchpoint and its title, the same in every drawing. */
const foldKey = fold => `${fold.closest("li")?.dataset.touchpoint}\n${fold.querySelector("summary")?.textContent}`;

function entry(e, value) {
  return h("li", { class: `entry type-${e.type}`, "data-type": e.type, "data-touchpoint": e.touchpointId },
    h("div", { class: "entry-head" },
      h("span", { class: "type", title: e.type }, codeLabel(e.type)),
      h("div", { class: "details" }, details(e))),
    h("div", { class: "entry-times" },
      h("span", {}, "occurred ", h("time", { datetime: e.occurredAt }, when(e.occurredAt))),
      h("span", {}, "recorded ", h("time", { datetime: e.recordedAt }, when(e.recordedAt))),
      h("span", { class: e.changed ? "entry-state changed" : "entry-state" }, e.changed ? "state → " : "state ",
        h("span", { class: `state state-${e.state}`, title: e.state }, codeWords(e.state))),
      value ? h("span", { class: "entry-value" }, "value after: current ", h("strong", {}, amount(value.current)),
        ` · profit to date ${amount(value.profit)} · value tier ${value.tier}`) : ""));
}

/** The touchpoint's own fields: plain values in one line, nested ones (a rule's inputs) folded away. */
function details(e) {
  const fields = Object.entries(e).filter(([name, value]) => !Common.has(name) && !Repeated.has(name) && name !== "changed" && value !== null && value !== undefined);
  // Each value isolated (bdi): a name holding a right-to-left override must not reorder the fields after it.
  const plain = fields.filter(([name, value]) => typeof value !== "object" && (!isId(name) || QuotedIds.has(name)))
    .flatMap(([name, value], i) => [i ? " · " : "", `${Named.get(name) ?? words(name)} `, h("bdi", {}, show(name, value))]);
  const nested = fields.filter(([, value]) => typeof value === "object").map(([name, value]) =>
    h("details", {}, h("summary", {}, words(name)),
      h("dl", { class: "inputs" }, Object.entries(value).flatMap(([k, v]) => [h("dt", {}, inputLabel(k)), h("dd", {}, show(k, v))]))));
  return [h("span", { class: "entry-fields" }, ...plain), references(e), ...nested];
}

// The entry's own id and the service's ids it names, folded after its fields, on their line (no line more per
// entry: the desk fits a laptop): rarely read, yet there to quote or copy.
function references(e) {
  const ids = [["touchpointId", e.touchpointId], ...Object.entries(e).filter(([name, value]) =>
    name !== "touchpointId" && isId(name) && !QuotedIds.has(name) && typeof value === "string")];
  return h("details", { class: "references" }, h("summary", {}, "References"),
    h("dl", { class: "inputs" }, ids.flatMap(([name, value]) => [h("dt", {}, name === "touchpointId" ? "Touchpoint id" : label(name)), h("dd", {}, h("code", {}, value))])));
}

// Shares as percentages and money with its cents, as in the retention panel and the cards.
function show(name, value) {
  if (typeof value === "number") return figureOf(name, value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value)) return when(value);
  if (name === "rule") return ruleWords(value);
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

const words = name => name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
