// One client, two current values: the work list and the retention decision carry the value the service assessed the
// request with (recorded in its decision: docs/retention.md, "Reading it"), the "Current value" card the value now. They
// part as days pass or the formula in force changes. A line under the cards says which one the decision rests on, and
// both figures when they differ: until 2026-12-06 they differed on screen without a word.
import { h, amount } from "./ui.js";

// Each read on its own, in either order (the value cards, the retention panel): both kept for the client they are of.
let now = null;        // { id, value }
let assessed = null;   // { id, value, offer (an offer was made: it is sized on that value) }

/** The Current value card was drawn with this value for client id. */
export function valueNow(id, value) {
  now = { id, value };
  tell();
}

/** The retention panel read client id's pending request (null: none); its decision's inputs hold the value assessed. */
export function valueAssessed(id, pending) {
  const value = pending?.inputs?.currentValue ?? pending?.offer?.inputs?.currentValue;
  assessed = typeof value === "number" ? { id, value, offer: pending.decision === "offer-made" } : null;
  tell();
}

// Compared as shown, to the cent: a difference below it would read "was 1,320.77" beside 1,320.77.
const cents = value => Math.round(value * 100);

// The line under the cards (#value-then): hidden without a decision on a pending request. One line on a laptop: a
// note in the card itself made the row of cards four lines taller and the timeline lost its entries.
function tell() {
  const place = document.getElementById("value-then");
  if (!place) return;
  if (!now || !assessed || now.id !== assessed.id) {
    place.replaceChildren();
    place.hidden = true;
    return;
  }
  const basis = assessed.offer ? "the offer is sized on" : "the decision rests on";
  const changed = cents(now.value) !== cents(assessed.value);
  place.dataset.changed = String(changed);
  place.hidden = false;
  place.replaceChildren(...(changed
    ? ["Current value ", h("strong", {}, amount(now.value)), " now; ", h("strong", {}, amount(assessed.value)),
      ` when the request was assessed, the work list's figure: the value ${basis}.`]
    : [`Current value unchanged since the request was assessed (the work list's figure): the value ${basis}.`]));
}
