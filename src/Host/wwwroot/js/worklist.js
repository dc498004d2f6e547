// The desk's work list: clients asking to cancel, open offers first (the one lapsing soonest first), then the oldest requests.
import { getJson } from "./api.js";
import { h, amount, count, when, showError, announce, arrowKeys, markCurrent } from "./ui.js";
import { hasLapsed, msLeft } from "./offer-clock.js";

/** Read a page at a time ("Show more" adds the next one): the list opens quickly however many are asking. */
const PageSize = 50;
/** Requests keep arriving while the desk works: the list is read again this often (while the tab is shown). */
const RefreshEvery = 30_000;
/** An offer that lapses is listed until its expiry is recorded (seconds, up to 5 minutes): the list is read again this long after. */
const ReadAgainAfterLapse = 3_000;
// A computer asleep may not count its sleep in a timer's wait (and setTimeout takes at most 24.8 days):
// a longer wait for an offer's end is taken in steps, the service's clock checked at each.
const LongestLapseWait = 60_000;

const items = document.getElementById("worklist-items");
const more = document.getElementById("worklist-more");
let open = () => {};
// How many pages the desk asked to see: every reading (the 30 s one too) reads them all again.
let pages = 1;
let openId = null;
// Only the latest reading is shown: the 30 s one coming back after the one that follows an outcome
// would list the client just handled as still asking.
let readings = 0;
let inFlight = 0;
// The entries shown, and one timer for the soonest end among their offers still open: armed at every
// reading, cleared when the list is shown again.
let shown = [];
let lapseTimer = null;
let readAgain = null;
// Each offer's lapse is told once, as it lapses or as a reading first lists it lapsed.
const toldLapsed = new Set();

/** Opening a client from the list calls open(id); "Show more" reads the next page. */
export function installWorkList(opener) {
  open = opener;
  more.addEventListener("click", showMore);
  // Like the search results: arrows move through the clients, past the last one to "Show more".
  arrowKeys(items, { after: () => (more.hidden ? null : more) });
}

/** The client open on the desk, marked in the list (aria-current) until another is opened. */
export function markOpen(id) {
  openId = id;
  markCurrent(items, id);
}

export function keepWorkListFresh() {
  setInterval(() => { if (document.visibilityState === "visible") showWorkList(); }, RefreshEvery);
}

let newest = Promise.resolve();

export function showWorkList() {
  newest = read(++readings);
  return newest;
}

/** Until the newest reading is shown, whichever started it: a 30 s one may overtake the one awaited. */
async function newestShown() {
  let awaited;
  do { awaited = newest; await awaited; } while (awaited !== newest);
}

async function read(mine) {
  inFlight++;
  try {
    const answers = await Promise.all(Array.from({ length: pages }, (_, i) =>
      getJson(`/api/retention/pending?page=${i + 1}&pageSize=${PageSize}`)));
    if (mine === readings) show(answers);
  } catch (error) {
    if (mine === readings) showError(error, "Work list");
  } finally {
    inFlight--;
  }
}

async function showMore() {
  const shown = items.children.length;
  pages++;
  showWorkList();
  await newestShown();
  // The keyboard goes on from the first client just shown (the button may be gone: all are shown).
  const first = items.querySelectorAll("button")[shown];
  if (first) {
    first.focus();
    announce(document.getElementById("worklist-count").textContent);
  }
}

function show(answers) {
  const total = answers[answers.length - 1].total;
  // A client may move from one page to the next between two reads: listed once.
  const seen = new Set();
  const listed = answers.flatMap(answer => answer.items).filter(item => !seen.has(item.customerId) && seen.add(item.customerId));
  pages = Math.max(1, Math.min(pages, Math.ceil(total / PageSize)));
  document.getElementById("worklist-count").textContent = total === 0 ? "Nobody is asking to cancel."
    : `${count(total)} asking to cancel${total > listed.length ? `, ${count(listed.length)} shown` : ""}.`;
  // Read again every 30 s: a keyboard user moving through the list keeps their place.
  const focused = items.contains(document.activeElement) ? document.activeElement.dataset.id : null;
  shown = listed;
  items.replaceChildren(...listed.map(item => h("li", {},
    h("button", { type: "button", class: "result", "data-id": item.customerId, onclick: () => open(item.customerId) },
      h("span", { class: "name" }, item.name ?? item.customerId),
      h("span", { class: "muted" }, what(item))))));
  markCurrent(items, openId);
  if (focused) [...items.querySelectorAll("button")].find(b => b.dataset.id === focused)?.focus();
  const rest = total - listed.length;
  more.hidden = rest <= 0;
  more.textContent = `Show ${count(Math.min(PageSize, rest))} more`;
  tellLapses();
  watchLapses();
}

const withOffer = item => item.decision === "offer-made" && item.offer;

function watchLapses() {
  clearTimeout(lapseTimer);
  const left = shown.filter(withOffer).map(item => msLeft(item.offer)).filter(ms => ms > 0);
  if (left.length === 0) return;
  lapseTimer = setTimeout(() => {
    markLapses();
    watchLapses();
  }, Math.min(...left, LongestLapseWait));
}

// In place: the keyboard stays on its entry and nothing moves under the pointer until the next reading.
function markLapses() {
  const byId = new Map(shown.map(item => [item.customerId, item]));
  for (const button of items.querySelectorAll("button[data-id]")) {
    const item = byId.get(button.dataset.id);
    const text = button.querySelector(".muted");
    if (item && text && text.textContent !== what(item)) text.textContent = what(item);
  }
  tellLapses();
}

// The status line names the client (the open one's panel says so itself). The list is read again soon:
// the service stops listing the client once it has recorded the expiry. Not while a reading is on its
// way: that one is shown instead, and no lapse ever sends a second.
function tellLapses() {
  const lapsed = shown.filter(item => withOffer(item) && hasLapsed(item.offer) && !toldLapsed.has(item.offer.offerId));
  if (lapsed.length === 0) return;
  lapsed.forEach(item => toldLapsed.add(item.offer.offerId));
  const others = lapsed.filter(item => item.customerId !== openId);
  if (others.length > 0)
    announce(`Offer lapsed, its expiry being recorded: ${others.map(item => item.name ?? item.customerId).join(", ")}.`);
  if (readAgain === null) readAgain = setTimeout(() => {
    readAgain = null;
    if (inFlight === 0) showWorkList();
  }, ReadAgainAfterLapse);
}

function what(item) {
  const value = item.currentValue === null ? "" : `value ${amount(item.currentValue)} · `;
  if (withOffer(item) && hasLapsed(item.offer)) return `${value}offer ${amount(item.offer.amount)} lapsed at ${when(item.offer.expiresAt)}, expiry being recorded`;
  if (item.decision === "offer-made") return `${value}offer ${amount(item.offer.amount)} until ${when(item.offer.expiresAt)}`;
  if (item.decision === "no-offer") return `${value}no offer · asked ${when(item.requestedAt)}`;
  return `being assessed · asked ${when(item.requestedAt)}`;
}
