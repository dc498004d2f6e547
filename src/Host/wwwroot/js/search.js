// The desk's customer search: a page of matches at a time, "Show more" adds the next one, so that
// every match of a common name can be reached, however many there are.
import { getJson } from "./api.js";
import { h, count, showError, clearError, announce, arrowKeys, markCurrent } from "./ui.js";
import { codeWords } from "./words.js";

const PageSize = 50;

const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const results = document.getElementById("results");
const more = document.getElementById("results-more");
const summary = document.getElementById("result-count");
let open = () => {};
let openId = null;
// Only the latest search is shown: a slow earlier answer must not replace a newer one.
let searches = 0;
let current = null;   // { text, pages, total } of the search shown

/** Opening a customer found calls open(id, name). */
export function installSearch(opener) {
  open = opener;
  form.addEventListener("submit", event => { event.preventDefault(); search(input.value.trim()); });
  input.addEventListener("keydown", event => {
    if (event.key === "ArrowDown") { event.preventDefault(); results.querySelector("button")?.focus(); }
  });
  arrowKeys(results, { before: () => input, after: () => (more.hidden ? null : more) });
  more.addEventListener("click", showMore);
}

/** The customer open on the desk, marked among the results (aria-current). */
export function markFound(id) {
  openId = id;
  markCurrent(results, id);
}

export function focusSearch() { input.focus(); }

async function search(text) {
  if (!text) return;
  const mine = ++searches;
  clearError();
  announce("Searching…");
  try {
    const found = await page(text, 1);
    if (mine !== searches) return;
    current = { text, pages: 1, total: found.total };
    results.replaceChildren(...found.customers.map(entry));
    showCount();
  } catch (error) {
    if (mine !== searches) return;
    announce("");
    showError(error, "Search");
  }
}

async function showMore() {
  if (!current) return;
  const mine = searches;
  const shown = results.children.length;
  try {
    const next = await page(current.text, current.pages + 1);
    if (mine !== searches) return;
    current.pages++;
    current.total = next.total;
    // A customer may move from one page to the next between two reads: listed once.
    const listed = new Set([...results.querySelectorAll("button")].map(b => b.dataset.id));
    results.append(...next.customers.filter(c => !listed.has(c.customerId)).map(entry));
    showCount();
    // The keyboard goes on from the first customer just shown.
    (results.querySelectorAll("button")[shown] ?? results.querySelectorAll("button")[shown - 1])?.focus();
  } catch (error) {
    if (mine === searches) showError(error, "Search");
  }
}

const page = (text, number) =>
  getJson(`/api/customers?search=${encodeURIComponent(text)}&page=${number}&pageSize=${PageSize}`);

function entry(customer) {
  return h("li", {},
    h("button", { type: "button", class: "result", "data-id": customer.customerId, onclick: () => open(customer.customerId, customer.name) },
      h("span", { class: "name" }, customer.name ?? customer.customerId),
      h("span", { class: "muted" }, `${customer.email ?? "no email"} · ${codeWords(customer.state)}`)));
}

function showCount() {
  const shown = results.children.length;
  const { text, total } = current;
  const line = total === 0 ? `No customer matches “${text}”.`
    : `${count(total)} found${total > shown ? `, ${count(shown)} shown` : ""}. Arrow keys move through them.`;
  summary.textContent = line;
  announce(line);
  markCurrent(results, openId);
  const rest = total - shown;
  more.hidden = rest <= 0;
  more.textContent = `Show ${count(Math.min(PageSize, rest))} more`;
}
