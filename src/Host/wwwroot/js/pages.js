// A customer's touchpoints (its timeline, its value history) are read a page at a time, the latest
// first: a B2B account may have tens of thousands of them, and the service answers at most 1,000 a read.
import { getJson } from "./api.js";

/** Page `number` of a route read newest first: its items of `list` in business-time order (oldest first), the total and the page size. */
export async function latestPage(path, list, number) {
  const page = await getJson(`${path}${path.includes("?") ? "&" : "?"}order=newest&page=${number}`);
  return { items: [...page[list]].reverse(), total: page.total, pageSize: page.pageSize, first: page };
}

/** Pages 1 to `count`, read together: their items in business-time order, each once (a touchpoint recorded between two reads moves the pages by one). */
export async function latestPages(path, list, count) {
  const pages = await Promise.all(Array.from({ length: count }, (_, i) => latestPage(path, list, i + 1)));
  return { ...pages[0], items: joined(pages.reverse().map(p => p.items)) };
}

/** Lists of items in business-time order, the earlier lists first, joined with each touchpoint once (the later list's copy kept). */
export function joined(lists) {
  const later = new Set();
  const kept = [];
  for (const items of [...lists].reverse()) {
    kept.unshift(...items.filter(item => !later.has(item.touchpointId)));
    for (const item of items) later.add(item.touchpointId);
  }
  return kept;
}
