// An offer's time left, by the service's clock: the service refuses answers dated after expiresAt,
// so the desk sees how long it has, and nothing is left to press once the offer has lapsed.
import { serviceNow } from "./api.js";
import { h, timeLeft, timeLeftSpoken, announce } from "./ui.js";

/** How long until the offer's end, by the service's clock (0 or less once it has passed). */
export const msLeft = offer => Date.parse(offer.expiresAt) - serviceNow();

/** Whether the offer's end has passed by the service's clock (its expiry may not be recorded yet). */
export const hasLapsed = offer => msLeft(offer) <= 0;

/**
 * "expires in 2 h 14 min", kept current, then onLapse once at expiresAt. Its timers are the
 * caller's (later), stopped with the panel.
 */
export function countdown(offer, later, onLapse) {
  // Shown with its units short, said with them whole ("expires in 6 days 23 hours"): not a live line, read when reached.
  const text = h("span", { class: "time-left", "aria-hidden": "true" });
  const spoken = h("span", { class: "time-left-spoken visually-hidden" });
  const tick = (building = false) => {
    const left = msLeft(offer);
    if (Number.isNaN(left)) return;
    if (left <= 0) return building ? later(onLapse, 0) : onLapse();   // never while the panel holding it is being built
    const reads = `expires in ${timeLeft(left)}`;
    if (text.textContent !== reads) {
      text.textContent = reads;
      spoken.textContent = `expires in ${timeLeftSpoken(left)}`;
    }
    later(tick, untilTheNextSecond(left));
  };
  tick(true);
  return h("span", {}, text, spoken);
}

// The text is of the seconds begun, so it can read otherwise only as the time left crosses a whole
// second: checked then, every second. No longer wait: a computer asleep may not count its sleep in a
// timer's wait, and the text and the lapse must be right again a moment after it wakes.
const untilTheNextSecond = left => left - (Math.ceil(left / 1000) - 1) * 1000;

// Offers made moments apart lapse moments apart: the open client's (its panel) and others' (the work
// list) are told together on the status line, the open client's first, so neither hides the other.
const TogetherWithinMs = 2000;
let told = { at: NaN, open: "", others: "", line: "" };

/** Tells a lapse on the status line, beside the ones told a moment before, if the line still shows them. */
export function announceLapse(text, { open }) {
  const status = document.getElementById("status");
  if (!(Math.abs(Date.now() - told.at) <= TogetherWithinMs && status.textContent === told.line))
    told = { at: Date.now(), open: "", others: "", line: "" };
  if (open) told.open = text;
  else told.others = [told.others, text].filter(Boolean).join(" ");
  told.line = [told.open, told.others].filter(Boolean).join(" ");
  announce(told.line);
}
