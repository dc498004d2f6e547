// The customer search of the desk and of the audit page: a page of matches at a time, "Show more" adds the next
// one, so that every match of a common name can be reached, however many there are. The arrow keys move from the
// box through the customers found; Enter or a click picks one; what was found is said on the status line.
import { ApiError, getJson } from "./api.js";
import { h, count, showError, clearErrorOf, announce, arrowKeys, markCurrent } from "./ui.js";
import { codeWords } from "./words.js";

const PageSize = 50;

/**
 * A search over the page's elements, given by id: { form, input, results, more, summary }. Picking a customer
 * found calls pick(id, name). Answers markFound(id) (the customer picked, marked among the results) and focus().
 */
export function customerSearch(ids, pick) {
  const form = document.getElementById(ids.form);
  const input = document.getElementById(ids.input);
  const results = document.getElementById(ids.results);
  const more = document.getElementById(ids.more);
  const summary = document.getElementById(ids.summary);
  let pickedId = null;
  // Only the latest search is shown: a slow earlier answer must not replace a newer one.
  let searches = 0;
  let current = null;   // { text, pages, total } of the search shown

  form.addEventListener("submit", event => { event.preventDefault(); search(input.value.trim()); });
  input.addEventListener("keydown", event => {
    if (event.key === "ArrowDown") { event.preventDefault(); results.querySelector("button")?.focus(); }
  });
  arrowKeys(results, { before: () => input, after: () => (more.hidden ? null : more) });
  // The results' box is kept tall enough for the first customer found, whole (app.css, --first-found): its name and
  // email may take four lines of the narrow column. Measured again as the page's width or zoom changes its lines.
  const firstFound = new ResizeObserver(() => {
    const first = results.firstElementChild;
    if (first) results.style.setProperty("--first-found", `${first.getBoundingClientRect().height + results.clientTop * 2}px`);
    else results.style.removeProperty("--first-found");
  });
  more.addEventListener("click", showMore);
  // A text the service refuses (over 200 characters) is said by the box, which it marks invalid and describes: on a phone
  // the error region, its only word until 2026-12-07, was above the screen while the box was in sight. The error region
  // still reads it out; this line is not a live region.
  const refusal = h("p", { id: `${ids.input}-refused`, class: "field-refused" });
  const refuse = words => {
    refusal.replaceChildren(h("strong", {}, "Not searched: "), words);
    if (!refusal.isConnected) form.append(refusal);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", refusal.id);
  };
  const accepted = () => {
    refusal.remove();
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  };

  async function search(text) {
    if (!text) return;
    const mine = ++searches;
    announce("Searching…");
    try {
      const found = await page(text, 1);
      if (mine !== searches) return;
      current = { text, pages: 1, total: found.total };
      // Only the search's own error goes: the open client's parts that failed still show their old reading.
      clearErrorOf("Search");
      accepted();
      results.replaceChildren(...found.customers.map(entry));
      showCount();
    } catch (error) {
      if (mine !== searches) return;
      announce("");
      const entry = showError(error, "Search");
      if (error instanceof ApiError && error.status === 400) refuse(entry.querySelector(":scope > p:not(.error-title), :scope > ul")?.textContent || error.message);
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
      clearErrorOf("Search");
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
      h("button", { type: "button", class: "result", "data-id": customer.customerId, onclick: () => pick(customer.customerId, customer.name) },
        h("span", { class: "name" }, h("bdi", {}, customer.name ?? customer.customerId)),
        h("span", { class: "muted" }, customer.email ? h("bdi", {}, customer.email) : "no email", ` · ${codeWords(customer.state)}`)));
  }

  function showCount() {
    const shown = results.children.length;
    const { text, total } = current;
    const line = total === 0 ? `No customer matches “${text}”.`
      : `${count(total)} found${total > shown ? `, ${count(shown)} shown` : ""}. Arrow keys move through them.`;
    summary.textContent = line;
    announce(line);
    markCurrent(results, pickedId);
    firstFound.disconnect();
    if (results.firstElementChild) firstFound.observe(results.firstElementChild);
    else results.style.removeProperty("--first-found");
    const rest = total - shown;
    more.hidden = rest <= 0;
    more.textContent = `Show ${count(Math.min(PageSize, rest))} more`;
  }

  return {
    markFound(id) {
      pickedId = id;
      markCurrent(results, id);
    },
    focus: () => input.focus(),
  };
}
