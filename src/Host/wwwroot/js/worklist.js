// The desk's work list: clients asking to cancel, open offers first (the one lapsing soonest first), then the oldest requests.
import { getJson } from "./api.js";
import { h, amount, when, showError } from "./ui.js";

const Shown = 50;
/** Requests keep arriving while the desk works: the list is read again this often (while the tab is shown). */
const RefreshEvery = 30_000;

export function keepWorkListFresh(open) {
  setInterval(() => { if (document.visibilityState === "visible") showWorkList(open); }, RefreshEvery);
}

export async function showWorkList(open) {
  try {
    const list = await getJson(`/api/retention/pending?pageSize=${Shown}`);
    document.getElementById("worklist-count").textContent = list.total === 0 ? "Nobody is asking to cancel."
      : `${list.total} asking to cancel${list.total > list.items.length ? `, first ${list.items.length} shown` : ""}.`;
    const items = document.getElementById("worklist-items");
    // Read again every 30 s: a keyboard user moving through the list keeps their place.
    const focused = items.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    items.replaceChildren(...list.items.map(item => h("li", {},
      h("button", { type: "button", class: "result", "data-id": item.customerId, onclick: () => open(item.customerId) },
        h("span", { class: "name" }, item.name ?? item.customerId),
        h("span", { class: "muted" }, what(item))))));
    if (focused) [...items.querySelectorAll("button")].find(b => b.dataset.id === focused)?.focus();
  } catch (error) {
    showError(error, "Work list");
  }
}

function what(item) {
  const value = item.currentValue === null ? "" : `value ${amount(item.currentValue)} · `;
  if (item.decision === "offer-made") return `${value}offer ${amount(item.offer.amount)} until ${when(item.offer.expiresAt)}`;
  if (item.decision === "no-offer") return `${value}no offer · asked ${when(item.requestedAt)}`;
  return `being assessed · asked ${when(item.requestedAt)}`;
}
