// A customer's value at a date, the check of its events and its value history, for the audit page.
import { getJson } from "./api.js";
import { h, amount, count, label, whenUtc, clearErrorsOf, announce, isolated } from "./ui.js";
import { matchingSeals } from "./words.js";
import { mismatchCount, mismatchesOf, mismatchesSaid, mismatchesFound } from "./mismatches.js";
import { showHistory } from "./audit-history.js";
import { clearRefusal, showRefusal, focusRefused } from "./audit-refusal.js";

// Only the latest reading is shown.
let reads = 0;

// The parts of the page a reading of the value shows: a new reading takes their errors away, and only theirs (a replay
// or a check of the whole log failing stays said until it is tried again).
const ValueParts = ["Value", "Value at the date", "Check of the events", "Value history"];

/** nameFound: the customer's name when it was picked by name, said with its id on the status line. */
export async function showValueAt(form, nameFound = null) {
  const mine = ++reads;
  // Where the keyboard was when asked: still there (or in the form) when the answers come, they take it.
  const askedFrom = document.activeElement;
  clearErrorsOf(part => ValueParts.includes(part));
  clearRefusal();
  const id = form.get("customer").trim();
  const called = isolated(nameFound && nameFound !== id ? `${nameFound} (${id})` : id);
  const query = new URLSearchParams([...form].filter(([name, value]) => name !== "customer" && value));
  const path = `/api/customers/${encodeURIComponent(id)}`;
  announce("Reading ", called, "…");
  // The previous customer's answers go first: a part that fails must not leave them under the new id.
  for (const target of ["audit-value", "audit-basis", "audit-formula-inputs", "audit-chain", "audit-chain-mismatches", "audit-inputs",
    "audit-inputs-mismatches", "audit-history", "audit-history-note"])
    document.getElementById(target).replaceChildren();
  for (const note of ["audit-answer-title", "audit-figures-altered", "audit-seals-explained", "audit-chain-mismatches", "audit-inputs-mismatches", "audit-history-note"])
    document.getElementById(note).hidden = true;
  const asked = { asOf: form.get("asOf"), knownAt: form.get("knownAt"), formula: form.get("formula") };
  const history = new URLSearchParams({ formula: form.get("formula") || "of-the-time", ...(form.get("knownAt") ? { knownAt: form.get("knownAt") } : {}) });
  const [value, audit, points] = await Promise.allSettled([
    getJson(`${path}/value?${query}`), getJson(`${path}/audit`), getJson(`${path}/value-history?${history}`)]);
  // Two customers picked in quick succession: the answers of the first must not land under the second's id.
  if (mine !== reads) return;
  const failed = [[value, "Value at the date"], [audit, "Check of the events"], [points, "Value history"]].filter(([part]) => part.status === "rejected");
  // Nothing answered (an unknown customer): no heading over nothing, the refusal beside the form alone.
  const title = failed.length < 3 ? showAnswerTitle(nameFound && nameFound !== id ? [h("bdi", {}, nameFound), ` (${id})`] : id) : null;
  if (value.status === "fulfilled") { showValue(value.value); showBasis(value.value, asked); }
  if (value.status === "fulfilled" && audit.status === "fulfilled") showAlteredFigures(audit.value);
  if (audit.status === "fulfilled") {
    showChain(audit.value);
    showInputs(audit.value.dependsOn);
    document.getElementById("audit-seals-explained").hidden = false;
  }
  if (points.status === "fulfilled") {
    const valued = value.status === "fulfilled" ? { asOf: value.value.asOf, counted: value.value.touchpointsCounted }
      : { refused: value.reason?.status === 400 };
    showHistory(points.value, asked, valued, `${path}/value-history?${history}`, () => mine === reads,
      audit.status === "fulfilled" ? alteredTouchpoints(audit.value) : new Map());
  }
  const keyboardOurs = [askedFrom, document.body, null].includes(document.activeElement) ||
    Boolean(document.activeElement.closest("#value-form, #audit-search-form"));
  // Each refusal said once, beside the form too; the keyboard on the field refused, or on the answers' heading.
  if (failed.length > 0) {
    announce("");
    const field = showRefusal(failed.map(([part, name]) => [part.reason, name]), 3);
    if (!keyboardOurs) return;
    if (field) focusRefused(field);
    else if (title) bringIntoView(title);
    else focusRefusalLine();
    return;
  }
  if (keyboardOurs) bringIntoView(title);
  announce("Value of ", called.cloneNode(true), " shown, its events checked", ...checkedSaid(audit.value), ".");
}

/**
 * The answers' heading, brought into view when they arrive: on a laptop (1366x657) the form fills the screen and
 * the cards came below it unseen. The keyboard goes with it, wherever the reading was asked from (the form's button, a
 * customer picked by name, an altered stream's link): left on the id after a pick, it was off screen above (2.4.7).
 */
function showAnswerTitle(called) {
  const title = document.getElementById("audit-answer-title");
  title.replaceChildren("What the service answers for ", ...[called].flat());
  title.hidden = false;
  return title;
}

/** Once every part is drawn below it (drawn before them, the page was too short to bring it to the top). */
function bringIntoView(title) {
  title.focus({ preventScroll: true });
  title.scrollIntoView({ block: "start" });
}

/** Nothing answered and no field to blame (the service away): the keyboard on the refusal beside the form. */
function focusRefusalLine() {
  const line = document.getElementById("audit-refusal");
  line.focus({ preventScroll: true });
  line.scrollIntoView({ block: "nearest" });
}

/** touchpointId -> mismatch, for the customer's events whose chain does not hold (marked in the history). */
const alteredTouchpoints = a => new Map(mismatchesOf(a).filter(m => m.touchpointId).map(m => [m.touchpointId, m]));

/**
 * The figures are worked out from the events as they are now: an altered one counts in them. Said under the cards,
 * which showed the altered amount without a word (until 2026-12-08).
 */
function showAlteredFigures(a) {
  const place = document.getElementById("audit-figures-altered");
  const all = mismatchCount(a);
  if (!a.firstMismatch || all === 0) return;
  const m = a.firstMismatch;
  place.replaceChildren(h("strong", { class: "bad" }, "These figures include an altered event: "), all === 1
    ? `they are worked out from the customer's events as they are now, event ${m.sequence} (version ${m.version}${m.touchpointId ? `, touchpoint ${m.touchpointId}` : ""}) among them, whose chain does not hold. They may not be what was recorded; its row is marked “altered” in the history below.`
    : `they are worked out from the customer's events as they are now, ${count(all)} events whose chain does not hold among them (the first: event ${m.sequence}, version ${m.version}${m.touchpointId ? `, touchpoint ${m.touchpointId}` : ""}). They may not be what was recorded; those rows are marked “altered” in the history below.`);
  place.hidden = false;
}

function showValue(v) {
  document.getElementById("audit-value").replaceChildren(
    card("Revenue to date", amount(v.historical.revenue), `profit ${amount(v.historical.profit)}`),
    card("Current value", amount(v.current), `${v.formula.name}@${v.formula.version}`),
    card("Potential value", amount(v.potential.total), `value tier ${v.tier} (rank among all clients)`),
    card("Touchpoints counted", count(v.touchpointsCounted), `as of ${whenUtc(v.asOf)}${v.knownAt ? `, known at ${whenUtc(v.knownAt)}` : ""}`));
}

/** The mismatches found, said on the status line: the list below the check is not read out when it appears. */
function checkedSaid(a) {
  const own = mismatchCount(a);
  const inputs = a.dependsOn.reduce((sum, d) => sum + mismatchCount(d), 0);
  if (own === 0 && inputs === 0) return [];
  return [": ", [own ? `${mismatchesFound(own)} in its events` : "", inputs ? `${mismatchesFound(inputs)} in the formulas and model` : ""]
    .filter(Boolean).join(", ")];
}

function showChain(a) {
  const target = document.getElementById("audit-chain");
  // Nothing sealed yet: nothing was verified, so nothing may be called unaltered (the sealer seals each event once the
  // async daemon reaches it, within seconds of its recording).
  if (!a.firstMismatch && !a.checked) {
    target.replaceChildren(h("strong", {}, "Events not checked yet: "), a.unsealed
      ? `${a.unsealed === 1 ? "the customer's only event was" : `the customer's ${count(a.unsealed)} events were`} recorded too recently to be sealed. ` +
        "Seals are written by the service within seconds of recording: show the value again in a moment to check them."
      : "the customer has no sealed event to check.");
    return;
  }
  const unsealed = a.unsealed ? `, ${a.unsealed} recorded too recently to be sealed yet (checked once sealed, within seconds)` : "";
  // `valid` also speaks for the value's inputs (shown apart): the customer's own events are intact when nothing mismatched.
  if (!a.firstMismatch) {
    target.replaceChildren(h("strong", { class: "good" }, "Events unaltered: "), `${a.checked === 1 ? "the customer's only sealed event matches its seal" : `all ${count(a.checked)} sealed events of the customer match their seals`}${unsealed}.`,
      ...erasuresSaid(a.erasures));
    return;
  }
  const m = a.firstMismatch;
  target.replaceChildren(h("strong", { class: "bad" }, "Events altered: "),
    `${matchingSeals(a.checked, "event")}, then event ${m.sequence} (version ${m.version}${m.touchpointId ? `, touchpoint ${m.touchpointId}` : ""}): ${m.problem}.`,
    mismatchesSaid(a), ...erasuresSaid(a.erasures));
  // The first mismatch alone hid whether the altered event was the only one: each is listed at its own event.
  showMismatches(document.getElementById("audit-chain-mismatches"), mismatchCount(a) > 1 ? mismatchesOf(a).map(eventSaid) : []);
}

const eventSaid = m => `Event ${m.sequence} (version ${m.version}${m.touchpointId ? `, touchpoint ${m.touchpointId}` : ""}): ${m.problem}.`;

function showMismatches(list, items) {
  list.replaceChildren(...items.map(text => h("li", { class: "bad" }, text)));
  list.hidden = items.length === 0;
}

/**
 * The erasures the customer's stream records: their fields read "[erased]" and verify by the hashes sealed before, so
 * "unaltered" alone would hide that the personal data is gone, when, and which of it.
 */
function erasuresSaid(erasures = []) {
  return erasures.map(e => [" ", h("strong", {}, "Personal data erased: "),
    `${listed(e.fields)} on ${whenUtc(e.erasedAt)}, by the service's erasure (event ${e.sequence}, version ${e.version}); ` +
    "those fields read “[erased]” and match the hashes sealed before the erasure."]).flat();
}

const listed = names => (names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);

const inputNames = { "system:formula-registry": "formula registry", "system:portfolio-model": "portfolio model" };

/** The streams every value of the customer is computed from (formula versions, refits), checked whole. */
function showInputs(inputs) {
  const name = d => inputNames[d.streamId] ?? d.streamId;
  const altered = inputs.filter(d => !d.valid);
  const target = document.getElementById("audit-inputs");
  if (altered.length === 0) {
    const described = inputs.map(d => d.checked || d.unsealed
      ? `${name(d)}: ${matchingSeals(d.checked)}${d.unsealed ? `, ${count(d.unsealed)} not sealed yet` : ""}`
      : `${name(d)}: empty, the built-in defaults`);
    target.replaceChildren(h("strong", { class: "good" }, "Formulas and model unaltered: "), `${described.join("; ")}.`);
    return;
  }
  target.replaceChildren(h("strong", { class: "bad" }, "Formulas or model altered: "), altered.map(({ firstMismatch: m, ...d }) =>
    `${name(d)}: ${matchingSeals(d.checked, "event")}, then event ${m.sequence} (version ${m.version}): ${m.problem}.${mismatchesSaid(d)}`).join(" "));
  showMismatches(document.getElementById("audit-inputs-mismatches"), altered.some(d => mismatchCount(d) > 1)
    ? altered.flatMap(d => mismatchesOf(d).map(m => `${name(d)}: event ${m.sequence} (version ${m.version}): ${m.problem}.`)) : []);
}

// The formulas' arithmetic in words an auditor can redo with the inputs below it (docs/value.md, section 5).
const Arithmetic = {
  "simple-clv": "CLV = average order value × purchases per year × lifetime in years",
  "waland-cole": "VC = sum over periods t = 1..T of (volume × margin per unit − development cost − retention cost) / (1 + cost of capital)^t − acquisition cost",
  "retention-ltv": "LTV = margin per period × r / (1 + i − r) − acquisition cost, r the retention rate and i the discount rate per year " +
    "(with a number of periods T: the sum over t = 1..T of margin × (r / (1 + i))^t − acquisition cost)",
  "bgnbd-gg": "value = purchases expected over the horizon (BG/NBD) × expected spend per purchase (Gamma-Gamma) × margin share",
};
// Inputs exactly as the service gives them (to 6 decimals): rounded to cents they could not be redone.
const exact = new Intl.NumberFormat(undefined, { maximumFractionDigits: 6 });

/** What the figures answer: the date, what was known, the formula (and why that one), its parameters, the model, the unit. */
function showBasis(v, asked) {
  const f = v.formula;
  const parameters = Object.entries(f.parameters ?? {});
  const which = asked.formula ? "chosen above" : asked.knownAt ? `in force at the end of ${asked.knownAt}` : "in force now";
  document.getElementById("audit-basis").replaceChildren(h("strong", {}, "What these figures are: "),
    `the value on ${whenUtc(v.asOf)}, from ${v.knownAt ? `what was recorded by ${whenUtc(v.knownAt)}` : "everything recorded so far"}; `,
    `formula ${f.name} version ${f.version} (${which}), `,
    parameters.length ? `with ${parameters.map(([k, n]) => `${label(k).toLowerCase()} ${exact.format(n)}`).join(", ")}` : "each input estimated from the customer's own figures",
    `; portfolio model ${v.model?.fittedAt ? `fitted ${whenUtc(v.model.fittedAt)}` : "never refitted: its defaults"}. `,
    "Amounts are in the company's currency.");
  const inputs = Object.entries(v.inputs ?? {});
  document.getElementById("audit-formula-inputs").replaceChildren(...(Arithmetic[f.name] ? [h("strong", {}, "Formula: "), Arithmetic[f.name], ". "] : []),
    ...(inputs.length ? [h("strong", {}, "Its inputs for this customer: "), inputs.map(([k, n]) => `${label(k).toLowerCase()} ${typeof n === "number" ? exact.format(n) : n}`).join(", "), "."] : []),
    v.note ? ` ${v.note}.` : "");
}

const card = (title, figure, note) =>
  h("div", { class: "card" }, h("p", { class: "card-title" }, title), h("p", { class: "figure", "data-card": title }, figure), h("p", { class: "card-note" }, note));
