// The error region: each refusal shown, read out at once, and dismissed with the keyboard kept in place.
import { h } from "./ui.js";
import { sayDetail } from "./problem-words.js";

/**
 * Shows a refusal: the problem's title, detail and field errors, read out at once by screen readers.
 * Each part of the page keeps its own entry (the value failing does not hide why the timeline did);
 * the same part failing again replaces its entry. Answers the entry that says it.
 * alsoFor: other parts that failed for the same refusal, named in the same entry (the audit page's three reads of an
 * unknown customer were three entries, three alerts, until 2026-12-08).
 */
export function showError(error, context, alsoFor = []) {
  const region = document.getElementById("error");
  const problem = keyNeeded(error?.problem ?? { title: "Something went wrong", detail: String(error?.message ?? error) });
  const fieldErrors = Object.entries(problem.errors ?? {}).map(([field, messages]) => h("li", {}, h("code", {}, field), ": ", [].concat(messages).join("; ")));
  const part = context ?? "";
  const replaced = entryOf(region, part);
  // Where the keyboard was when it failed (the search box, say): it goes back there once the error is dismissed.
  const focused = document.activeElement;
  const back = returnTo.get(replaced) ?? (focused && focused !== document.body && !region.contains(focused) ? focused : null);
  // The service gone (no answer, or unavailable past the retries) fails every part at once, for one reason: one entry
  // names them all, where four alike said it four times (until 2026-12-06).
  const same = sharedCause(problem) && [...region.children].find(entry => entry.dataset.cause === sharedCause(problem));
  // A part failing again for the reason its entry tells already (the work list read every minute while the service is
  // away) changes nothing on screen, and nothing is said again.
  if (same && same === replaced) return same;
  if (replaced) leave(replaced, part);
  if (same) {
    partsOf.get(same).push(part, ...alsoFor);
    same.querySelector(".error-title").firstChild.textContent = titleOf(partsOf.get(same));
    toSay(same);
    return same;
  }
  const title = `error-title-${++errorsShown}`;
  const detail = problem.detail ? detailOf(problem.detail, fieldErrors, part, problem.said) : null;
  const entry = h("div", { class: "error-entry", "data-context": part, "data-cause": sharedCause(problem) || null },
    h("p", { class: "error-title", id: title }, titleOf([part, ...alsoFor]), problem.title ?? "Error", problem.status && problem.statusShown !== false ? ` (${problem.status})` : ""),
    detail ? detail.shown : fieldList(fieldErrors));
  partsOf.set(entry, [part, ...alsoFor]);
  // Said without the status code, the fold's label and the Dismiss button the entry shows: the page's words when it has
  // its own, else the service's title and detail.
  messageOf.set(entry, detail?.said ? detail.text : [problem.title ?? "Error", problem.detail].filter(Boolean).join(". "));
  toSay(entry);
  if (back) returnTo.set(entry, back);
  // Each Dismiss says which error it dismisses: several may be shown at once.
  entry.append(h("button", { type: "button", class: "link", "aria-describedby": title, onclick: () => dismiss(entry) }, "Dismiss"));
  region.append(entry);
  region.hidden = false;
  return entry;
}

/**
 * A key of another role on a page made for one (the audit page's body has data-key-needed="auditor"): a bare
 * "Forbidden (403)" told an auditor's colleague with a desk key nothing of what to do (until 2026-12-07).
 * Every part refused for it shares one entry, as when the service is away.
 */
function keyNeeded(problem) {
  const role = document.body.dataset.keyNeeded;
  if (problem.status !== 403 || !role) return problem;
  return { ...problem, title: `An ${role} key is needed`, keyNeeded: role,
    said: `The API key in use may not do this: this page needs an ${role} key (or an administrator's). Ask your EventCrm ` +
      "administrator for one and give it with “Change API key” at the top right." };
}

let errorsShown = 0;
const returnTo = new WeakMap();   // entry -> where the keyboard was when its error came
const partsOf = new WeakMap();    // entry -> the parts of the page it tells of, in the order they failed

const titleOf = parts => (parts.some(Boolean) ? `${parts.filter(Boolean).join(", ")}: ` : "");
// Failures every part shares when the service is away: no answer at all, or 503 once the retries are spent. Any other
// refusal is the part's own, shown in its own entry (two 500s may have two causes).
// A refusal of the page's own (checkedHere: nothing was sent) has no status either, and is its part's alone.
const sharedCause = problem => (!problem.status && !problem.checkedHere || problem.status === 503 || problem.keyNeeded) && problem.title ? `${problem.status ?? 0}|${problem.title}|${problem.detail ?? ""}` : "";
const entryOf = (region, part) => [...region.children].find(entry => (partsOf.get(entry) ?? [entry.dataset.context]).includes(part));

/** A part no longer fails for the reason an entry tells: the entry goes when it told of that part alone. */
function leave(entry, part) {
  const parts = (partsOf.get(entry) ?? [entry.dataset.context]).filter(p => p !== part);
  if (parts.length === 0) return entry.remove();
  partsOf.set(entry, parts);
  entry.querySelector(".error-title").firstChild.textContent = titleOf(parts);
}

// The button pressed goes with its error: the keyboard goes to the next error's Dismiss, else back where
// it was when the error came, else to the page's main part (the skip link's target), never to the page's start.
function dismiss(entry) {
  const region = entry.parentElement;
  const next = entry.nextElementSibling ?? entry.previousElementSibling;
  const hadKeyboard = entry.contains(document.activeElement);
  entry.remove();
  if (region && region.children.length === 0) region.hidden = true;
  if (!hadKeyboard) return;
  const was = returnTo.get(entry);
  const back = was?.isConnected && was.checkVisibility() ? was : null;
  (next?.querySelector("button") ?? back ?? document.querySelector(document.querySelector(".skip")?.getAttribute("href") || "main"))?.focus();
}

/** Takes away one part's entry (a new reading of that part begins): the other parts' errors stay. */
export function clearErrorOf(context) {
  const region = document.getElementById("error");
  const entry = entryOf(region, context);
  if (entry) leave(entry, context);
  if (region.children.length === 0) region.hidden = true;
}

/**
 * Takes away the parts a test picks from every entry (the open client left: its timeline, value, retention, outcome), an
 * entry going once it names no part left; the others (the work list, the search) stay until read again themselves.
 */
export function clearErrorsOf(test) {
  const region = document.getElementById("error");
  for (const entry of [...region.children]) for (const part of [...(partsOf.get(entry) ?? [entry.dataset.context])]) if (test(part)) leave(entry, part);
  if (region.children.length === 0) region.hidden = true;
}

/** Whether an entry names the part: it failed and has not been read again since. */
export const failing = part => Boolean(entryOf(document.getElementById("error"), part));

export function clearError() {
  const region = document.getElementById("error");
  region.replaceChildren();
  region.hidden = true;
}

// The detail in words; when those are the page's, the service's own (to quote to support) stay folded beneath, its
// field errors with them: they say again, in the service's terms, what the words have said.
function detailOf(detail, fieldErrors, part, saidAlready = null) {
  const { text, said } = saidAlready ? { text: saidAlready, said: true } : sayDetail(detail, part);
  return { text, said, shown: said
    ? [h("p", {}, text), h("details", { class: "service-words" }, h("summary", {}, "The service's own words"), h("p", {}, h("code", {}, detail)), fieldList(fieldErrors))]
    : [h("p", {}, text), fieldList(fieldErrors)] };
}

// The error region shows the entries and is not read out itself: rewritten once per part failing (four times in 30 ms
// when the service went away during a refresh), and reading its status codes, its fold's label and its Dismiss buttons
// with the message (until 2026-12-07). What is said goes to a line of its own (#error-said, assertive and atomic,
// visually hidden), written once the errors coming together have come: the entries shown or grown within QuietMs of
// each other, or while a part of the page reads its parts together (errorsTogether), are said in one announcement.
const QuietMs = 150;
const messageOf = new WeakMap();   // entry -> its message, as said
const unsaid = new Set();          // entries shown or grown since the last announcement
let together = 0;
let quiet = null;

function toSay(entry) {
  unsaid.add(entry);
  clearTimeout(quiet);
  quiet = setTimeout(sayUnsaid, QuietMs);
}

function sayUnsaid() {
  quiet = null;
  if (together > 0) return;
  const said = [...unsaid].filter(entry => entry.isConnected).map(entry => `${titleOf(partsOf.get(entry))}${messageOf.get(entry)}`);
  unsaid.clear();
  // A new text node, even for the words said last: a screen reader says an atomic region again when its content is replaced.
  if (said.length) document.getElementById("error-said")?.replaceChildren(said.join(" "));
}

/** Runs work (the reads of a refresh), its parts' errors said together in one announcement once all of it has settled. */
export async function errorsTogether(work) {
  together++;
  try {
    return await work();
  } finally {
    if (--together === 0 && unsaid.size && !quiet) quiet = setTimeout(sayUnsaid, QuietMs);
  }
}

const fieldList = fieldErrors => (fieldErrors.length ? h("ul", {}, fieldErrors) : "");
