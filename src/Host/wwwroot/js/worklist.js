// The desk's work list: clients asking to cancel, open offers first (the one lapsing soonest first), then the oldest requests;
// or, as the desk chooses (remembered for the browser session), the highest value assessed first.
import { getJson } from "./api.js";
import { h, count, showError, clearErrorOf, announce, arrowKeys, markCurrent } from "./ui.js";
import { followLapses, entryText } from "./worklist-lapses.js";

/** Read a page at a time ("Show more" adds the next one): the list opens quickly however many are asking. */
const PageSize = 50;
/** Requests keep arriving while the desk works: the list is read again this often (while the tab is shown). */
const RefreshEvery = 30_000;

/** The order chosen, kept in the browser session like the key: a desk sizing its effort by value keeps that order as it works. */
const OrderKey = "eventcrm.worklist.order";
const Orders = ["lapse", "value"];

const items = document.getElementById("worklist-items");
const orderChoice = document.getElementById("worklist-order");
const more = document.getElementById("worklist-more");
let open = () => {};
// How many pages the desk asked to see: every reading (the 30 s one too) reads them all again.
let pages = 1;
let openId = null;
// Only the latest reading is shown: the 30 s one coming back after the one that follows an outcome
// would list the client just handled as still asking.
let readings = 0;
let inFlight = 0;
// The clients of the reading shown, for the way on to the next one after an outcome (offerNext).
let listedNow = [];

/** Opening a client from the list calls open(id, name); "Show more" reads the next page. */
export function installWorkList(opener) {
  open = opener;
  more.addEventListener("click", showMore);
  const kept = sessionStorage.getItem(OrderKey);
  if (Orders.includes(kept)) orderChoice.value = kept;
  orderChoice.addEventListener("change", changeOrder);
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
      getJson(`/api/retention/pending?page=${i + 1}&pageSize=${PageSize}&order=${orderChoice.value}`)));
    if (mine === readings) {
      show(answers);
      clearErrorOf("Work list");
    }
  } catch (error) {
    if (mine === readings) showError(error, "Work list");
  } finally {
    inFlight--;
  }
}

// Another order starts from its first page, the keyboard staying on the choice; the status line says what is shown.
async function changeOrder() {
  sessionStorage.setItem(OrderKey, orderChoice.value);
  pages = 1;
  showWorkList();
  await newestShown();
  announce(`Work list ordered by ${orderChoice.value === "value" ? "highest value" : "offer lapsing soonest"}.`);
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
  // Read again every 30 s: a keyboard user moving through the list keeps their place; when their client
  // has left the list (answered at another desk), the one that took its place, never the page's start.
  const before = [...items.querySelectorAll("button")];
  const at = before.indexOf(document.activeElement);
  const focused = at >= 0 ? document.activeElement.dataset.id : null;
  items.replaceChildren(...listed.map(item => h("li", {},
    h("button", { type: "button", class: "result", "data-id": item.customerId, onclick: () => open(item.customerId, item.name) },
      h("span", { class: "name" }, h("bdi", {}, item.name ?? item.customerId)),
      h("span", { class: "muted" }, entryText(item))))));
  markCurrent(items, openId);
  if (focused) {
    const buttons = [...items.querySelectorAll("button")];
    (buttons.find(b => b.dataset.id === focused) ?? buttons[Math.min(at, buttons.length - 1)] ?? document.getElementById("worklist-title")).focus();
  }
  const rest = total - listed.length;
  more.hidden = rest <= 0;
  more.textContent = `Show ${count(Math.min(PageSize, rest))} more`;
  listedNow = listed;
  offerNext();
  followLapses({ shown: listed, items, isOpen: id => id === openId, readAgainUnlessReading: () => { if (inFlight === 0) showWorkList(); } });
}

/**
 * The way on after an outcome: where the retention panel of the open client has a place for it (#next-client, shown
 * when the client asks nothing more), a button opening the first client of the work list other than the open one.
 * Drawn again at every reading (the list read after the outcome no longer lists the client just answered); the
 * keyboard, if it was on the button, stays on the new one, else goes to the panel's heading.
 */
export function offerNext() {
  const place = document.getElementById("next-client");
  if (!place) return;
  const next = listedNow.find(item => item.customerId !== openId);
  const hadKeyboard = place.contains(document.activeElement);
  place.replaceChildren(next ? h("button", { type: "button", id: "next-client-button", onclick: () => open(next.customerId, next.name) },
    `Next client asking to cancel: ${next.name ?? next.customerId}`) : "");
  if (hadKeyboard) (place.querySelector("button") ?? document.getElementById("retention-title")).focus();
}
