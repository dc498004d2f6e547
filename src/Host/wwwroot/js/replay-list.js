// The replays made, newest first, each with its differences to open again and a way to delete it (its results
// go with it): a page at a time, "Show N more" adding the next one, so that the oldest can be reached too.
import { getJson, deleteResource } from "./api.js";
import { h, count, day, clearErrorOf, announce, showError, setBusy, isBusy } from "./ui.js";
import { codeWords, counted } from "./words.js";
import { showDiff, clearDiffOf } from "./replay-diff.js";

const PageSize = 10;

const list = document.getElementById("replay-list");
const more = document.getElementById("replay-list-more");
// Only the latest reading of the list is shown: a slow earlier answer must not replace or extend a newer one.
let readings = 0;
let current = { pages: 0, total: 0 };

more.addEventListener("click", showMore);

/** The newest replays, as many pages as asked (a deletion reads again the pages shown, less the one deleted). */
export async function showReplays(pages = 1) {
  const mine = ++readings;
  const runs = new Map();
  let [read, total] = [0, 0];
  while (read < pages) {
    const next = await page(++read);
    total = next.total;
    // A replay asked for meanwhile pushes the others one place down: each is listed once.
    for (const run of next.items) if (!runs.has(run.id)) runs.set(run.id, run);
    if (read * PageSize >= total) break;
  }
  if (mine !== readings) return;
  clearErrorOf("Replays");
  current = { pages: read, total };
  list.replaceChildren(...[...runs.values()].map(entry));
  showCount();
}

async function showMore() {
  const mine = readings;
  const shown = list.children.length;
  try {
    const next = await page(current.pages + 1);
    if (mine !== readings) return;
    current.pages++;
    current.total = next.total;
    const listed = new Set([...list.children].map(item => item.dataset.replay));
    list.append(...next.items.filter(run => !listed.has(run.id)).map(entry));
    showCount();
    announce(`${count(list.children.length)} of ${count(current.total)} replays shown.`);
    // The keyboard goes on from the first replay just shown (the button may have gone: none is left).
    (list.children[shown] ?? list.children[shown - 1])?.querySelector("button")?.focus();
  } catch (error) {
    if (mine === readings) showError(error, "Replays");
  }
}

const page = number => getJson(`/api/replays?page=${number}&pageSize=${PageSize}`);

function showCount() {
  const { total } = current;
  const shown = list.children.length;
  document.getElementById("replay-count").textContent = total === 0 ? "No replay yet."
    : `${count(total)} replay${total === 1 ? "" : "s"}${total > shown ? `, the newest ${count(shown)} shown` : ""}.`;
  const rest = total - shown;
  more.hidden = rest <= 0;
  more.textContent = `Show ${count(Math.min(PageSize, rest))} more`;
}

const entry = run => h("li", { "data-replay": run.id },
  `${run.formula} as of ${day(run.asOf)}: ${codeWords(run.state)}, ${count(run.eventsDone)} of ${counted(run.eventsTotal, "touchpoint")} `,
  run.state === "completed"
    ? h("button", { type: "button", class: "link", "aria-label": `Differences of ${run.formula} as of ${day(run.asOf)}`, onclick: () => reopen(run).catch(error => showError(error, "Differences")) }, "Differences")
    : "",
  h("button", { type: "button", class: "link", "aria-label": `Delete ${run.formula} as of ${day(run.asOf)}`, onclick: event => ask(run, event.currentTarget) }, "Delete"));

// A deletion takes the replay's results with it and cannot be undone: Delete first asks, in the replay's place, as the
// desk's outcomes do. The keyboard goes to the question (a key pressed twice lands on text); only "Yes, delete it"
// deletes, "Keep it" or Escape gives the keyboard back to Delete.
function ask(run, pressed) {
  const item = pressed.closest("li");
  const buttons = [...item.querySelectorAll("button")];
  const question = h("span", { class: "question-text", tabindex: "-1" },
    `Delete the replay under ${run.formula} as of ${day(run.asOf)} with its results? This cannot be undone.`);
  // While the deletion is sent both stay where they are, busy (aria-disabled): a disabled button dropped the keyboard to
  // the page's start.
  const confirm = h("button", { type: "button", class: "link bad", onclick: event => event.detail < 2 && !isBusy(confirm) && go() }, "Yes, delete it");
  const keep = h("button", { type: "button", class: "link", onclick: () => !isBusy(keep) && back() }, "Keep it");
  const box = h("span", { class: "replay-question", role: "group", "aria-label": `Confirm the deletion of ${run.formula} as of ${day(run.asOf)}`,
    onkeydown: event => { if (event.key === "Escape" && !isBusy(confirm)) { event.preventDefault(); back(); } } }, " ", question, confirm, keep);
  const back = () => {
    box.remove();
    for (const button of buttons) button.hidden = false;
    pressed.focus();
  };
  const go = () => {
    setBusy(confirm, true);
    setBusy(keep, true);
    remove(run).catch(error => {
      showError(error, "Delete");
      if (item.isConnected) back();
    });
  };
  for (const button of buttons) button.hidden = true;
  item.append(box);
  question.focus();
}

async function reopen(run) {
  clearErrorOf("Differences");
  await showDiff(run);
  announce(`Differences of the replay under ${run.formula} shown.`);
}

async function remove(run) {
  clearErrorOf("Delete");
  const at = [...list.children].findIndex(item => item.dataset.replay === run.id);
  await deleteResource(`/api/replays/${encodeURIComponent(run.id)}`);
  clearDiffOf(run.id);
  announce(`Replay under ${run.formula} as of ${day(run.asOf)} deleted.`);
  // The pages shown stay shown, less the replay deleted.
  await showReplays(Math.max(1, current.pages));
  // Its Delete button went with it: the keyboard goes to the replay that took its place, else to the list's heading.
  if (document.activeElement && document.activeElement !== document.body && document.activeElement.isConnected) return;
  const items = [...list.children];
  const next = items[Math.min(at, items.length - 1)];
  (next?.querySelector("button:last-of-type") ?? document.getElementById("replay-list-title")).focus();
}
