// The value form's refusals, said beside the form as the anchor form says its own: the field refused marked invalid,
// described by the refusal and given the keyboard. Until 2026-12-08 they were said at the page's top alone (836 px above
// the form at 200 % zoom), the field was not marked, and the keyboard went to an answers' heading with nothing under it.
import { h, showError } from "./ui.js";
import { sayDetail } from "./problem-words.js";

// In the form's order: the first refused is given the keyboard.
const Fields = { customer: "audit-customer", asOf: "audit-as-of", knownAt: "audit-known-at" };
// What a field is described by besides a refusal.
const OwnDescription = { customer: "audit-customer-hint" };
const line = () => document.getElementById("audit-refusal");

/** A new reading: no refusal beside the form, no field marked. */
export function clearRefusal() {
  line().replaceChildren();
  line().hidden = true;
  for (const name of Object.keys(Fields)) describe(name, false);
}

function describe(name, refused) {
  const field = document.getElementById(Fields[name]);
  field.setAttribute("aria-invalid", String(refused));
  const ids = [refused ? "audit-refusal" : null, OwnDescription[name]].filter(Boolean).join(" ");
  if (ids) field.setAttribute("aria-describedby", ids);
  else field.removeAttribute("aria-describedby");
}

/**
 * failed: [[reason, part]] of the reads that failed, all: how many were read. Each refusal is shown once, in one entry
 * of the error region naming every part it failed (an unknown customer failed the three reads alike and was said three
 * times), and beside the form. Answers the field refused first, or null.
 */
export function showRefusal(failed, all) {
  const causes = new Map();
  for (const [reason, part] of failed) {
    const p = reason?.problem;
    const cause = p ? `${p.status}|${p.title}|${p.detail}` : String(reason?.message ?? reason);
    if (!causes.has(cause)) causes.set(cause, { reason, parts: [] });
    causes.get(cause).parts.push(part);
  }
  const said = [];
  for (const { reason, parts } of causes.values()) {
    showError(reason, parts[0], parts.slice(1));
    const words = sentence(reason, parts[0]);
    said.push(parts.length === all ? `Nothing shown: ${words}` : `${listed(parts)} not shown: ${words}`);
  }
  line().replaceChildren(h("strong", {}, said.join(" ")));
  line().hidden = false;
  const refused = refusedFields(failed);
  for (const name of refused) describe(name, true);
  return refused.length ? document.getElementById(Fields[refused[0]]) : null;
}

/** The fields a refusal names: a 400's errors by key, an unknown customer (its audit, which takes no date, is a 404). */
function refusedFields(failed) {
  const names = new Set();
  for (const [reason, part] of failed) {
    const p = reason?.problem;
    if (reason?.status === 400) for (const key of Object.keys(p?.errors ?? {})) names.add(key);
    if (reason?.status === 404 && part === "Check of the events") names.add("customer");
    // Known before the customer was: the value's 404 names the recording date.
    if (reason?.status === 404 && /not known at knownAt/.test(p?.detail ?? "")) names.add("knownAt");
  }
  return Object.keys(Fields).filter(name => names.has(name));
}

const sentence = (reason, part) => {
  const p = reason?.problem;
  const text = String((p?.detail ? sayDetail(p.detail, part).text : null) ?? p?.title ?? reason?.message ?? reason).trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
};

const listed = parts => (parts.length < 2 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`);

/**
 * The keyboard on the field refused, with the refusal under the form in view too when both fit: the field first
 * (its label above it), then the page moved up only as far as keeps the field on screen.
 */
export function focusRefused(field) {
  field.focus({ preventScroll: true });
  const top = field.labels?.[0] ?? field;
  top.scrollIntoView({ block: "nearest" });
  field.scrollIntoView({ block: "nearest" });
  const below = line().getBoundingClientRect().bottom - window.innerHeight;
  const room = top.getBoundingClientRect().top - 8;
  if (below > 0 && room > 0) window.scrollBy(0, Math.min(below + 8, room));
}
