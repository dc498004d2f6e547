// A quadrant's customers on the portfolio page: the segments answer names the first few, "Show N more" reads the
// rest a page at a time (GET /api/portfolio/segments/{quadrant}/customers, docs/value.md), so that a manager can
// reach every customer of a quadrant of thousands, by mouse or keyboard, each name linking to the customer.
import { getJson } from "./api.js";
import { h, count, announce, showError, clearErrorOf, setBusy, isBusy } from "./ui.js";
import { counted } from "./words.js";

/** Shown before any page is read: the first customers of the segments answer. */
export const ShownFirst = 5;
const PageSize = 200;

/** The quadrant's list, the line saying how many are shown, and the button that shows more. */
export function quadrantMembers(q, title) {
  const list = h("ul", { class: "members", "aria-label": `Customers: ${title}` }, q.customers.slice(0, ShownFirst).map(member));
  const shown = h("p", { class: "muted members-shown" });
  const more = h("button", { type: "button", class: "secondary more" });
  const context = `Customers of ${title}`;
  let read = { pages: 0, total: q.count };

  const offerMore = () => {
    const listed = list.children.length;
    const rest = read.total - listed;
    shown.textContent = rest > 0 ? `${count(listed)} of ${count(read.total)} shown, worth most now first.` : "";
    more.hidden = rest <= 0;
    // Named for its quadrant, as the data-quality lists' buttons are: four alike said nothing of which list they add to (WCAG 2.4.6).
    more.textContent = `Show ${count(Math.min(PageSize, rest))} more customers of ${title}`;
  };
  more.addEventListener("click", async () => {
    if (isBusy(more)) return;
    const listed = list.children.length;
    setBusy(more, true);
    try {
      const page = await getJson(`/api/portfolio/segments/${encodeURIComponent(q.name)}/customers?page=${read.pages + 1}&pageSize=${PageSize}`);
      clearErrorOf(context);
      read = { pages: read.pages + 1, total: page.total };
      // The first page repeats the customers shown already, and a new valuation may move one by a page: each listed once.
      const ids = new Set([...list.children].map(li => li.dataset.customer));
      list.append(...page.customers.filter(c => !ids.has(c.customerId)).map(member));
      offerMore();
      announce(`${counted(list.children.length - listed, "more customer")} of ${title} shown: ${count(list.children.length)} of ${count(read.total)}.`);
      // The keyboard goes on from the first customer just shown.
      list.children[listed]?.querySelector("a")?.focus();
    } catch (error) {
      showError(error, context);
    } finally {
      setBusy(more, false);
    }
  });
  offerMore();
  return [list, shown, more];
}

// Each customer by name (its id for a record without one), the id after it, smaller: the name is what a manager knows, the id what the audit page asks for.
const member = ({ customerId, name }) => h("li", { "data-customer": customerId },
  h("a", { href: `index.html#customer=${encodeURIComponent(customerId)}` }, h("bdi", {}, name ?? customerId)),
  name ? h("span", { class: "muted customer-id" }, ` ${customerId}`) : "");
