// Shared page helpers: element building, formatting, the error and status regions, the key dialog.
import { ApiError, apiKey, onKeyNeeded } from "./api.js";
// The error region has its own module; every page imports it from here with the other helpers.
export { showError, clearError, clearErrorOf, clearErrorsOf, failing, errorsTogether } from "./errors.js";

/** h("p", { class: "x" }, "text", child): attributes starting with "on" become listeners. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// Money always with its cents (2,360.20, not 2,360.2), in the reader's own notation.
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const amount = value => (typeof value === "number" ? money.format(value) : "–");
// Counts (customers, touchpoints, weeks) and other plain figures: grouped in the reader's notation, no forced cents.
const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
export const count = value => (typeof value === "number" ? plain.format(value) : "–");
// How long until a moment, in its two largest whole units ("6 days 23 h", "2 h 14 min", "4 min 20 s",
// "40 s"), the figures in the reader's notation. A second begun counts: "1 s" until the moment itself.
export const timeLeft = ms => {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const [days, hours, minutes, rest] = [Math.floor(seconds / 86400), Math.floor(seconds / 3600) % 24, Math.floor(seconds / 60) % 60, seconds % 60];
  if (days > 0) return `${count(days)} ${days === 1 ? "day" : "days"} ${count(hours)} h`;
  if (hours > 0) return `${count(hours)} h ${count(minutes)} min`;
  return minutes > 0 ? `${count(minutes)} min ${count(rest)} s` : `${count(rest)} s`;
};
// The same, as it is said: a screen reader read "h", "min" and "s" as letters ("6 days 23 h") until 2026-12-07.
export const timeLeftSpoken = ms => timeLeft(ms).replace(/([\d.,\s\u202f]+) (h|min|s)\b/g, (_, figure, unit) =>
  `${figure} ${{ h: "hour", min: "minute", s: "second" }[unit]}${figure.trim() === "1" ? "" : "s"}`);
// In the reader's own notation (22.6% in English, 22,6 % in French), like the amounts.
const shares = [1, 2, 3].map(digits => new Intl.NumberFormat(undefined, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }));
/**
 * A share to one decimal, or to as many more (up to three) as it takes not to say 100.0% of what is not all, or 0.0% of
 * what is not nothing: 4,432 customers kept of 4,433 read "100.0%".
 */
export const percent = value => {
  if (typeof value !== "number") return "–";
  const whole = value === 0 || Math.abs(value) === 1;
  for (const [index, share] of shares.entries()) {
    const tenths = Math.round(Math.abs(value) * 10 ** (index + 3));
    if (whole || (tenths !== 0 && tenths !== 10 ** (index + 3)) || index === shares.length - 1) return share.format(value);
  }
};

// Times in the reader's own zone, which is named: the service's dates are UTC, the reader's may not be.
const moment = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" });
export const when = iso => (iso ? moment.format(new Date(iso)) : "–");
// The same without its year when it is within half a year of now, where the month and day can mean no other year (an
// offer lapsing next week on Jan 2 read on Dec 28): the work list's entries in two short lines, not three.
const momentWithoutYear = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" });
const HalfAYearMs = 182 * 24 * 3600 * 1000;
export const whenShort = iso => {
  if (!iso) return "–";
  const at = new Date(iso);
  return Math.abs(at - Date.now()) < HalfAYearMs ? momentWithoutYear.format(at) : moment.format(at);
};
export const day = iso => (iso ? new Date(iso).toISOString().slice(0, 10) : "–");
// The audit page's times in UTC, named so: its dates are UTC days (an "as of" date is the end of that day, UTC), and
// a moment in the reader's zone beside them read as another day (2026-03-31 asked showed as Apr 1, 1:59 AM GMT+2 in Paris).
const utcMoment = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" });
export const whenUtc = iso => (iso ? utcMoment.format(new Date(iso)) : "–");
// A day in the reader's zone and notation, like the times (a chart's axis, say).
const localDay = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
export const date = value => (value === undefined || value === null ? "–" : localDay.format(new Date(value)));

/** A field's name for people: expectedRemainingMargin reads "Expected remaining margin". */
export const label = name => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A touchpoint's or a decision's figure by its name: shares and rates as percentages, durations and counts as counts, the rest is money. */
export const figureOf = (name, value) => typeof value !== "number" ? String(value)
  : /(Share|Rate)$/.test(name) ? percent(value)
  : /(Minutes|Count|Weeks|Days)$/.test(name) ? count(value) : amount(value);

/** Marks the entry of a list that is open (aria-current), and only that one. */
export function markCurrent(list, id) {
  for (const button of list.querySelectorAll("button[data-id]")) {
    if (button.dataset.id === id) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

/**
 * Arrow keys, Home and End move the keyboard through a list's buttons; past its first or last one
 * to what before() or after() give, when they give something.
 */
export function arrowKeys(list, { before = () => null, after = () => null } = {}) {
  list.addEventListener("keydown", event => {
    const buttons = [...list.querySelectorAll("button")];
    const index = buttons.indexOf(document.activeElement);
    const target = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (target === undefined || index < 0) return;
    event.preventDefault();
    const beyond = target < 0 ? before() : target >= buttons.length ? after() : null;
    (beyond ?? buttons[Math.max(0, Math.min(target, buttons.length - 1))]).focus();
  });
}

/**
 * A button whose request is on its way does nothing more until it is back (busy), but keeps the keyboard: disabled, it
 * dropped it to the page's body (WCAG 2.4.3), and a screen reader was left nowhere while the page waited.
 * aria-disabled says it cannot be pressed now; its click handler asks isBusy first.
 */
export function setBusy(button, busy) {
  if (busy) button.setAttribute("aria-disabled", "true");
  else button.removeAttribute("aria-disabled");
}
export const isBusy = button => button.getAttribute("aria-disabled") === "true";

/**
 * A polite message for screen readers and sighted users alike (loading, saved, ...). Its parts may be nodes: a
 * customer's name goes in as `isolated(name)`, so that a right-to-left mark in it cannot reorder the words around it.
 */
export function announce(...parts) { document.getElementById("status").replaceChildren(...parts); }

/** User text (a name, an id) kept apart in direction from the page's words around it. */
export const isolated = text => h("bdi", {}, text);

/**
 * Replaces a message said earlier ("Opening …") with what came of it, unless something else was
 * said meanwhile: an outcome recorded while a client still opens keeps its word on the line.
 */
export function announceAfter(earlier, ...parts) {
  if (document.getElementById("status").textContent === earlier) announce(...parts);
}

window.addEventListener("eventcrm:busy", event =>
  // Only reads are asked again: said so, beside an outcome that failed this line read as if it were being retried.
  announce(`The service is unavailable for a moment: the page reads what it shows again in ${event.detail.seconds} s… Nothing is sent again by itself.`));
window.addEventListener("eventcrm:answered", () => announce("The service answers again."));
window.addEventListener("eventcrm:gave-up", () => announce("The service is still unavailable: try again later."));

let pendingPrompt = null;

/** The dialog that asks for the API key, the same on every page. */
function keyDialog() {
  const dialog = h("dialog", { id: "key-dialog", "aria-labelledby": "key-title" },
    h("form", { id: "key-form" },
      h("h2", { id: "key-title" }, "API key"),
      h("p", { id: "key-reason", class: "error-title", role: "alert" }),
      h("p", {}, "Enter your API key. It is kept in this tab only, until you close it."),
      // A first-day user has no key and no idea where one comes from: the page says who gives it and which kind.
      h("p", { id: "key-where", class: "muted" }, "No key yet? Your EventCrm administrator makes one for you: a ",
        h("strong", {}, "desk"), " key for the retention desk and the portfolio, an ", h("strong", {}, "auditor"),
        " key for the audit page and the portfolio. On a demo installation started with ",
        h("code", {}, "./eventcrm run"), ", the administrator's key is in ", h("code", {}, ".data/admin-key"), "."),
      h("label", { for: "key-input" }, "API key"),
      h("input", { id: "key-input", type: "password", autocomplete: "off", required: true }),
      h("div", { class: "row" }, h("button", { type: "submit" }, "Use this key"))));
  document.body.append(dialog);
  return dialog;
}

/** Installs the key dialog: shown on first use, after a 401, and from the header's "Change key". */
export function installKeyDialog() {
  const dialog = keyDialog();
  const form = document.getElementById("key-form");
  const input = document.getElementById("key-input");
  const reason = document.getElementById("key-reason");
  let settle = null;

  form.addEventListener("submit", event => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    apiKey.set(key);
    input.value = "";
    settle?.resolve();
    dialog.close();
  });
  // Closed without a key (Escape): the page says what is missing and where to give it, not "Something went wrong".
  dialog.addEventListener("cancel", () => settle?.reject(new ApiError(0, {
    title: "No API key", detail: "The page needs an API key to read anything: give one with “Change API key” at the top right." })));
  dialog.addEventListener("close", () => { pendingPrompt = null; settle = null; });

  const prompt = problem => {
    if (pendingPrompt) return pendingPrompt;
    reason.textContent = problem ? `The service refused the key: ${problem.detail ?? problem.title}` : "";
    // A refused key marks its field, described by the refusal (WCAG 3.3.1): the field read "not invalid" beside it.
    input.setAttribute("aria-invalid", String(Boolean(problem)));
    if (problem) input.setAttribute("aria-describedby", "key-reason");
    else input.removeAttribute("aria-describedby");
    pendingPrompt = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    dialog.showModal();
    input.focus();
    return pendingPrompt;
  };
  onKeyNeeded(prompt);
  document.getElementById("change-key")?.addEventListener("click", () => prompt(null).then(() => location.reload(), () => {}));
  return prompt;
}
