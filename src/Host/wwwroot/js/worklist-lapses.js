// The work list's offers lapsing while it is shown: each entry says so in its place at the offer's end
// (by the service's clock), the status line names the client, and the list is read again soon: the
// service lists the client until it has recorded the expiry (seconds, up to 5 minutes).
import { amount, whenShort } from "./ui.js";
import { hasLapsed, msLeft, announceLapse } from "./offer-clock.js";

/** The list is read again this long after a lapse. */
const ReadAgainAfterLapse = 3_000;
// A computer asleep may not count its sleep in a timer's wait (and setTimeout takes at most 24.8 days):
// a longer wait for an offer's end is taken in steps, the service's clock checked at each.
const LongestLapseWait = 60_000;

// One timer for the soonest end among the offers shown still open: armed at every reading.
let lapseTimer = null;
let readAgain = null;
// Each offer's lapse is told once, as it lapses or as a reading first lists it lapsed.
const toldLapsed = new Set();

const withOffer = item => item.decision === "offer-made" && item.offer;

/**
 * After each reading: tells the lapses it lists and waits for the next end among its open offers.
 * list: { shown (the entries), items (their buttons' list), isOpen(id) (the client open when a lapse is told), readAgainUnlessReading }.
 */
export function followLapses(list) {
  tellLapses(list);
  clearTimeout(lapseTimer);
  const left = list.shown.filter(withOffer).map(item => msLeft(item.offer)).filter(ms => ms > 0);
  if (left.length === 0) return;
  lapseTimer = setTimeout(() => {
    markLapses(list);
    followLapses(list);
  }, Math.min(...left, LongestLapseWait));
}

// In place: the keyboard stays on its entry and nothing moves under the pointer until the next reading.
function markLapses({ shown, items, ...list }) {
  const byId = new Map(shown.map(item => [item.customerId, item]));
  for (const button of items.querySelectorAll("button[data-id]")) {
    const item = byId.get(button.dataset.id);
    const text = button.querySelector(".muted");
    if (item && text && text.textContent !== entryText(item)) text.textContent = entryText(item);
  }
  tellLapses({ shown, items, ...list });
}

// The status line names the client (the open one's panel says so itself). The list is read again soon,
// not while a reading is on its way: that one is shown instead, and no lapse ever sends a second.
function tellLapses({ shown, isOpen, readAgainUnlessReading }) {
  const lapsed = shown.filter(item => withOffer(item) && hasLapsed(item.offer) && !toldLapsed.has(item.offer.offerId));
  if (lapsed.length === 0) return;
  lapsed.forEach(item => toldLapsed.add(item.offer.offerId));
  const others = lapsed.filter(item => !isOpen(item.customerId));
  if (others.length > 0)
    announceLapse(`Offer lapsed, its expiry being recorded: ${others.map(item => item.name ?? item.customerId).join(", ")}.`, { open: false });
  if (readAgain === null) readAgain = setTimeout(() => {
    readAgain = null;
    readAgainUnlessReading();
  }, ReadAgainAfterLapse);
}

/**
 * What an entry says under the client's name: its value, then its offer (open or lapsed), or where its request stands.
 * The value is the one the service assessed the request with, not the value now that the open client's card shows:
 * said so, since the two part as days pass (value-then.js). Its moments without their year within half a year of now: "until Dec 14, 2:26 AM UTC".
 */
export function entryText(item) {
  const value = item.currentValue === null ? "" : `value when assessed ${amount(item.currentValue)} · `;
  if (withOffer(item) && hasLapsed(item.offer)) return `${value}offer ${amount(item.offer.amount)} lapsed at ${whenShort(item.offer.expiresAt)}, expiry being recorded`;
  if (item.decision === "offer-made") return `${value}offer ${amount(item.offer.amount)} until ${whenShort(item.offer.expiresAt)}`;
  if (item.decision === "no-offer") return `${value}no offer · asked ${whenShort(item.requestedAt)}`;
  return `being assessed · asked ${whenShort(item.requestedAt)}`;
}
