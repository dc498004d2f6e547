// The customer desk: the clients asking to cancel, search, then one customer's value, retention decision and timeline.
import { apiKey, getJson, mayUse } from "./api.js";
import { h, count, showError, clearErrorOf, clearErrorsOf, failing, errorsTogether, announce, announceAfter, isolated, installKeyDialog, setBusy, isBusy } from "./ui.js";
import { Timeline } from "./timeline.js";
import { codeLabel } from "./words.js";
import { showValue, showEarlierValues } from "./value.js";
import { latestPage, latestPages, joined } from "./pages.js";
import { showRetention, clearRetention } from "./retention.js";
import { newestRead } from "./newest.js";
import { installWorkList, showWorkList, keepWorkListFresh, markOpen } from "./worklist.js";
import { customerSearch } from "./search.js";

const prompt = installKeyDialog();
const timeline = new Timeline(document.getElementById("timeline"),
  document.getElementById("timeline-order"), document.getElementById("timeline-type"), document.getElementById("timeline-count"));
let openId = null;
let openName = null;   // the retention panel's questions name the client
// Pages of the open customer's timeline and value history shown, the latest first: a refresh reads them all again.
let pagesShown = 1;
const more = document.getElementById("timeline-more");
more.addEventListener("click", showEarlier);
installWorkList(openCustomer);
const search = customerSearch(
  { form: "search-form", input: "search-input", results: "results", more: "results-more", summary: "result-count" }, openCustomer);
document.getElementById("refresh").addEventListener("click", async () => {
  if (!openId) return;
  await refresh(openId);
  // Each part that could not be read says so in the error region and keeps what it showed: "Refreshed." said the opposite.
  // A part's entry goes only once that part is read (an outcome's or a search's error stays, and says nothing of these).
  announce(!RefreshedParts.some(failing) ? "Refreshed."
    : "Refresh incomplete: the parts named at the top of the page could not be read and still show what they showed before.");
});

/** name: the customer's as listed where it was picked, said while its record is read (opened from an address: the id). */
async function openCustomer(id, name = null) {
  const called = name ?? id;
  openId = id;
  // A client opened from the page is a step the browser's Back undoes (to the client open before); one opened from the
  // address (a link, Back itself) is already there.
  if (customerInAddress() !== id) history.pushState(null, "", `#customer=${encodeURIComponent(id)}`);
  // The client before is left: what failed of it goes with it (its panels are emptied below); the work list's and the
  // search's errors stay until those are read again.
  clearErrorsOf(part => ClientParts.includes(part) || part.startsWith("Opening "));
  const opening = `Opening ${called}…`;
  announce("Opening ", isolated(called), "…");
  // The keyboard on something of the client before ("Next client asking to cancel", say) fell to the page's body as its
  // panels were emptied, and stayed there while the next one was read (WCAG 2.4.3): it waits on the customer's section,
  // named for the client opening.
  const section = document.getElementById("customer");
  const keyboardInside = section.contains(document.activeElement) && document.activeElement !== section;
  search.markFound(id);
  markOpen(id);
  // Nothing of the customer open before stays on screen: its buttons would act on it.
  for (const panel of ["value-cards", "value-chart", "timeline"]) document.getElementById(panel).replaceChildren();
  clearRetention();   // and its timers: an offer's countdown must not lapse once its client is gone
  timeline.clear();
  showLoading();
  pagesShown = 1;
  more.hidden = true;
  document.getElementById("customer-body").hidden = true;
  document.getElementById("refresh").hidden = true;
  document.getElementById("customer-title").replaceChildren("Opening ", isolated(called), "…");
  if (keyboardInside) section.focus();
  try {
    const profile = await getJson(`/api/customers/${encodeURIComponent(id)}`);
    if (openId !== id) return;   // another customer was opened meanwhile
    openName = profile.name ?? id;
    document.getElementById("customer-title").replaceChildren(isolated(openName));
    document.getElementById("customer-hint").hidden = true;
    document.getElementById("customer-body").hidden = false;
    document.getElementById("refresh").hidden = false;
    showFacts(profile, profile.state);
    await refresh(id, () => {
      document.querySelector("#value-cards .loading")?.remove();   // could not be read: the error region says why
      retentionLoaded(true);
    });
    // Scrolled into view with the keyboard: at 200% zoom the customer is below the lists, out of sight.
    if (!movedOnFrom(id)) document.getElementById("customer").focus();
    announceAfter(opening, isolated(profile.name ?? id), " is open.");
  } catch (error) {
    announceAfter(opening, "");
    showError(error, `Opening ${called}`);
    if (openId === id) closeCustomer();
  }
}

// A customer that could not be opened leaves nothing on screen to act on: no name, no Refresh.
function closeCustomer() {
  openId = null;
  search.markFound(null);
  markOpen(null);
  document.getElementById("customer-title").textContent = "No customer open";
  document.getElementById("customer-hint").hidden = false;
}

// While a customer's reads come back the user may already be typing a new search, on another
// result or at work in the customer's panel (an outcome recorded before the slowest read came
// back): the keyboard stays there.
function movedOnFrom(id) {
  const focused = document.activeElement;
  const panel = document.getElementById("customer");
  return openId !== id || focused?.matches("input, select, textarea") || (focused !== panel && panel.contains(focused))
    || (focused?.dataset.id ?? id) !== id;
}

// A large account's reads take seconds, each its own: every part says it is loading. The retention panel waits for
// the value cards above it: shown first, its Accept and Decline were pushed 120 px down under the pointer by the cards.
function showLoading() {
  document.getElementById("value-cards").replaceChildren(h("p", { class: "muted loading" }, "Loading the value…"));
  document.getElementById("value-chart").replaceChildren(h("p", { class: "muted loading" }, "Loading the value over time…"));
  document.getElementById("timeline").replaceChildren(h("li", { class: "muted loading" }, "Loading the timeline…"));
  document.getElementById("timeline-count").textContent = "";
  retentionLoaded(false);
}

function retentionLoaded(loaded) {
  const panel = document.getElementById("retention");
  panel.classList.toggle("waiting", !loaded);
  panel.setAttribute("aria-busy", String(!loaded));
}

// The parts a refresh reads, and those of the open client alone (an outcome refused is the client's too).
const RefreshedParts = ["Timeline", "Value", "Retention", "Work list"];
const ClientParts = ["Timeline", "Value", "Retention", "Recording the outcome"];

/** Reloads everything shown about the open customer (after an offer's outcome, for instance); onCards: the value cards are shown (or could not be read). */
async function refresh(id, onCards = () => {}) {
  const still = () => openId === id;
  // The parts failing in one refresh (all four when the service is away) are said in one announcement.
  await errorsTogether(() => Promise.all([
    loadTimeline(id, still),
    // A part's entry in the error region goes when that part is read again (shown: true), not before.
    showValue(id, still, points => timeline.showValues(points), pagesShown, onCards)
      .then(shown => shown && clearErrorOf("Value"), error => showError(error, "Value")),
    showRetention({ id, name: openName ?? id }, still, () => refresh(id)).catch(error => showError(error, "Retention")),
    showWorkList(),
  ]));
}

const timelineRead = newestRead();

async function loadTimeline(id, still) {
  const newest = timelineRead();
  try {
    const read = await latestPages(timelinePath(id), "entries", pagesShown);
    if (!still() || !newest()) return;
    timeline.show(read.items, read.total);
    clearErrorOf("Timeline");
    setState(read.first.state);
    offerEarlier(read.pageSize);
  } catch (error) {
    if (!newest()) return;
    document.querySelector("#timeline .loading")?.remove();
    showError(error, "Timeline");
  }
}

const timelinePath = id => `/api/customers/${encodeURIComponent(id)}/timeline`;

/** The next page of earlier touchpoints, with the value after each; the keyboard stays on the button, or goes to the list once all are shown. */
async function showEarlier() {
  if (isBusy(more)) return;
  const id = openId;
  const still = () => openId === id;
  const number = pagesShown + 1;
  setBusy(more, true);
  try {
    const [older] = await Promise.all([latestPage(timelinePath(id), "entries", number),
      showEarlierValues(id, number, still, points => timeline.showValues(points)).catch(error => showError(error, "Value"))]);
    if (!still()) return;
    pagesShown = number;
    const before = timeline.entries.length;
    timeline.show(joined([older.items, timeline.entries]), older.total);
    offerEarlier(older.pageSize);
    announce(`${count(timeline.entries.length - before)} earlier touchpoints shown.`);
    if (more.hidden) document.getElementById("timeline").focus();
  } catch (error) {
    if (still()) showError(error, "Timeline");
  } finally {
    setBusy(more, false);
  }
}

function offerEarlier(pageSize) {
  const unread = timeline.total - timeline.entries.length;
  more.hidden = unread <= 0;
  more.textContent = `Show ${count(Math.min(pageSize, unread))} earlier touchpoints`;
}

function showFacts(profile, state) {
  const facts = document.getElementById("customer-facts");
  const id = h("span", {}, "customer id ", h("strong", {}, profile.customerId));
  facts.replaceChildren(
    id,
    h("span", {}, profile.email ? h("bdi", {}, profile.email) : "no email"),
    h("span", {}, "segment ", profile.segment ? h("bdi", {}, profile.segment) : "–"),
    h("span", {}, "state ", h("strong", { id: "customer-state", class: `state state-${state}`, title: state }, codeLabel(state))));
  // Only for a key that may read audits: the page it leads to would refuse anything else.
  mayUse("audit").then(allowed => {
    if (allowed && facts.firstChild === id)
      facts.append(h("a", { href: `audit.html#customer=${encodeURIComponent(profile.customerId)}` }, "Audit this customer"));
  });
}

function setState(state) {
  const badge = document.getElementById("customer-state");
  if (!badge) return;
  badge.textContent = codeLabel(state);
  badge.title = state;
  badge.className = `state state-${state}`;
}

const customerInAddress = () => new URLSearchParams(location.hash.slice(1)).get("customer");
const openTheAddressed = () => {
  const id = customerInAddress();
  if (id && id !== openId) openCustomer(id);
};
window.addEventListener("hashchange", openTheAddressed);
window.addEventListener("popstate", openTheAddressed);

// The key first (kept for the tab's session), then the customer named in the address, else the search box.
// The search box takes the focus before the work list is read: focusing it once the list came back
// pulled the keyboard away from a result the user had already moved to.
(apiKey.get() ? Promise.resolve() : prompt(null)).then(
  () => (customerInAddress() ? openCustomer(customerInAddress()) : (search.focus(), showWorkList()))
    .then(() => keepWorkListFresh()),
  error => showError(error));
