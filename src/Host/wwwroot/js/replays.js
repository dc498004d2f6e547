// Formula versions and replays of every customer under one, for the audit page.
import { getJson, postJson, deleteResource } from "./api.js";
import { h, amount, count, day, clearError, announce, showError } from "./ui.js";

let catalog = [];

export async function loadFormulas(chosen) {
  const formulas = await getJson("/api/formulas");
  const options = selected => formulas.versions.map(v => `${v.name}@${v.version}`).map(name => h("option", { value: name, selected: name === selected }, name));
  const valueFormula = document.getElementById("audit-formula");
  valueFormula.replaceChildren(valueFormula.options[0], ...options(valueFormula.value));
  document.getElementById("replay-formula").replaceChildren(...options(chosen));
  catalog = formulas.catalog;
  const names = document.getElementById("new-formula");
  if (names.options.length === 0) {
    names.replaceChildren(...catalog.map(f => h("option", { value: f.name }, f.name)));
    showParameters();
  }
}

/** One field per parameter of the chosen formula; one left empty is estimated per customer. */
export function showParameters() {
  const name = document.getElementById("new-formula").value;
  const parameters = catalog.find(f => f.name === name)?.parameters ?? [];
  document.getElementById("new-parameters").replaceChildren(...parameters.flatMap(p => [
    h("label", { for: `parameter-${p}` }, p),
    h("input", { id: `parameter-${p}`, name: p, type: "number", step: "any", placeholder: "estimated per customer" })]));
}

export async function registerVersion(form) {
  clearError();
  const name = form.get("name");
  const parameters = Object.fromEntries([...form].filter(([key, value]) => key !== "name" && value !== "").map(([key, value]) => [key, Number(value)]));
  const registered = await postJson("/api/formulas", { name, parameters });
  const version = `${registered.name}@${registered.version}`;
  await loadFormulas(version);
  announce(`${version} registered (not put in force).`);
}

export async function replay(form) {
  clearError();
  const body = { formula: form.get("formula"), ...(form.get("asOf") ? { asOf: form.get("asOf") } : {}) };
  const { id } = await postJson("/api/replays", body);
  const progress = document.getElementById("replay-progress");
  progress.hidden = false;
  document.getElementById("replay-diff").replaceChildren();
  document.getElementById("replay-summary").textContent = "";
  let run;
  // Said in tenths: a screen reader told twice a second would say nothing else.
  let toldTenth = -1;
  for (;;) {
    run = await getJson(`/api/replays/${encodeURIComponent(id)}`);
    progress.value = run.eventsTotal ? run.eventsDone / run.eventsTotal : 0;
    const tenth = Math.floor(progress.value * 10);
    if (tenth !== toldTenth) {
      toldTenth = tenth;
      announce(`Replaying under ${body.formula}: ${run.eventsDone} of ${run.eventsTotal} touchpoints.`);
    }
    if (run.state !== "running") break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  if (run.state === "failed") throw new Error(run.error ?? "the replay failed");
  progress.value = 1;
  showDiff(await getJson(`/api/replays/${encodeURIComponent(id)}/diff?pageSize=10`), run);
  announce(`Replay under ${body.formula} completed.`);
  await showReplays();
}

const ReplaysShown = 10;

/** The latest replays, each with its differences to open again and a way to delete it (its results go with it). */
export async function showReplays() {
  const list = await getJson(`/api/replays?pageSize=${ReplaysShown}`);
  document.getElementById("replay-count").textContent = list.total === 0 ? "No replay yet."
    : `${list.total} replay${list.total === 1 ? "" : "s"}${list.total > list.items.length ? `, the newest ${list.items.length} shown` : ""}.`;
  document.getElementById("replay-list").replaceChildren(...list.items.map(run => h("li", { "data-replay": run.id },
    `${run.formula} as of ${day(run.asOf)}: ${run.state}, ${count(run.eventsDone)} of ${count(run.eventsTotal)} touchpoints `,
    run.state === "completed"
      ? h("button", { type: "button", class: "link", "aria-label": `Differences of ${run.formula} as of ${day(run.asOf)}`, onclick: () => reopen(run).catch(error => showError(error, "Differences")) }, "Differences")
      : "",
    h("button", { type: "button", class: "link", "aria-label": `Delete ${run.formula} as of ${day(run.asOf)}`, onclick: () => remove(run).catch(error => showError(error, "Delete")) }, "Delete"))));
}

async function reopen(run) {
  clearError();
  showDiff(await getJson(`/api/replays/${encodeURIComponent(run.id)}/diff?pageSize=10`), run);
  announce(`Differences of the replay under ${run.formula} shown.`);
}

async function remove(run) {
  clearError();
  const list = document.getElementById("replay-list");
  const at = [...list.children].findIndex(item => item.dataset.replay === run.id);
  await deleteResource(`/api/replays/${encodeURIComponent(run.id)}`);
  announce(`Replay under ${run.formula} as of ${day(run.asOf)} deleted.`);
  await showReplays();
  // Its Delete button went with it: the keyboard goes to the replay that took its place, else to the list's heading.
  if (document.activeElement && document.activeElement !== document.body && document.activeElement.isConnected) return;
  const items = [...list.children];
  const next = items[Math.min(at, items.length - 1)];
  (next?.querySelector("button:last-of-type") ?? document.getElementById("replay-list-title")).focus();
}

function showDiff(diff, run) {
  document.getElementById("replay-summary").textContent =
    `${diff.changed} of ${diff.customers} customers differ from the live values (${run.liveFormula}), ${diff.tierChanges} change tier. The largest differences:`;
  const row = item => h("tr", {},
    h("td", {}, h("a", { href: `index.html#customer=${encodeURIComponent(item.customerId)}` }, item.customerId)),
    h("td", { class: "number" }, amount(item.replayed)), h("td", { class: "number" }, amount(item.against)),
    h("td", { class: "number" }, amount(item.difference)), h("td", {}, item.tierChanged ? `${item.againstTier} → ${item.replayedTier}` : item.replayedTier));
  document.getElementById("replay-diff").replaceChildren(h("table", {},
    h("caption", {}, `Current value under ${diff.formula} against the live values`),
    h("thead", {}, h("tr", {}, ["Customer", "Replayed", "Live", "Difference", "Tier"].map(t => h("th", { scope: "col" }, t)))),
    h("tbody", {}, diff.items.map(row))));
}
