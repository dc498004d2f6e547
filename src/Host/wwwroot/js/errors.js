// The error region: each refusal shown, read out at once, and dismissed with the keyboard kept in place.
import { h } from "./ui.js";
import { sayDetail } from "./problem-words.js";

/**
 * Shows a refusal: the problem's title, detail and field errors, read out at once by screen readers.
 * Each part of the page keeps its own entry (the value failing does not hide why the timeline did);
 * the same part failing again replaces its entry.
 */
export function showError(error, context) {
  const region = document.getElementById("error");
  const problem = error?.problem ?? { title: "Something went wrong", detail: String(error?.message ?? error) };
  const fieldErrors = Object.entries(problem.errors ?? {}).map(([field, messages]) => h("li", {}, h("code", {}, field), ": ", [].concat(messages).join("; ")));
  const part = context ?? "";
  const replaced = [...region.children].find(entry => entry.dataset.context === part);
  // Where the keyboard was when it failed (the search box, say): it goes back there once the error is dismissed.
  const focused = document.activeElement;
  const back = returnTo.get(replaced) ?? (focused && focused !== document.body && !region.contains(focused) ? focused : null);
  replaced?.remove();
  const title = `error-title-${++errorsShown}`;
  const entry = h("div", { class: "error-entry", "data-context": part },
    h("p", { class: "error-title", id: title }, context ? `${context}: ` : "", problem.title ?? "Error", problem.status ? ` (${problem.status})` : ""),
    problem.detail ? detailOf(problem.detail, fieldErrors) : fieldList(fieldErrors));
  if (back) returnTo.set(entry, back);
  // Each Dismiss says which error it dismisses: several may be shown at once.
  entry.append(h("button", { type: "button", class: "link", "aria-describedby": title, onclick: () => dismiss(entry) }, "Dismiss"));
  region.append(entry);
  region.hidden = false;
}

let errorsShown = 0;
const returnTo = new WeakMap();   // entry -> where the keyboard was when its error came

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
  [...region.children].find(entry => entry.dataset.context === context)?.remove();
  if (region.children.length === 0) region.hidden = true;
}

export function clearError() {
  const region = document.getElementById("error");
  region.replaceChildren();
  region.hidden = true;
}

// The detail in words; when those are the page's, the service's own (to quote to support) stay folded beneath, its
// field errors with them: they say again, in the service's terms, what the words have said.
function detailOf(detail, fieldErrors) {
  const { text, said } = sayDetail(detail);
  return said
    ? [h("p", {}, text), h("details", { class: "service-words" }, h("summary", {}, "The service's own words"), h("p", {}, h("code", {}, detail)), fieldList(fieldErrors))]
    : [h("p", {}, text), fieldList(fieldErrors)];
}

const fieldList = fieldErrors => (fieldErrors.length ? h("ul", {}, fieldErrors) : "");
