// What the portfolio page's parts share: a figure's card, and the place of a part that could not be read.
import { h, count, showError } from "./ui.js";

/** A figure named with its unit, and, when given, a line saying what it means. */
export const card = (title, value, note) => h("div", { class: "card", "data-card": title },
  h("p", { class: "card-title" }, title), h("p", { class: "figure" }, value), note ? h("p", { class: "card-note" }, note) : "");

/**
 * A part that failed says so in the error region and in its own place: its "Loading…" must not stay as if an
 * answer were still coming. The error is thrown on, so that the page's status can say it was not read in full.
 */
export const failedIn = (part, panel, then = "then reload the page") => error => {
  showError(error, part);
  document.getElementById(panel).replaceChildren(h("p", { class: "muted" }, `Could not be read: see the error above, ${then}.`));
  throw error;
};

/** Whether an answer was made from ledgers still folding the log (its ledgerProgress, docs/api.md "Portfolio"). */
export const behind = ledgerProgress => Boolean(ledgerProgress && !ledgerProgress.caughtUp);

/**
 * Said before a part's figures made from ledgers still folding the log: "no customer records yet" or "no lead was
 * captured" would be read as facts of the whole base when they are of the part folded so far.
 */
export const partialNote = ({ position, highWaterMark }) => h("strong", { class: "bad" },
  `Not the whole base yet: only the customers in the ${count(position)} of ${count(highWaterMark)} events of the log folded so far are counted. `);
